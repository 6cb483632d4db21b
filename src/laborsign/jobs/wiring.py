"""Builds the job queue for a container and connects the outbox to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laborsign.jobs.queue import build_huey
from laborsign.jobs.registry import registered
from laborsign.jobs.runner import Jobs
from laborsign.notify import outbox

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def build_jobs(container: Container) -> Jobs:
    jobs = Jobs(build_huey(container.settings), container, registered())
    # Every commit that wrote outbox messages enqueues their dispatch right away.
    outbox.on_commit(
        container.engine, lambda message_id: jobs.enqueue("outbox.dispatch", message_id=message_id)
    )
    return jobs
