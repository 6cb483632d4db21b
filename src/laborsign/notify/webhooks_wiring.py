"""Builds the webhook service from settings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from laborsign.notify.webhooks import WebhookService
from laborsign.notify.webhooks_client import HttpxPoster
from laborsign.notify.webhooks_secrets import SecretBox

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_webhooks(container: Container) -> WebhookService:
    settings = container.settings
    allow_private = settings.webhook_allow_private
    if allow_private is None:
        allow_private = not settings.is_production

    def enqueue(delivery_id: str, eta: datetime | None) -> None:
        container.jobs.enqueue("webhooks.deliver", eta=eta, delivery_id=delivery_id)

    return WebhookService(
        container.uow,
        HttpxPoster(settings.webhook_timeout_seconds),
        SecretBox(container.secret_key, lambda: container.privacy),
        schedule=settings.webhook_retry_schedule,
        allow_private=allow_private,
        enqueue=enqueue,
    )
