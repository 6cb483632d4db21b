"""Webhook subscriptions and signed deliveries with a retry schedule, a log and replay.

An event reaches webhooks through the outbox (kind "webhook.event"), so it leaves only for
a change that committed. Fanning out creates one delivery per matching subscription in the
relay's transaction; each delivery is then attempted by a job, retried along the
configured schedule, and every attempt is logged.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from laborsign.db.uow import UnitOfWork
from laborsign.errors import InvalidInput, NotFound
from laborsign.i18n import Text
from laborsign.jobs.after_commit import call_after_commit
from laborsign.jobs.backoff import from_schedule
from laborsign.notify.outbox_relay import OutboxMessage
from laborsign.notify.webhooks_client import WebhookPoster
from laborsign.notify.webhooks_secrets import SecretBox
from laborsign.notify.webhooks_signature import new_secret, sign
from laborsign.notify.webhooks_tables import (
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)
from laborsign.notify.webhooks_targets import check_target

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
ALL_EVENTS = "*"
# A claimed delivery is left alone this long (longer than the HTTP timeout).
LEASE = timedelta(minutes=2)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    org_id: str
    url: str
    event_types: list[str]
    active: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    subscription_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    status_code: int | None
    response_excerpt: str | None
    next_retry_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    attempted_at: datetime
    status_code: int | None
    response_excerpt: str | None
    error: str | None


def _subscription(row: WebhookSubscriptionRow) -> Subscription:
    return Subscription(row.id, row.org_id, row.url, list(row.event_types), row.active)


def _delivery(row: WebhookDeliveryRow) -> Delivery:
    return Delivery(
        row.id,
        row.subscription_id,
        row.event_id,
        row.event_type,
        row.status,
        row.attempts,
        row.status_code,
        row.response_excerpt,
        as_utc(row.next_retry_at) if row.next_retry_at else None,
        as_utc(row.delivered_at) if row.delivered_at else None,
    )


class WebhookService:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        poster: WebhookPoster,
        box: SecretBox,
        *,
        schedule: Sequence[int],
        allow_private: bool,
        enqueue: Callable[[str, datetime | None], None],
    ) -> None:
        """`enqueue(delivery_id, eta)` queues a delivery attempt (None: at once)."""
        self._uow = uow
        self._poster = poster
        self._box = box
        self._schedule = list(schedule)
        self._allow_private = allow_private
        self._enqueue = enqueue

    # --- subscriptions -------------------------------------------------------------------

    def subscribe(
        self, org_id: str, url: str, event_types: Sequence[str], *, now: datetime | None = None
    ) -> tuple[Subscription, str]:
        """Create a subscription; returns it with its signing secret (shown only this once)."""
        check_target(url, allow_private=self._allow_private)
        if not event_types:
            raise InvalidInput(
                Text("至少订阅一种事件（或 *）", "subscribe to at least one event type (or *)"),
                field="event_types",
            )
        secret = new_secret()
        subscription_id = uuid.uuid4().hex
        row = WebhookSubscriptionRow(
            id=subscription_id,
            org_id=org_id,
            url=url,
            secret_encrypted=self._box.seal(secret, subscription_id),
            event_types=sorted(set(event_types)),
            active=True,
            created_at=now or datetime.now(UTC),
        )
        with self._uow() as uow:
            uow.session.add(row)
            uow.commit()
        return _subscription(row), secret

    def subscriptions(self, org_id: str) -> list[Subscription]:
        with self._uow() as uow:
            rows = uow.session.scalars(
                select(WebhookSubscriptionRow)
                .where(WebhookSubscriptionRow.org_id == org_id)
                .order_by(WebhookSubscriptionRow.created_at)
            )
            return [_subscription(row) for row in rows]

    def deactivate(self, org_id: str, subscription_id: str) -> None:
        with self._uow() as uow:
            row = self._owned(uow.session, org_id, subscription_id)
            row.active = False
            uow.commit()

    def _owned(self, session: Session, org_id: str, subscription_id: str) -> WebhookSubscriptionRow:
        row = session.get(WebhookSubscriptionRow, subscription_id)
        if row is None or row.org_id != org_id:
            # Another organisation's subscription is reported as absent, not as forbidden.
            raise NotFound(Text("没有这个 webhook 订阅", "no such webhook subscription"))
        return row

    # --- fan-out (an outbox handler) -----------------------------------------------------

    def fan_out(self, session: Session, message: OutboxMessage) -> None:
        """Create a delivery per active subscription of the event's organisation that wants
        its type. Idempotent: a delivery per (subscription, event) exists at most once."""
        org_id = message.payload["org_id"]
        event_type = message.payload["event_type"]
        envelope: dict[str, Any] = {
            "id": message.id,
            "type": event_type,
            "data": message.payload.get("data", {}),
        }
        if "occurred_at" in message.payload:
            envelope["occurred_at"] = message.payload["occurred_at"]
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        now = message.at
        subscriptions = session.scalars(
            select(WebhookSubscriptionRow).where(
                WebhookSubscriptionRow.org_id == org_id, WebhookSubscriptionRow.active
            )
        )
        for subscription in subscriptions:
            wanted = subscription.event_types
            if ALL_EVENTS not in wanted and event_type not in wanted:
                continue
            exists = session.scalar(
                select(WebhookDeliveryRow.id).where(
                    WebhookDeliveryRow.subscription_id == subscription.id,
                    WebhookDeliveryRow.event_id == message.id,
                )
            )
            if exists is not None:
                continue
            delivery_id = uuid.uuid4().hex
            session.add(
                WebhookDeliveryRow(
                    id=delivery_id,
                    subscription_id=subscription.id,
                    event_id=message.id,
                    event_type=event_type,
                    payload=body,
                    status=PENDING,
                    attempts=0,
                    next_retry_at=now,
                    created_at=now,
                )
            )
            call_after_commit(session, self._enqueue_now(delivery_id))

    def _enqueue_now(self, delivery_id: str) -> Callable[[], None]:
        return lambda: self._enqueue(delivery_id, None)

    # --- delivery ------------------------------------------------------------------------

    def due(self, now: datetime, limit: int = 500) -> list[str]:
        with self._uow() as uow:
            return list(
                uow.session.scalars(
                    select(WebhookDeliveryRow.id)
                    .where(
                        WebhookDeliveryRow.status == PENDING,
                        WebhookDeliveryRow.next_retry_at <= now,
                    )
                    .order_by(WebhookDeliveryRow.next_retry_at)
                    .limit(limit)
                )
            )

    def deliver(self, delivery_id: str, now: datetime | None = None) -> Delivery | None:
        """Make one attempt if the delivery is due; None when there is nothing to do. On
        failure the next attempt is scheduled from the retry schedule (and queued)."""
        at = now or datetime.now(UTC)
        claimed = self._claim(delivery_id, at)
        if claimed is None:
            return None
        attempt_no, url, secret, event_id, body = claimed
        status_code: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            # Checked again at each attempt: the host's address may have changed since the
            # subscription was made.
            check_target(url, allow_private=self._allow_private)
            result = self._poster.post(url, body, sign(secret, event_id, at, body))
            status_code, excerpt = result.status_code, result.excerpt
            if not result.ok:
                error = f"HTTP {result.status_code}"
        except (httpx.HTTPError, InvalidInput) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        delivery = self._record(delivery_id, attempt_no, at, status_code, excerpt, error)
        if delivery.status == PENDING and delivery.next_retry_at is not None:
            self._enqueue(delivery_id, delivery.next_retry_at)
        return delivery

    def _claim(self, delivery_id: str, at: datetime) -> tuple[int, str, str, str, bytes] | None:
        with self._uow() as uow:
            result = cast(
                CursorResult[Any],
                uow.session.execute(
                    update(WebhookDeliveryRow)
                    .where(
                        WebhookDeliveryRow.id == delivery_id,
                        WebhookDeliveryRow.status == PENDING,
                        WebhookDeliveryRow.next_retry_at <= at,
                    )
                    .values(next_retry_at=at + LEASE, attempts=WebhookDeliveryRow.attempts + 1)
                    .execution_options(synchronize_session=False)
                ),
            )
            if result.rowcount != 1:
                return None
            delivery = uow.session.get_one(WebhookDeliveryRow, delivery_id)
            subscription = uow.session.get_one(WebhookSubscriptionRow, delivery.subscription_id)
            secret = self._box.open(subscription.secret_encrypted, subscription.id)
            claimed = (
                delivery.attempts,
                subscription.url,
                secret,
                delivery.event_id,
                delivery.payload,
            )
            uow.commit()
        return claimed

    def _record(
        self,
        delivery_id: str,
        attempt_no: int,
        at: datetime,
        status_code: int | None,
        excerpt: str | None,
        error: str | None,
    ) -> Delivery:
        with self._uow() as uow:
            row = uow.session.get_one(WebhookDeliveryRow, delivery_id)
            uow.session.add(
                WebhookAttemptRow(
                    delivery_id=delivery_id,
                    attempted_at=at,
                    status_code=status_code,
                    response_excerpt=excerpt,
                    error=error,
                )
            )
            row.status_code = status_code
            row.response_excerpt = excerpt
            if error is None:
                row.status, row.delivered_at, row.next_retry_at = DELIVERED, at, None
            else:
                delay = from_schedule(attempt_no, self._schedule)
                if delay is None:
                    row.status, row.next_retry_at = FAILED, None
                else:
                    row.next_retry_at = at + delay
            uow.commit()
            return _delivery(row)

    # --- delivery log and replay ---------------------------------------------------------

    def deliveries(self, org_id: str, subscription_id: str, limit: int = 100) -> list[Delivery]:
        with self._uow() as uow:
            self._owned(uow.session, org_id, subscription_id)
            rows = uow.session.scalars(
                select(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.subscription_id == subscription_id)
                .order_by(WebhookDeliveryRow.created_at.desc())
                .limit(limit)
            )
            return [_delivery(row) for row in rows]

    def delivery(self, org_id: str, delivery_id: str) -> tuple[Delivery, list[Attempt]]:
        with self._uow() as uow:
            row = self._delivery_of(uow.session, org_id, delivery_id)
            attempts = uow.session.scalars(
                select(WebhookAttemptRow)
                .where(WebhookAttemptRow.delivery_id == delivery_id)
                .order_by(WebhookAttemptRow.id)
            )
            return _delivery(row), [
                Attempt(as_utc(a.attempted_at), a.status_code, a.response_excerpt, a.error)
                for a in attempts
            ]

    def _delivery_of(self, session: Session, org_id: str, delivery_id: str) -> WebhookDeliveryRow:
        row = session.get(WebhookDeliveryRow, delivery_id)
        if row is None:
            raise NotFound(Text("没有这次 webhook 投递", "no such webhook delivery"))
        self._owned(session, org_id, row.subscription_id)
        return row

    def replay(self, org_id: str, delivery_id: str, now: datetime | None = None) -> Delivery:
        """Send a delivery again from the start of the schedule, with the same event id and
        body (receivers deduplicate on webhook-id); earlier attempts stay in the log."""
        at = now or datetime.now(UTC)
        with self._uow() as uow:
            row = self._delivery_of(uow.session, org_id, delivery_id)
            row.status, row.attempts, row.next_retry_at = PENDING, 0, at
            row.delivered_at = None
            call_after_commit(uow.session, self._enqueue_now(delivery_id))
            uow.commit()
            return _delivery(row)
