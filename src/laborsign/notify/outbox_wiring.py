"""Builds the outbox relay with the handlers the settings choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.notify.outbox_relay import Handler, OutboxRelay
from laborsign.notify.outbox_senders import LogSender, sending_handler

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_outbox_relay(container: Container) -> OutboxRelay:
    development = LogSender()
    handlers: dict[str, Handler] = {
        "sms": sending_handler("sms", development),
        "email": sending_handler("email", development),
        "webhook.event": container.webhooks.fan_out,
    }
    return OutboxRelay(container.uow, handlers)
