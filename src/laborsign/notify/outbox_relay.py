"""The relay: hands each committed outbox message to the handler for its kind.

Delivery is at least once: a message is marked dispatched in the same transaction as its
handler's database work, but a handler that talks to the outside world (an SMS gateway)
may have done so when the process dies before that commit. Handlers are therefore
idempotent, or pass the message id on as the receiver's deduplication key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from laborsign.db.uow import UnitOfWork
from laborsign.errors import ServiceUnavailable
from laborsign.i18n import Text
from laborsign.jobs.backoff import exponential
from laborsign.notify.outbox_tables import OutboxMessageRow

log = logging.getLogger(__name__)

# How long a claimed message is left alone before another relay may try it again: longer
# than any handler takes, short enough that a crashed worker's message is soon retried.
LEASE = timedelta(minutes=5)
# A message that failed its last allowed attempt is parked here: never due again, its last
# error kept. The table has no status column; this date is the final "failed" state.
GAVE_UP = datetime(9999, 12, 31, tzinfo=UTC)
GAVE_UP_PREFIX = "gave up: "
DEFAULT_MAX_ATTEMPTS = 10


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    # The relay's clock at this attempt: handlers use it rather than reading the time.
    at: datetime


# Sends or fans out a message; its database work goes into the session, which commits
# together with the message's dispatched mark.
Handler = Callable[[Session, OutboxMessage], None]


class DispatchFailed(ServiceUnavailable):
    """A handler failed; the message stays in the outbox for a later attempt."""


class OutboxRelay:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        handlers: Mapping[str, Handler],
        *,
        backoff: Callable[[int], timedelta] = exponential,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        self._uow = uow
        self._handlers = dict(handlers)
        self._backoff = backoff
        self._max_attempts = max_attempts

    def due(self, now: datetime, limit: int = 500) -> list[str]:
        """Ids of undispatched messages whose next attempt is due, oldest first."""
        with self._uow() as uow:
            return list(
                uow.session.scalars(
                    select(OutboxMessageRow.id)
                    .where(
                        OutboxMessageRow.dispatched_at.is_(None),
                        OutboxMessageRow.next_attempt_at <= now,
                    )
                    .order_by(OutboxMessageRow.next_attempt_at)
                    .limit(limit)
                )
            )

    def dispatch(self, message_id: str, now: datetime | None = None) -> bool:
        """Dispatch one message if it is due; False when there is nothing to do (already
        dispatched, claimed by another relay, or not due yet). Raises DispatchFailed when
        the handler failed (the failure and the next attempt time are recorded)."""
        at = now or datetime.now(UTC)
        message = self._claim(message_id, at)
        if message is None:
            return False
        try:
            with self._uow() as uow:
                handler = self._handlers.get(message.kind)
                if handler is None:
                    raise LookupError(f"no handler for outbox messages of kind {message.kind!r}")
                handler(uow.session, message)
                uow.session.execute(
                    update(OutboxMessageRow)
                    .where(OutboxMessageRow.id == message.id)
                    .values(dispatched_at=at, last_error=None)
                )
                uow.commit()
        except Exception as exc:
            self._record_failure(message, at, exc)
            raise DispatchFailed(
                Text(
                    "外发消息 {id} 发送失败，稍后重试", "outbox message {id} failed; will retry"
                ).format(id=message.id)
            ) from exc
        return True

    def _claim(self, message_id: str, at: datetime) -> OutboxMessage | None:
        # One conditional UPDATE is the claim: of two relays racing, exactly one changes the
        # row, on SQLite and PostgreSQL alike, without holding a lock during the handler.
        with self._uow() as uow:
            result = cast(
                CursorResult[Any],
                uow.session.execute(
                    update(OutboxMessageRow)
                    .where(
                        OutboxMessageRow.id == message_id,
                        OutboxMessageRow.dispatched_at.is_(None),
                        OutboxMessageRow.next_attempt_at <= at,
                    )
                    .values(next_attempt_at=at + LEASE, attempts=OutboxMessageRow.attempts + 1)
                    .execution_options(synchronize_session=False)
                ),
            )
            if result.rowcount != 1:
                return None
            row = uow.session.get_one(OutboxMessageRow, message_id)
            message = OutboxMessage(row.id, row.kind, dict(row.payload), row.attempts, at)
            uow.commit()
        return message

    def failed(self, limit: int = 500) -> list[tuple[str, str, int, str]]:
        """Messages that ended failed: (id, kind, attempts, last error), for the operator."""
        with self._uow() as uow:
            rows = uow.session.execute(
                select(
                    OutboxMessageRow.id,
                    OutboxMessageRow.kind,
                    OutboxMessageRow.attempts,
                    OutboxMessageRow.last_error,
                )
                .where(
                    OutboxMessageRow.dispatched_at.is_(None),
                    OutboxMessageRow.next_attempt_at >= GAVE_UP,
                )
                .order_by(OutboxMessageRow.created_at)
                .limit(limit)
            ).all()
            return [(r.id, r.kind, r.attempts, r.last_error or "") for r in rows]

    def _record_failure(self, message: OutboxMessage, at: datetime, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        final = message.attempt >= self._max_attempts
        if final:
            log.error("outbox message %s (%s) failed for good: %s", message.id, message.kind, exc)
            error = f"{GAVE_UP_PREFIX}{message.attempt} attempts; {error}"
        else:
            log.warning("outbox message %s (%s) failed: %s", message.id, message.kind, exc)
        with self._uow() as uow:
            uow.session.execute(
                update(OutboxMessageRow)
                .where(OutboxMessageRow.id == message.id)
                .values(
                    last_error=error[:2000],
                    next_attempt_at=GAVE_UP if final else at + self._backoff(message.attempt),
                )
            )
            uow.commit()
