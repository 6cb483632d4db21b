"""Periodic jobs of the ceremony: expiry past the signing deadline, reminders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


@job("ceremony.expire", retries=2, retry_delay=300, every_minutes=15)
def expire(container: Container) -> None:
    # Each expiry is a transition with its event and a "contract.expired" message.
    container.contracts.expire_due(datetime.now(UTC))


@job("ceremony.remind", retries=2, retry_delay=300, every_minutes=60)
def remind(container: Container) -> None:
    # Hourly; each party is reminded once per configured interval (the outbox key).
    container.ceremony.reminders.send_due(datetime.now(UTC))
