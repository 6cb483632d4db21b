"""`laborsign serve`: the app under uvicorn, in one or several worker processes.

Python runs one thread of Python code at a time per process, so a server uses more than
one core only with more processes. With `workers > 1`, uvicorn's supervisor binds the
socket and starts that many worker processes on it; each builds its own container from
the same settings (environment and `.env`), keeps its own connection pool, and the kernel
spreads incoming connections over them. The parent process runs the embedded job queue
(if any), restarts a worker that dies, and integrates the access events the workers record
into the evidence log every `DEBOUNCE_SECONDS` (laborsign.evidence.pending): a batch is
pure-Python work of a fraction of a millisecond per event, which inside a worker would hold
the interpreter lock while that worker's requests wait for their turns. With one worker, the
app runs in this process and integrates on a thread of its own after commits.

uvicorn picks uvloop and httptools when they are installed (both are dependencies):
parsing HTTP in C instead of h11 and a libuv event loop cost a fraction of the pure-Python
ones per request.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from laborsign.bootstrap import Container

log = logging.getLogger(__name__)

# What a worker process imports to build its app (uvicorn needs an import string to start
# processes of its own).
WORKER_APP = "laborsign.web.serving:worker_app"
# Read by each worker's settings: the parent integrates instead (see `integrating`).
WORKERS_DO_NOT_INTEGRATE = {"LABORSIGN_EVIDENCE_INTEGRATE_AFTER_COMMIT": "false"}


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def worker_app() -> FastAPI:
    """The app of one worker process, from the settings every process reads alike."""
    from laborsign.bootstrap import build
    from laborsign.web.app import create_app

    return create_app(build())


def run(container: Container, host: str, port: int, workers: int) -> None:
    """Serve until stopped (SIGINT, SIGTERM), in `workers` processes."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": container.settings.log_level.lower(),
    }
    if workers <= 1:
        from laborsign.web.app import create_app

        uvicorn.run(create_app(container), **options)
        return
    # Worker processes inherit this process's environment, hence its settings.
    os.environ.update(WORKERS_DO_NOT_INTEGRATE)
    with integrating(container):
        uvicorn.run(WORKER_APP, factory=True, workers=workers, **options)


@contextmanager
def integrating(container: Container, every: float | None = None) -> Iterator[None]:
    """Integrate pending access events every `every` seconds on a thread while the block
    runs (an idle round is one COUNT query)."""
    from laborsign.evidence.pending import DEBOUNCE_SECONDS, integrate_pending

    period = DEBOUNCE_SECONDS if every is None else every
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(period):
            try:
                integrate_pending(container.uow, container.evidence.log)
            except Exception:
                # The rows stay pending: the next round or the periodic job takes them.
                log.exception("integrating pending evidence events failed")

    thread = threading.Thread(target=loop, name="evidence-integrator", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=60)
