"""The periodic sweep that integrates pending access events into the evidence log.

Commits that add pending rows already trigger an integration in their process (debounced);
this job catches what those miss: rows of a process that ended first, or of a failed run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.evidence.pending import integrate_pending
from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

JOB = "evidence.integrate-pending"


@job(JOB, retries=3, retry_delay=5, every_minutes=1)
def integrate_pending_job(container: Container) -> None:
    integrate_pending(container.uow, container.evidence.log)
