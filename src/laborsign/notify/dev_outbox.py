"""The embedded default senders: SMS and e-mail that land in `dev_outbox_messages`.

They make the whole signing ceremony work on one machine with no provider account. What
they keep is readable only in development mode (`read_dev_outbox` refuses otherwise), and
the wiring refuses them in production, where a message that reaches nobody would lock
workers out silently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from laborsign.db.uow import UnitOfWork
from laborsign.errors import PermissionDenied
from laborsign.i18n import Text
from laborsign.notify.addresses import address_digest, mask_email, mask_phone
from laborsign.notify.messages import render
from laborsign.notify.ports import Receipt
from laborsign.notify.tables import DevOutboxMessageRow

PROVIDER = "dev-outbox"
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DevMessage:
    id: str
    channel: str
    recipient: str  # masked
    template: str
    subject: str
    body: str
    created_at: datetime


class _DevOutbox:
    def __init__(
        self, uow: Callable[[], UnitOfWork], secret: bytes, clock: Clock = _utcnow
    ) -> None:
        # Its own short transaction: a sender is called by the relay after the business
        # change committed, exactly as a real provider would be.
        self._uow = uow
        self._secret = secret
        self._clock = clock

    def _keep(
        self, channel: str, masked: str, address: str, template: str, subject: str, body: str
    ) -> Receipt:
        message_id = uuid.uuid4().hex
        with self._uow() as work:
            work.session.add(
                DevOutboxMessageRow(
                    id=message_id,
                    channel=channel,
                    recipient_masked=masked,
                    recipient_digest=address_digest(self._secret, channel, address),
                    template=template,
                    subject=subject,
                    body=body,
                    created_at=self._clock(),
                )
            )
            work.commit()
        return Receipt(PROVIDER, message_id)


class DevOutboxSms(_DevOutbox):
    def send(self, phone: str, template_id: str, params: Mapping[str, str]) -> Receipt:
        message = render(template_id, params)
        return self._keep("sms", mask_phone(phone), phone, template_id, "", message.text)


class DevOutboxEmail(_DevOutbox):
    def send(self, to: str, subject: str, text: str, html: str | None = None) -> Receipt:
        return self._keep("email", mask_email(to), to, "email", subject, text)


def read_dev_outbox(
    uow: Callable[[], UnitOfWork],
    secret: bytes,
    *,
    development: bool,
    channel: str | None = None,
    address: str | None = None,
    limit: int = 100,
) -> list[DevMessage]:
    """The newest development messages, optionally for one address; development mode only."""
    if not development:
        raise PermissionDenied(
            Text(
                "开发发件箱仅在开发模式下可见",
                "the development outbox is visible in development mode only",
            )
        )
    query = select(DevOutboxMessageRow).order_by(DevOutboxMessageRow.created_at.desc())
    if channel is not None:
        query = query.where(DevOutboxMessageRow.channel == channel)
        if address is not None:
            digest = address_digest(secret, channel, address)
            query = query.where(DevOutboxMessageRow.recipient_digest == digest)
    with uow() as work:
        rows = work.session.scalars(query.limit(limit)).all()
        return [
            DevMessage(
                r.id, r.channel, r.recipient_masked, r.template, r.subject, r.body, r.created_at
            )
            for r in rows
        ]
