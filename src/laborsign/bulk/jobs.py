"""The background job of bulk issuance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

JOB = "bulk.run"


# Retries resume where the failed run stopped: rows are done or not, chunk by chunk.
@job(JOB, retries=3, retry_delay=30)
def run_import(container: Container, import_id: str) -> None:
    from laborsign.bulk.runner import ImportRunner

    ImportRunner(container).run(import_id)
