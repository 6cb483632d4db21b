"""The checkpoint schedule: a periodic job publishes a checkpoint when one is due, then
hands the latest checkpoint to the configured anchors.

The job runs every minute; `checkpoint_due` decides (every `evidence_checkpoint_seconds`
or `evidence_checkpoint_events` new events, whichever comes first), so the effective
period is at least a minute and a burst of events waits at most a minute for its
checkpoint. Publishing cosigns with every configured witness and timestamps, or publishes
nothing (fail closed); the job is then retried. Running it twice publishes once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from laborsign.db.uow import UnitOfWork
from laborsign.evidence.anchors import Anchor, AnchorReceipt
from laborsign.evidence.anchors_store import anchor_latest
from laborsign.evidence.publish import PublishedCheckpoint, checkpoint_due, latest_checkpoint
from laborsign.evidence.service import EvidenceService
from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container
    from laborsign.settings import Settings

JOB = "evidence.checkpoint"


@dataclass(frozen=True, slots=True)
class Schedule:
    every: timedelta
    every_events: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        return cls(
            timedelta(seconds=settings.evidence_checkpoint_seconds),
            settings.evidence_checkpoint_events,
        )


@dataclass(frozen=True, slots=True)
class ScheduleRun:
    published: PublishedCheckpoint | None  # None: no checkpoint was due
    anchored: tuple[AnchorReceipt, ...]


def is_due(
    uow: Callable[[], UnitOfWork], service: EvidenceService, schedule: Schedule, now: datetime
) -> bool:
    with uow() as work:
        latest = latest_checkpoint(work.session)
        size = service.log.size(work.session)
    return checkpoint_due(
        latest, size, now, every=schedule.every, every_events=schedule.every_events
    )


def run_schedule(
    uow: Callable[[], UnitOfWork],
    service: EvidenceService,
    anchors: Sequence[Anchor],
    schedule: Schedule,
    now: datetime,
) -> ScheduleRun:
    """Publish if due; then anchor the latest checkpoint where a receipt is missing (also
    when nothing was due, so a failed anchoring is retried on the next run)."""
    published = service.publish(now) if is_due(uow, service, schedule, now) else None
    return ScheduleRun(published, tuple(anchor_latest(uow, anchors, now)))


@job(JOB, retries=3, retry_delay=10, every_minutes=1)
def publish_checkpoint_job(container: Container, now: str = "") -> None:
    # `now` (ISO 8601) lets a caller run the schedule at a given moment; the periodic run
    # passes nothing and uses the clock.
    moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    run_schedule(
        container.uow,
        container.evidence,
        container.anchors,
        Schedule.from_settings(container.settings),
        moment,
    )
