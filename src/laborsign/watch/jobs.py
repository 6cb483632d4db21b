"""The periodic job that notifies HR of crossed watch thresholds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.jobs.registry import job
from laborsign.watch.notify import notify_alerts

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


@job("watch.notify", retries=2, retry_delay=300, every_minutes=60)
def notify(container: Container) -> None:
    # Hourly: a threshold is a date, so the first run after midnight in China announces it;
    # the outbox key keeps later runs from announcing it again.
    notify_alerts(
        container.watch, container.uow, container.settings.watch_alert_emails, datetime.now(UTC)
    )
