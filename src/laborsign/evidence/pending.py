"""Access events waiting to enter the evidence log.

Appending to the log serialises on its head row until the durable commit, so recording
every contract view directly would make concurrent reads queue one fsync after another.
A view or download is therefore first written, in the request's own transaction, to the
insert-only table `evidence_pending` (no lock shared with other requests), and later
integrated into the log in batches: one transaction appends the pending events with
`append_many` and deletes exactly those rows, so an event is either pending or logged,
never both and never neither. A crash before integration loses nothing: the row is durable.

Integration happens from a periodic job, soon after a commit that added pending rows
(debounced per process), before a checkpoint is published (hence before every evidence
package export), and before any other event of the same contract is appended, so that in
the log a view keeps its place among the contract's other events.

An entry keeps the real access time. Only if a view committed its pending row after a later
event of the same contract had already been logged (a race of a few milliseconds) would
its time go backwards in the contract's chain, which verifiers refuse; such an entry takes
the time of the contract's latest event and keeps the real access time in `accessed-at`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from laborsign.db.base import Base
from laborsign.db.uow import UnitOfWork
from laborsign.evidence.events import Event, EventType, format_time
from laborsign.evidence.log import HEAD_ID, EvidenceLog
from laborsign.evidence.tables import EvidenceHeadRow

log = logging.getLogger(__name__)

ACCESSED_AT = "accessed-at"
# One integration appends at most this many events (one transaction, bounded in size);
# the caller loops while more are waiting.
BATCH = 2000
# After a commit that added pending rows, a process integrates at most this often.
DEBOUNCE_SECONDS = 2.0


class PendingEventRow(Base):
    """An access event not yet in the log. Holds what the leaf will hold and nothing more:
    the contract, the event type, the actor's pseudonym, the time and the clear details."""

    __tablename__ = "evidence_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(String(64), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    details: Mapped[str] = mapped_column(Text)


# A plain INSERT on the table, its values bound as parameters: built once and compiled once,
# where an ORM `insert(PendingEventRow).values(...)` was rebuilt, coerced and routed through
# the ORM's bulk path on every contract view (about three times the cost).
_INSERT = insert(cast(Table, PendingEventRow.__table__))


def add_pending(session: Session, event: Event) -> None:
    """Queue an event without artifacts (an access event) in the caller's transaction."""
    if event.artifacts:
        raise ValueError("pending events carry no artifacts")
    session.execute(
        _INSERT,
        {
            "contract_id": event.contract,
            "event_type": event.type.value,
            "actor": event.actor,
            "at": event.at,
            "details": json.dumps(dict(event.extra), sort_keys=True, ensure_ascii=False),
        },
    )


def pending_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(PendingEventRow)).scalar_one()


def lock_head(session: Session) -> None:
    """Take the log's append lock now (the same UPDATE `append_many` starts with), so that
    the pending rows and every contract's latest entry read next are final for this
    transaction: no other writer can log anything until it ends."""
    session.execute(
        update(EvidenceHeadRow)
        .where(EvidenceHeadRow.id == HEAD_ID)
        .values(size=EvidenceHeadRow.size)
    )


def _utc(moment: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _event(row: PendingEventRow) -> Event:
    return Event(
        EventType(row.event_type),
        row.contract_id,
        row.actor,
        _utc(row.at),
        {},
        json.loads(row.details),
    )


def _not_before(event: Event, previous_entry: bytes | None) -> Event:
    """The event, at the latest event's time if it would otherwise go back in time."""
    if previous_entry is None:
        return event
    latest = Event.from_entry(previous_entry).at
    if format_time(event.at) >= format_time(latest):
        return event
    return replace(event, at=latest, extra={**event.extra, ACCESSED_AT: format_time(event.at)})


def integrate_locked(
    session: Session, log_: EvidenceLog, contract_id: str | None = None, limit: int = BATCH
) -> int:
    """Append pending events (of one contract, or of all) to the log and delete their rows,
    in the caller's transaction, which must already hold the head lock (`lock_head`).
    Returns how many were integrated."""
    from laborsign.evidence.sequence import chain, last_entry

    query = select(PendingEventRow).order_by(PendingEventRow.at, PendingEventRow.id).limit(limit)
    if contract_id is not None:
        query = query.where(PendingEventRow.contract_id == contract_id)
    rows = session.scalars(query).all()
    if not rows:
        return 0
    by_contract: dict[str, list[Event]] = {}
    for row in rows:
        by_contract.setdefault(row.contract_id, []).append(_event(row))
    events: list[Event] = []
    for contract, waiting in by_contract.items():
        previous = last_entry(session, contract)
        dated: list[Event] = []
        for event in waiting:
            dated.append(_not_before(event, previous if not dated else dated[-1].entry()))
        events.extend(chain(dated, previous))
    log_.append_many(session, events)
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 400):
        session.execute(
            delete(PendingEventRow).where(PendingEventRow.id.in_(ids[start : start + 400]))
        )
    return len(rows)


def integrate_pending(uow: Callable[[], UnitOfWork], log_: EvidenceLog) -> int:
    """Integrate everything pending, one batch per transaction; returns the number of events."""
    total = 0
    while True:
        with uow() as work:
            if pending_count(work.session) == 0:
                return total
            lock_head(work.session)
            done = integrate_locked(work.session, log_)
            work.commit()
        total += done
        if done < BATCH:
            return total


class Integrator:
    """Integrates soon after commits that added pending rows, at most every `every` seconds
    per process, after the commit (so the request's own data is durable first). Only one
    thread of a process integrates at a time; the others go on.

    `poke` integrates in the calling thread. `poke_soon` hands the batch to the integrator's
    own thread: a batch is every view of the last seconds (hundreds under load, a fraction of
    a millisecond of CPU each), and the web request that happened to commit when one was due
    should not wait for all of them."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        log_: EvidenceLog,
        every: float = DEBOUNCE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow = uow
        self._log = log_
        self._every = every
        self._clock = clock
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._wake = threading.Condition()
        self._due = False
        self._thread: threading.Thread | None = None

    def poke_soon(self) -> None:
        """`poke` on the integrator's thread, started on first use; returns at once."""
        if self._clock() - self._last < self._every:
            return  # the common case, decided without waking anyone
        with self._wake:
            self._due = True
            if self._thread is None:
                # A daemon: a process that exits mid-batch rolls the batch back, and its rows
                # stay pending for the next process, the periodic job or a publication.
                self._thread = threading.Thread(
                    target=self._serve, name="evidence-integrator", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _serve(self) -> None:
        while True:
            with self._wake:
                while not self._due:
                    self._wake.wait()
                self._due = False
            self.poke()

    def poke(self) -> None:
        if self._clock() - self._last < self._every or not self._lock.acquire(blocking=False):
            return
        try:
            self._last = self._clock()
            integrate_pending(self._uow, self._log)
        except Exception:
            # The rows stay pending: the periodic job or the next poke integrates them.
            log.exception("integrating pending evidence events failed")
        finally:
            self._lock.release()
