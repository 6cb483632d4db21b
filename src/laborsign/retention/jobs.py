"""Retention jobs: the daily list of contracts that became erasable, and erasure itself.

The list only tells the operator (through the outbox); erasing stays a decision. The erase
job goes through the same service check as every other path, so a job enqueued too early
fails with the refusal and erases nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.db.tenancy import Scope
from laborsign.jobs.registry import job
from laborsign.notify import outbox

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

ERASABLE = "retention.erasable"
JOB_ACTOR = "job:retention"
MAX_LISTED = 500  # one message lists at most this many; the next run lists the rest


def announce_erasable(container: Container, now: datetime) -> list[str]:
    """List what may be erased today and tell the operator (once per day and list)."""
    ids = container.retention.erasable(now)
    if ids:
        with container.uow(Scope.system()) as uow:
            outbox.add(
                uow.session,
                ERASABLE,
                {"contracts": ids[:MAX_LISTED], "count": len(ids)},
                key=f"{ERASABLE}:{now.date().isoformat()}:{len(ids)}",
                now=now,
            )
            uow.commit()
    return ids


@job("retention.scan", retries=2, retry_delay=600, every_minutes=24 * 60)
def scan(container: Container) -> None:
    announce_erasable(container, datetime.now(UTC))


@job("retention.erase", retries=0)
def erase(container: Container, contract_id: str) -> None:
    container.retention.erase(Scope.system(JOB_ACTOR), contract_id, now=datetime.now(UTC))
