"""Jobs of webhook delivery. Retries follow the webhook schedule kept in the database, not
Huey's retries: the schedule spans a day and must survive restarts and replays."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


@job("webhooks.deliver", retries=0)
def deliver(container: Container, delivery_id: str) -> None:
    container.webhooks.deliver(delivery_id)


@job("webhooks.sweep", retries=0, every_minutes=1)
def sweep(container: Container) -> None:
    for delivery_id in container.webhooks.due(datetime.now(UTC)):
        container.jobs.enqueue("webhooks.deliver", delivery_id=delivery_id)
