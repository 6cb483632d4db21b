"""The outbox on both databases: a message exists exactly when its transaction committed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from laborsign.bootstrap import Container
from laborsign.errors import InvalidInput
from laborsign.notify import outbox
from laborsign.notify.outbox_tables import OutboxMessageRow

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _count(container: Container) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessageRow)) or 0


def test_rolled_back_transaction_leaves_no_message_and_announces_nothing(
    container: Container,
) -> None:
    announced: list[str] = []
    outbox.on_commit(container.engine, announced.append)
    with pytest.raises(RuntimeError), container.uow() as uow:
        outbox.add(uow.session, "sms", {"to": "13800000000"}, key="k1", now=NOW)
        uow.session.flush()
        raise RuntimeError("the business change failed")
    with container.uow() as uow:
        outbox.add(uow.session, "sms", {"to": "13800000000"}, key="k2", now=NOW)
        # leaving without commit rolls back as well
    assert _count(container) == 0
    assert announced == []


def test_committed_message_is_stored_and_announced_after_commit(container: Container) -> None:
    announced: list[str] = []
    outbox.on_commit(container.engine, announced.append)
    with container.uow() as uow:
        message_id = outbox.add(uow.session, "email", {"to": "a@example.cn", "n": 1}, now=NOW)
        uow.session.flush()
        assert announced == []  # not before the commit
        uow.commit()
    assert announced == [message_id]
    with container.uow() as uow:
        row = uow.session.get(OutboxMessageRow, message_id)
        assert row is not None
        assert row.kind == "email"
        assert row.payload == {"to": "a@example.cn", "n": 1}
        assert row.dispatched_at is None
        assert row.attempts == 0


def test_same_key_gives_one_message(container: Container) -> None:
    with container.uow() as uow:
        first = outbox.add(uow.session, "sms", {"n": 1}, key="contract-7-sent", now=NOW)
        uow.commit()
    with container.uow() as uow:
        again = outbox.add(uow.session, "sms", {"n": 2}, key="contract-7-sent", now=NOW)
        uow.commit()
    assert again == first
    assert _count(container) == 1


def test_payload_must_be_json(container: Container) -> None:
    with container.uow() as uow, pytest.raises(InvalidInput):
        outbox.add(uow.session, "sms", {"when": object()})
