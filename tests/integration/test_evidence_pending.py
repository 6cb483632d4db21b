"""Access events wait in `evidence_pending` and enter the log in batches, on SQLite and
PostgreSQL: nothing is lost, nothing is logged twice, each contract's chain stays in time
order."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.bootstrap import Container
from laborsign.evidence.events import Event, EventType, format_time, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.package_verify import FLOATING
from laborsign.evidence.pending import (
    ACCESSED_AT,
    Integrator,
    add_pending,
    integrate_pending,
    pending_count,
)
from laborsign.evidence.sequence import PREVIOUS_EVENT, append_contract_events, sha256_hex
from laborsign.evidence.tables import EvidenceLeafRow

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)
HR = pseudonym(b"test", "hr", "staff-1")


def created(contract: str, at: datetime) -> Event:
    digest = hashlib.sha256(contract.encode()).hexdigest()
    return Event(EventType.CREATED, contract, HR, at, {"contract.json": digest})


def viewed(contract: str, at: datetime, access: str = "summary") -> Event:
    return Event(EventType.VIEWED, contract, HR, at, {}, {"access": access, "caller": "staff"})


def logged(container: Container, contract: str) -> list[Event]:
    with container.uow() as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.contract_id == contract)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [Event.from_entry(e) for e in entries]


def record(container: Container, *events: Event) -> None:
    with container.uow() as uow:
        for event in events:
            add_pending(uow.session, event)
        uow.commit()


def log_directly(container: Container, *events: Event) -> None:
    with container.uow() as uow:
        append_contract_events(uow.session, container.evidence.log, list(events))
        uow.commit()


def assert_chained_in_time(events: list[Event]) -> None:
    for before, after in itertools.pairwise(events):
        assert after.artifacts[PREVIOUS_EVENT] == sha256_hex(before.entry())
        assert after.at >= before.at


def test_a_view_is_pending_until_integrated_then_logged_once_with_its_time(
    container: Container,
) -> None:
    log_directly(container, created("c-1", T0))
    views = [viewed("c-1", T0 + timedelta(seconds=s), f"kind-{s}") for s in (1, 2, 3)]
    record(container, *views)
    assert [e.type for e in logged(container, "c-1")] == [EventType.CREATED]

    assert integrate_pending(container.uow, container.evidence.log) == 3
    events = logged(container, "c-1")
    assert [(e.type, e.at, e.extra["access"]) for e in events[1:]] == [
        (EventType.VIEWED, v.at, v.extra["access"]) for v in views
    ]
    assert all(ACCESSED_AT not in e.extra for e in events)
    assert_chained_in_time(events)
    # Integrated rows are gone: a second run logs nothing again.
    assert integrate_pending(container.uow, container.evidence.log) == 0
    assert len(logged(container, "c-1")) == 4


def test_a_pending_view_survives_a_crash_before_integration(container: Container) -> None:
    record(container, viewed("c-2", T0))
    # The process that recorded it ends without integrating; a new one starts.
    container.engine.dispose()
    restarted = Container(container.settings)
    try:
        with restarted.uow() as uow:
            assert pending_count(uow.session) == 1
        integrate_pending(restarted.uow, restarted.evidence.log)
        assert [e.at for e in logged(restarted, "c-2")] == [T0]
    finally:
        restarted.engine.dispose()


def test_appending_a_contract_event_first_logs_its_earlier_views(container: Container) -> None:
    log_directly(container, created("c-3", T0))
    record(container, viewed("c-3", T0 + timedelta(seconds=1)), viewed("c-4", T0))
    sent = Event(EventType.SENT, "c-3", HR, T0 + timedelta(seconds=2), {}, {"channel": "sms"})
    log_directly(container, sent)

    events = logged(container, "c-3")
    assert [e.type for e in events] == [EventType.CREATED, EventType.VIEWED, EventType.SENT]
    assert_chained_in_time(events)
    # Only that contract's views: another contract's stay pending for the sweep.
    with container.uow() as uow:
        assert pending_count(uow.session) == 1


def test_a_view_committed_after_a_later_event_keeps_the_chain_in_time_order(
    container: Container,
) -> None:
    log_directly(container, created("c-5", T0 + timedelta(seconds=10)))
    late = viewed("c-5", T0 + timedelta(seconds=4))
    record(container, late)
    integrate_pending(container.uow, container.evidence.log)

    events = logged(container, "c-5")
    assert_chained_in_time(events)
    assert events[1].type in FLOATING
    assert events[1].at == events[0].at
    assert events[1].extra[ACCESSED_AT] == format_time(late.at)


def test_the_integrator_runs_at_most_once_per_interval(container: Container) -> None:
    moments = iter([0.0, 0.0, 1.0, 3.0, 3.0])
    integrator = Integrator(
        container.uow, container.evidence.log, every=2.0, clock=lambda: next(moments)
    )
    record(container, viewed("c-6", T0))
    integrator.poke()  # integrates
    record(container, viewed("c-6", T0 + timedelta(seconds=1)))
    integrator.poke()  # one second later: waits
    assert len(logged(container, "c-6")) == 1
    integrator.poke()  # three seconds later: integrates
    assert len(logged(container, "c-6")) == 2


class WatchedLog:
    """The evidence log, noting the thread of each append."""

    def __init__(self, inner: EvidenceLog) -> None:
        self.inner = inner
        self.threads: list[str] = []

    def append_many(self, session: Session, events: Sequence[Event]) -> range:
        self.threads.append(threading.current_thread().name)
        return self.inner.append_many(session, events)


def wait_until_logged(container: Container, contract: str, count: int) -> None:
    deadline = time.monotonic() + 30  # a bound for a slow machine, not an assertion
    while len(logged(container, contract)) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_poke_soon_integrates_on_the_integrators_own_thread(container: Container) -> None:
    now = [0.0]
    watched = WatchedLog(container.evidence.log)
    integrator = Integrator(
        container.uow,
        watched,  # type: ignore[arg-type]  # the one method integration calls
        every=2.0,
        clock=lambda: now[0],
    )
    record(container, viewed("c-8", T0))
    integrator.poke_soon()
    wait_until_logged(container, "c-8", 1)
    assert len(logged(container, "c-8")) == 1
    assert watched.threads == ["evidence-integrator"]
    now[0] = 1.0  # within the interval: decided in the caller, nothing is integrated
    record(container, viewed("c-8", T0 + timedelta(seconds=1)))
    integrator.poke_soon()
    with container.uow() as uow:
        assert pending_count(uow.session) == 1
    now[0] = 3.0
    integrator.poke_soon()
    wait_until_logged(container, "c-8", 2)
    assert len(logged(container, "c-8")) == 2
    assert watched.threads == ["evidence-integrator"] * 2


def test_publishing_integrates_what_is_pending_first(container: Container) -> None:
    log_directly(container, created("c-7", T0))
    record(container, viewed("c-7", T0 + timedelta(seconds=1)))
    published = container.evidence.publish(datetime.now(UTC))
    assert published.checkpoint.size == 2
    with container.uow() as uow:
        assert pending_count(uow.session) == 0
