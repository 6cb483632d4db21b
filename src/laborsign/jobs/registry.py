"""How a domain declares a background job.

    @job("outbox.dispatch", retries=8, retry_delay=30)
    def dispatch(container: Container, message_id: str) -> None: ...

A job receives the container of the process that runs it (the web process or a
`laborsign worker`) and ids, never objects: the job may run later, elsewhere, and more than
once, so it loads the current state and does nothing if its work is already done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

JobFunction = Callable[..., None]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A registered job. A failing run is retried `retries` times, the first retry after
    `retry_delay` seconds and each next one `backoff` times later than the one before."""

    name: str
    function: Callable[..., None]
    retries: int = 5
    retry_delay: float = 10.0
    backoff: float = 2.0
    # Run every so many minutes by the consumer's scheduler (None: only when enqueued).
    every_minutes: int | None = None


_jobs: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    retries: int = 5,
    retry_delay: float = 10.0,
    backoff: float = 2.0,
    every_minutes: int | None = None,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as the job `name` (names are global and stable: the
    queue stores them, so renaming one strands the jobs already queued under the old name)."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        spec = JobSpec(name, function, retries, retry_delay, backoff, every_minutes)
        known = _jobs.get(name)
        if known is not None and known.function is not function:
            raise ValueError(f"job {name!r} is registered twice")
        _jobs[name] = spec
        return function

    return register


def registered() -> list[JobSpec]:
    """Every job the platform declares (importing the catalogue registers them)."""
    from laborsign.jobs import catalogue  # noqa: F401  (registers by import)

    return sorted(_jobs.values(), key=lambda spec: spec.name)


def call(spec: JobSpec, container: Container, ids: dict[str, Any]) -> None:
    spec.function(container, **ids)
