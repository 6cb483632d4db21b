"""The background jobs of bulk issuance: validating an upload, running an import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

JOB = "bulk.run"
VALIDATE_JOB = "bulk.validate"


# Retries resume where the failed run stopped: rows are done or not, chunk by chunk.
@job(JOB, retries=3, retry_delay=30)
def run_import(container: Container, import_id: str) -> None:
    from laborsign.bulk.runner import ImportRunner

    ImportRunner(container).run(import_id)


# Retries check the sheet again from the start: its rows are written at once, at the end.
@job(VALIDATE_JOB, retries=3, retry_delay=30)
def validate_import(container: Container, import_id: str) -> None:
    from laborsign.bulk.checking import ImportChecker

    ImportChecker(container).check(import_id)


@job("bulk.validate_sweep", retries=0, every_minutes=5)
def requeue_stalled_validations(container: Container) -> None:
    # A validation job lost with its worker (or never queued: the queue was down at upload)
    # would leave its import validating for ever.
    from laborsign.bulk.checking import stalled

    for import_id in stalled(container, datetime.now(UTC)):
        container.jobs.enqueue(VALIDATE_JOB, import_id=import_id)
