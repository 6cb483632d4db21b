"""Webhooks on both databases against a real receiver process on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from laborsign.bootstrap import Container
from laborsign.errors import NotFound
from laborsign.notify import outbox
from laborsign.notify.webhooks import DELIVERED, FAILED, PENDING
from laborsign.settings import Settings

RECEIVER = Path(__file__).with_name("webhook_receiver.py")
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


@dataclass
class Receiver:
    url: str
    secret_file: Path

    def use_secret(self, secret: str) -> None:
        self.secret_file.write_text(secret)

    def log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = httpx.get(self.url.rsplit("/", 1)[0] + "/log").json()
        return entries


@pytest.fixture
def start_receiver(tmp_path: Path) -> Iterator[Callable[[int], Receiver]]:
    """`start_receiver(fail_first)`: a receiver process answering 500 to its first
    `fail_first` valid deliveries."""
    processes: list[subprocess.Popen[str]] = []

    def start(fail_first: int) -> Receiver:
        secret_file = tmp_path / f"receiver-{len(processes)}.secret"
        secret_file.write_text("whsec_AAAA")
        env = {
            **os.environ,
            "RECEIVER_SECRET_FILE": str(secret_file),
            "RECEIVER_FAIL_FIRST": str(fail_first),
        }
        process = subprocess.Popen(
            [sys.executable, str(RECEIVER)], stdout=subprocess.PIPE, text=True, env=env
        )
        processes.append(process)
        assert process.stdout is not None
        port = int(process.stdout.readline())
        return Receiver(f"http://127.0.0.1:{port}/hooks", secret_file)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _container(database_url: str, home: Path, **settings: Any) -> Container:
    c = Container(Settings(home=home, database_url=database_url, **settings))
    c.init()
    return c


@pytest.fixture
def queued(database_url: str, tmp_path: Path) -> Iterator[Container]:
    """A platform whose jobs go to a SQLite queue that nothing consumes here: the test makes
    each attempt itself, with the clock it chooses."""
    c = _container(
        database_url, tmp_path / "home", jobs_backend="sqlite", webhook_retry_schedule=[60, 300]
    )
    yield c
    c.engine.dispose()


def _subscribe(c: Container, receiver: Receiver, events: list[str]) -> str:
    subscription, secret = c.webhooks.subscribe("org-1", receiver.url, events, now=T0)
    receiver.use_secret(secret)
    return subscription.id


def _event(c: Container, event_type: str, now: datetime) -> str:
    with c.uow() as uow:
        message_id = outbox.add(
            uow.session,
            "webhook.event",
            {"org_id": "org-1", "event_type": event_type, "data": {"contract_id": "C-1"}},
            now=now,
        )
        uow.commit()
    c.outbox_relay.dispatch(message_id, now=now)
    return message_id


def test_event_is_delivered_signed_right_after_commit(
    database_url: str, tmp_path: Path, start_receiver: Callable[[int], Receiver]
) -> None:
    c = _container(database_url, tmp_path / "home", jobs_backend="immediate")
    try:
        receiver = start_receiver(0)
        subscription_id = _subscribe(c, receiver, ["contract.signed"])
        c.jobs  # noqa: B018  (connects the outbox to the queue)
        with c.uow() as uow:
            event_id = outbox.add(
                uow.session,
                "webhook.event",
                {"org_id": "org-1", "event_type": "contract.signed", "data": {"n": 1}},
            )
            outbox.add(  # another type: not subscribed
                uow.session, "webhook.event", {"org_id": "org-1", "event_type": "x.other"}
            )
            outbox.add(  # another organisation
                uow.session, "webhook.event", {"org_id": "org-2", "event_type": "contract.signed"}
            )
            uow.commit()
        log = receiver.log()
        assert [entry["id"] for entry in log] == [event_id]
        assert log[0]["verified"] is True
        assert json.loads(log[0]["body"]) == {
            "id": event_id,
            "type": "contract.signed",
            "data": {"n": 1},
        }
        [delivery] = c.webhooks.deliveries("org-1", subscription_id)
        assert delivery.status == DELIVERED
        assert delivery.status_code == 200
        _, attempts = c.webhooks.delivery("org-1", delivery.id)
        assert [a.status_code for a in attempts] == [200]
    finally:
        c.engine.dispose()


def test_failed_attempts_follow_the_schedule_then_succeed(
    queued: Container, start_receiver: Callable[[int], Receiver]
) -> None:
    receiver = start_receiver(2)
    subscription_id = _subscribe(queued, receiver, ["*"])
    event_id = _event(queued, "contract.sent", T0)
    [delivery] = queued.webhooks.deliveries("org-1", subscription_id)
    hooks = queued.webhooks

    first = hooks.deliver(delivery.id, now=T0)
    assert first is not None
    assert (first.status, first.next_retry_at) == (PENDING, T0 + timedelta(seconds=60))
    assert hooks.deliver(delivery.id, now=T0 + timedelta(seconds=59)) is None  # not due
    assert hooks.due(T0 + timedelta(seconds=59)) == []
    assert hooks.due(T0 + timedelta(seconds=60)) == [delivery.id]

    second = hooks.deliver(delivery.id, now=T0 + timedelta(seconds=60))
    assert second is not None
    assert second.next_retry_at == T0 + timedelta(seconds=360)
    third = hooks.deliver(delivery.id, now=T0 + timedelta(seconds=360))
    assert third is not None
    assert (third.status, third.delivered_at) == (DELIVERED, T0 + timedelta(seconds=360))
    assert hooks.deliver(delivery.id, now=T0 + timedelta(days=1)) is None  # done

    _, attempts = hooks.delivery("org-1", delivery.id)
    assert [a.status_code for a in attempts] == [500, 500, 200]
    assert attempts[0].response_excerpt == "failing on purpose"
    log = receiver.log()
    assert [e["status"] for e in log] == [500, 500, 200]
    assert {e["id"] for e in log} == {event_id}
    assert all(e["verified"] for e in log)
    # Each attempt is signed at its own time.
    assert [int(e["timestamp"]) for e in log] == [
        int(T0.timestamp()),
        int(T0.timestamp()) + 60,
        int(T0.timestamp()) + 360,
    ]


def test_delivery_fails_when_the_schedule_is_spent_and_replay_sends_again(
    queued: Container, start_receiver: Callable[[int], Receiver]
) -> None:
    receiver = start_receiver(3)
    subscription_id = _subscribe(queued, receiver, ["contract.voided"])
    event_id = _event(queued, "contract.voided", T0)
    [delivery] = queued.webhooks.deliveries("org-1", subscription_id)
    hooks = queued.webhooks
    for offset in (0, 60, 360):  # schedule [60, 300]: three attempts in all
        hooks.deliver(delivery.id, now=T0 + timedelta(seconds=offset))
    [failed] = hooks.deliveries("org-1", subscription_id)
    assert (failed.status, failed.next_retry_at, failed.attempts) == (FAILED, None, 3)
    assert hooks.due(T0 + timedelta(days=2)) == []

    later = T0 + timedelta(days=3)
    replayed = hooks.replay("org-1", delivery.id, now=later)
    assert (replayed.status, replayed.attempts) == (PENDING, 0)
    done = hooks.deliver(delivery.id, now=later)
    assert done is not None
    assert done.status == DELIVERED
    _, attempts = hooks.delivery("org-1", delivery.id)
    assert [a.status_code for a in attempts] == [500, 500, 500, 200]
    log = receiver.log()
    assert [e["id"] for e in log] == [event_id] * 4
    assert len({e["body"] for e in log}) == 1  # the same bytes every time


def test_wrong_secret_is_rejected_by_the_receiver(
    queued: Container, start_receiver: Callable[[int], Receiver]
) -> None:
    receiver = start_receiver(0)
    subscription_id = _subscribe(queued, receiver, ["*"])
    receiver.use_secret("whsec_" + "A" * 32)  # the receiver expects another secret
    _event(queued, "contract.sent", T0)
    [delivery] = queued.webhooks.deliveries("org-1", subscription_id)
    result = queued.webhooks.deliver(delivery.id, now=T0)
    assert result is not None
    assert (result.status, result.status_code) == (PENDING, 401)
    assert receiver.log()[0]["verified"] is False


def test_other_organisations_cannot_see_or_replay(
    queued: Container, start_receiver: Callable[[int], Receiver]
) -> None:
    receiver = start_receiver(0)
    subscription_id = _subscribe(queued, receiver, ["*"])
    _event(queued, "contract.sent", T0)
    [delivery] = queued.webhooks.deliveries("org-1", subscription_id)
    with pytest.raises(NotFound):
        queued.webhooks.deliveries("org-2", subscription_id)
    with pytest.raises(NotFound):
        queued.webhooks.replay("org-2", delivery.id, now=T0)
