"""SMS and e-mail as outbox handlers behind a sender port.

Real providers come with the notification work; the development sender only writes to
the log, loudly, so that a development platform never silently pretends to have sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.notify.outbox_relay import Handler, OutboxMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One SMS or e-mail. `message_id` is stable across retries: providers that accept a
    client reference use it to drop duplicates."""

    channel: str
    to: str
    body: str
    subject: str | None
    message_id: str


class MessageSender(Protocol):
    def send(self, message: Outgoing) -> None:
        """Hand the message to the provider; raise when it was not accepted."""


class LogSender:
    """Development sender: records each message in the log instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def send(self, message: Outgoing) -> None:
        log.warning(
            "development sender, nothing sent: %s to %s: %s",
            message.channel,
            message.to,
            message.subject or message.body[:80],
        )
        self.sent.append(message)


def sending_handler(channel: str, sender: MessageSender) -> Handler:
    """An outbox handler for payloads {"to": ..., "body": ..., "subject": ...}."""

    def handle(_session: Session, message: OutboxMessage) -> None:
        to = message.payload.get("to")
        body = message.payload.get("body")
        if not isinstance(to, str) or not isinstance(body, str):
            raise InvalidInput(
                Text("消息缺少收件人或正文", "message without recipient or body"), field="payload"
            )
        subject = message.payload.get("subject")
        sender.send(
            Outgoing(channel, to, body, subject if isinstance(subject, str) else None, message.id)
        )

    return handle
