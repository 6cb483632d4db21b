"""The CPU-bound half of a bulk run, in worker processes: rendering and employer signing.

Typst and the signature maths hold the interpreter, so threads would share one core. Each
worker process keeps a warm `Renderer` and, when sealing, a `Container` whose signing service
holds the organisation's loaded key, the CA and the in-process TSA; the database writes stay
in the parent. Processes are started with forkserver: the parent holds database connections
and threads that a plain fork would copy.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from laborsign.errors import LaborSignError

if TYPE_CHECKING:
    from laborsign.bootstrap import Container
    from laborsign.contracts.render import Renderer
    from laborsign.settings import Settings

_settings: Settings | None = None
_renderer: Renderer | None = None
_container: Container | None = None

Rendered = tuple[int, bytes | None, str | None]  # row number, draft PDF, or the error
# What a worker returns: its results and the CPU seconds they took there (the parent adds
# them up: worker processes are the forkserver's children, so its rusage never sees them).
Timed = tuple[list[Any], float]


def _init(settings: Settings) -> None:
    global _settings
    _settings = settings


def render_chunk(items: Sequence[tuple[int, str]]) -> tuple[list[Rendered], float]:
    """Render rows (number, contract JSON) with both signature fields, as `create_draft` does."""
    global _renderer
    started = time.process_time()
    from laborsign.contracts.model import Contract
    from laborsign.contracts.render import Renderer
    from laborsign.signing import pades

    if _renderer is None:
        _renderer = Renderer()
    out: list[Rendered] = []
    for number, document in items:
        try:
            rendered = _renderer.render(Contract.model_validate_json(document))
            out.append((number, pades.prepare_fields(rendered.pdf, rendered.boxes), None))
        except LaborSignError as exc:
            out.append((number, None, exc.message.en))
    return out, time.process_time() - started


def seal_chunk(
    items: Sequence[tuple[str, bytes]], name: str, credit_code: str
) -> tuple[list[tuple[str, bytes]], float]:
    """The employer's B-T signature on each (contract id, current PDF)."""
    global _container
    started = time.process_time()
    from laborsign.bootstrap import Container
    from laborsign.signing.service import Organisation

    if _container is None:
        if _settings is None:
            raise RuntimeError("the pool was not initialised")
        _container = Container(_settings)
    organisation = Organisation(name, credit_code)
    signing = _container.signing
    sealed = [(cid, signing.sign_as_employer(pdf, organisation)) for cid, pdf in items]
    return sealed, time.process_time() - started


def pool_size(rows: int, chunk: int) -> int:
    chunks = max(1, -(-rows // chunk))
    return max(1, min(os.cpu_count() or 1, chunks))


def start_pool(settings: Settings, workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init, initargs=(settings,)
    )
