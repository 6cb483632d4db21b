"""Builds the outbox relay with the handlers the settings choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.notify.outbox_relay import Handler, OutboxRelay
from laborsign.notify.outbox_senders import LogSender, sending_handler

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_outbox_relay(container: Container) -> OutboxRelay:
    # The contract service's domain messages: completion after both signatures, the
    # worker's link when a contract waits for him, and what he (and HR) hear when it ends.
    from laborsign.ceremony.notify_handlers import ceremony_handlers
    from laborsign.contracts.outbox_handlers import contract_handlers

    development = LogSender()
    handlers: dict[str, Handler] = {
        "sms": sending_handler("sms", development),
        "email": sending_handler("email", development),
        "webhook.event": container.webhooks.fan_out,
        **contract_handlers(container),
        **ceremony_handlers(container),
    }
    return OutboxRelay(container.uow, handlers)
