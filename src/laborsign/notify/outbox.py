"""The transactional outbox: `add()` writes a message in the caller's transaction.

A message becomes visible to the relay only when the business change beside it commits;
when that transaction rolls back, the message disappears with it. After the commit the
relay is told at once (`on_commit`), and a periodic sweep finds anything that was missed.
"""

from __future__ import annotations

import json
import uuid
import weakref
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.jobs.after_commit import call_after_commit
from laborsign.notify.outbox_tables import OutboxMessageRow

Announce = Callable[[str], None]
_announcers: weakref.WeakKeyDictionary[Engine, Announce] = weakref.WeakKeyDictionary()


def on_commit(engine: Engine, announce: Announce) -> None:
    """Have `announce(message_id)` called after each commit that added a message on `engine`
    (the job queue registers its relay here)."""
    _announcers[engine] = announce


def add(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    key: str | None = None,
    now: datetime | None = None,
) -> str:
    """Write a message in the caller's transaction and return its id.

    `key` makes the call idempotent: adding a message whose key is already present returns
    the existing message's id and writes nothing.
    """
    try:
        body = json.loads(json.dumps(dict(payload), ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            Text("外发消息内容必须是 JSON 对象", "an outbox payload must be a JSON object"),
            field="payload",
        ) from exc
    dedup_key = key or f"auto:{uuid.uuid4().hex}"
    existing = session.scalar(
        select(OutboxMessageRow.id).where(OutboxMessageRow.dedup_key == dedup_key)
    )
    if existing is not None:
        return existing
    at = now or datetime.now(UTC)
    message_id = uuid.uuid4().hex
    session.add(
        OutboxMessageRow(
            id=message_id,
            kind=kind,
            payload=body,
            dedup_key=dedup_key,
            created_at=at,
            attempts=0,
            next_attempt_at=at,
        )
    )
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    call_after_commit(session, lambda: _announce(engine, message_id))
    return message_id


def _announce(engine: Engine, message_id: str) -> None:
    announce = _announcers.get(engine)
    if announce is not None:
        announce(message_id)
