"""Run work after a session's transaction commits, and never when it rolls back.

Jobs and messages about a change must not leave before the change is durable: a job that
starts before the commit would not find the row it is about, and one for a change that
rolls back would announce something that never happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "laborsign.after_commit"
log = logging.getLogger(__name__)


def call_after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call `callback` once the session's current transaction has committed."""
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    for callback in session.info.pop(_KEY, []):
        # The commit has already happened: a failing callback must not make the caller
        # believe it did not. Whatever it should have started, the periodic sweep finds.
        try:
            callback()
        except Exception:
            log.exception("after-commit callback failed; the periodic sweep will retry")


@event.listens_for(Session, "after_rollback")
def _forget_callbacks(session: Session) -> None:
    session.info.pop(_KEY, None)
