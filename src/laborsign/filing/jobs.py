"""Jobs of filing pushes: retry due deliveries along the schedule kept in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


@job("filing.deliver", retries=0)
def deliver(container: Container, delivery_id: str) -> None:
    container.filing.deliver(delivery_id, datetime.now(UTC))


@job("filing.sweep", retries=0, every_minutes=1)
def sweep(container: Container) -> None:
    for delivery_id in container.filing.due(datetime.now(UTC)):
        container.jobs.enqueue("filing.deliver", delivery_id=delivery_id)
