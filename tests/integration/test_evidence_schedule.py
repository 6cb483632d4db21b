"""The checkpoint schedule as a job: immediate jobs backend, the clock passed in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.integration.test_evidence_log import append, event

from laborsign.bootstrap import Container
from laborsign.evidence.publish import latest_checkpoint
from laborsign.evidence.schedule import JOB
from laborsign.evidence.tables import EvidenceCheckpointRow
from laborsign.settings import Settings

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def scheduled(database_url: str, tmp_path: Path) -> Iterator[Container]:
    c = Container(
        Settings(
            home=tmp_path / "home",
            database_url=database_url,
            jobs_backend="immediate",
            evidence_checkpoint_seconds=300,
            evidence_checkpoint_events=10,
        )
    )
    c.init()
    yield c
    c.engine.dispose()


def _run(container: Container, at: datetime) -> None:
    container.jobs.enqueue(JOB, now=at.isoformat())


def _checkpoints(container: Container) -> list[int]:
    with container.uow() as uow:
        return list(
            uow.session.scalars(
                select(EvidenceCheckpointRow.size).order_by(EvidenceCheckpointRow.size)
            )
        )


def test_the_job_publishes_when_due_by_events_or_by_time(scheduled: Container) -> None:
    _run(scheduled, T0)
    assert _checkpoints(scheduled) == []  # an empty log has nothing to publish
    append(scheduled, [event(i) for i in range(3)])
    _run(scheduled, T0)
    assert _checkpoints(scheduled) == [3]  # the first checkpoint: as soon as there are events
    append(scheduled, [event(i) for i in range(3, 8)])
    _run(scheduled, T0 + timedelta(seconds=299))
    assert _checkpoints(scheduled) == [3]  # 5 new events, 299 s: not due
    _run(scheduled, T0 + timedelta(seconds=300))
    assert _checkpoints(scheduled) == [3, 8]  # due by time
    append(scheduled, [event(i) for i in range(8, 18)])
    _run(scheduled, T0 + timedelta(seconds=301))
    assert _checkpoints(scheduled) == [3, 8, 18]  # due by 10 events
    with scheduled.uow() as uow:
        latest = latest_checkpoint(uow.session)
    assert latest is not None and latest.timestamp_token is not None


def test_running_the_job_again_publishes_nothing_new(scheduled: Container) -> None:
    append(scheduled, [event(i) for i in range(4)])
    for _ in range(3):
        _run(scheduled, T0 + timedelta(hours=1))
    with scheduled.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(EvidenceCheckpointRow)) == 1


def test_the_job_is_registered_to_run_every_minute(scheduled: Container) -> None:
    from laborsign.jobs.registry import registered

    [spec] = [s for s in registered() if s.name == JOB]
    assert spec.every_minutes == 1
    assert JOB in scheduled.jobs.names
