"""Builds the outbox relay with the handlers the settings choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.notify.outbox_relay import Handler, OutboxRelay

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_outbox_relay(container: Container) -> OutboxRelay:
    # The contract service's domain messages: completion after both signatures, the
    # worker's link when a contract waits for him, and what he (and HR) hear when it ends.
    from laborsign.ceremony.notify_handlers import ceremony_handlers
    from laborsign.contracts.outbox_handlers import contract_handlers

    # SMS and e-mail go through the configured senders (the development outbox unless the
    # settings name a provider); their payloads are sealed, so the outbox table holds no
    # phone number or address in clear.
    handlers: dict[str, Handler] = {
        **container.notification_handlers,
        "webhook.event": container.webhooks.fan_out,
        **contract_handlers(container),
        **ceremony_handlers(container),
    }
    return OutboxRelay(container.uow, handlers, max_attempts=container.settings.outbox_max_attempts)
