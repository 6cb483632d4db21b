"""Jobs of the outbox: dispatch one message; sweep for any that were not dispatched."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from laborsign.jobs.registry import job

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


# Same first delay and factor as the relay's own backoff, so that a Huey retry finds the
# message due again.
@job("outbox.dispatch", retries=8, retry_delay=30, backoff=2.0)
def dispatch(container: Container, message_id: str) -> None:
    container.outbox_relay.dispatch(message_id)


@job("outbox.sweep", retries=0, every_minutes=1)
def sweep(container: Container) -> None:
    """Catch what the after-commit announcement missed (a crash between commit and enqueue,
    a command that ran without a queue) and retries whose Huey retries ran out."""
    for message_id in container.outbox_relay.due(datetime.now(UTC)):
        container.jobs.enqueue("outbox.dispatch", message_id=message_id)
