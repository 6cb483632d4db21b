"""The transactional outbox: `add()` writes a message in the caller's transaction.

A message becomes visible to the relay only when the business change beside it commits;
when that transaction rolls back, the message disappears with it. After the commit the
relay is told at once (`on_commit`), and a periodic sweep finds anything that was missed.
"""

from __future__ import annotations

import json
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Message:
    """A message to add: `key` makes adding it idempotent (None: always a new message)."""

    kind: str
    payload: Mapping[str, Any]
    key: str | None = None


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
    return add_many(session, [Message(kind, payload, key)], now)[0]


def add_many(
    session: Session, messages: Sequence[Message], now: datetime | None = None
) -> list[str]:
    """`add` for many messages, with one query for the keys already present."""
    bodies = [_body(m.payload) for m in messages]
    keys = [m.key or f"auto:{uuid.uuid4().hex}" for m in messages]
    found = session.execute(
        select(OutboxMessageRow.dedup_key, OutboxMessageRow.id).where(
            OutboxMessageRow.dedup_key.in_(sorted(set(keys)))
        )
    )
    present: dict[str, str] = {key: message_id for key, message_id in found}
    at = now or datetime.now(UTC)
    added: list[str] = []
    for message, body, key in zip(messages, bodies, keys, strict=True):
        if key not in present:
            present[key] = uuid.uuid4().hex
            added.append(present[key])
            session.add(
                OutboxMessageRow(
                    id=present[key],
                    kind=message.kind,
                    payload=body,
                    dedup_key=key,
                    created_at=at,
                    attempts=0,
                    next_attempt_at=at,
                )
            )
    if added:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        call_after_commit(session, lambda: _announce(engine, added))
    return [present[k] for k in keys]


def _body(payload: Mapping[str, Any]) -> Any:
    try:
        return json.loads(json.dumps(dict(payload), ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            Text("外发消息内容必须是 JSON 对象", "an outbox payload must be a JSON object"),
            field="payload",
        ) from exc


def _announce(engine: Engine, message_ids: list[str]) -> None:
    announce = _announcers.get(engine)
    if announce is not None:
        for message_id in message_ids:
            announce(message_id)
