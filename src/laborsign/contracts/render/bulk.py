"""Rendering many contracts on every core: one warm `Renderer` per worker process.

Typst holds the interpreter while it compiles, so threads would share one core. Each worker
process builds its renderer once, in the pool's initializer, and renders a first contract
so that fonts, compilers and the coverage are loaded before any real work arrives. Contracts
travel in chunks (fewer round trips); results come back as PDF bytes with their boxes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from laborsign.errors import RenderError
from laborsign.i18n import Text

if TYPE_CHECKING:
    from multiprocessing.pool import Pool
    from multiprocessing.synchronize import Semaphore

    from laborsign.contracts.model import Contract
    from laborsign.contracts.render.renderer import RenderedContract, Renderer

_worker_renderer: Renderer | None = None


@dataclass(frozen=True, slots=True)
class _Failure:
    # RenderError itself does not survive pickling (its constructor takes a Text).
    message: Text
    field: str | None


def _start_worker(ready: Semaphore) -> None:
    global _worker_renderer
    from laborsign.contracts.examples import example_contract
    from laborsign.contracts.model import TemplateId
    from laborsign.contracts.render.renderer import Renderer

    _worker_renderer = Renderer()
    for template in TemplateId:
        _worker_renderer.render(example_contract(template))
    ready.release()


def _render_chunk(
    contracts: Sequence[Contract],
) -> tuple[list[RenderedContract | _Failure], float]:
    """The chunk's results in order, and the CPU seconds this worker spent on them."""
    if _worker_renderer is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("render worker not initialised")
    started = time.process_time()
    results: list[RenderedContract | _Failure] = []
    for contract in contracts:
        try:
            results.append(_worker_renderer.render(contract))
        except RenderError as exc:
            results.append(_Failure(exc.message, exc.field))
    return results, time.process_time() - started


class RenderPool:
    """Worker processes with warm renderers. Use as a context manager; reuse for many runs.

    Processes are spawned, not forked: a forked child would inherit Typst's threads (and
    any database connections of the parent) in an unknown state.
    """

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or os.cpu_count() or 1
        context = multiprocessing.get_context("spawn")
        self._ready = context.Semaphore(0)
        self._pool: Pool = context.Pool(
            self.processes, initializer=_start_worker, initargs=(self._ready,)
        )
        # CPU seconds the workers spent rendering (not starting up), summed over all runs.
        self.worker_cpu_seconds = 0.0

    def wait_until_warm(self) -> None:
        """Block until every worker has loaded its fonts and rendered its first contract."""
        for _ in range(self.processes):
            self._ready.acquire()

    def render_many(
        self, contracts: Iterable[Contract], *, chunksize: int = 8
    ) -> Iterator[RenderedContract | RenderError]:
        """Each contract's rendering, in input order; a contract that cannot be rendered
        (e.g. a character no font has) yields its `RenderError` instead of stopping the run."""
        chunks = _chunked(contracts, chunksize)
        for results, cpu in self._pool.imap(_render_chunk, chunks):
            self.worker_cpu_seconds += cpu
            for result in results:
                if isinstance(result, _Failure):
                    yield RenderError(result.message, field=result.field)
                else:
                    yield result

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
        else:
            self._pool.terminate()
            self._pool.join()


def _chunked(items: Iterable[Contract], size: int) -> Iterator[list[Contract]]:
    chunk: list[Contract] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
