"""`laborsign serve`: the app under uvicorn, in one or several worker processes.

Python runs one thread of Python code at a time per process, so a server uses more than
one core only with more processes. With `workers > 1`, uvicorn's supervisor binds the
socket and starts that many worker processes on it; each builds its own container from
the same settings (environment and `.env`), keeps its own connection pool, and the kernel
spreads incoming connections over them. The parent process runs the embedded job queue
(if any) and restarts a worker that dies. With one worker, the app runs in this process.

uvicorn picks uvloop and httptools when they are installed (both are dependencies):
parsing HTTP in C instead of h11 and a libuv event loop cost a fraction of the pure-Python
ones per request.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from laborsign.bootstrap import Container

# What a worker process imports to build its app (uvicorn needs an import string to start
# processes of its own).
WORKER_APP = "laborsign.web.serving:worker_app"


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
    else:
        uvicorn.run(WORKER_APP, factory=True, workers=workers, **options)
