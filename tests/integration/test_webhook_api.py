"""Webhook API on both databases (subscriptions, delivery log, replay), the outbox relay's
final failure, and webhook secrets sealed by the privacy keyring."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.integration.helpers import staff_headers

from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope
from laborsign.notify import outbox
from laborsign.notify.outbox_relay import GAVE_UP_PREFIX, DispatchFailed, OutboxRelay
from laborsign.notify.outbox_tables import OutboxMessageRow
from laborsign.notify.webhooks_secrets import SecretBox
from laborsign.notify.webhooks_tables import WebhookSubscriptionRow
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.settings import Settings
from laborsign.web.app import create_app

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@dataclass
class Hooks:
    client: TestClient
    container: Container
    org_id: str
    admin: dict[str, str]
    other_admin: dict[str, str]
    hr: dict[str, str]


@pytest.fixture
def hooks(database_url: str, tmp_path: Path) -> Iterator[Hooks]:
    c = Container(
        Settings(
            home=tmp_path / "home",
            database_url=database_url,
            argon2_memory_kib=64,
            argon2_time_cost=1,
            jobs_backend="sqlite",  # nothing consumes the queue: no delivery is attempted
            outbox_max_attempts=3,
        )
    )
    c.init()
    orgs = c.parties.organisations
    a = orgs.create(
        Scope.system(),
        NewOrganisation("employer", "甲公司", "91330106MA2B3C4D5D", "李华", "杭州", "0571-1"),
        T0,
    )
    b = orgs.create(
        Scope.system(),
        NewOrganisation("employer", "乙公司", "91110000000000001H", "王五", "北京", "010-1"),
        T0,
    )
    org_a, org_b = str(a["id"]), str(b["id"])
    with TestClient(create_app(c)) as client:
        yield Hooks(
            client,
            c,
            org_a,
            staff_headers(c, org_a, "admin-a", Role.EMPLOYER_ADMIN, T0),
            staff_headers(c, org_b, "admin-b", Role.EMPLOYER_ADMIN, T0),
            staff_headers(c, org_a, "hr-a", Role.HR, T0),
        )
    c.engine.dispose()


def _event(c: Container, org_id: str) -> None:
    with c.uow() as uow:
        outbox.add(
            uow.session,
            "webhook.event",
            {"org_id": org_id, "event_type": "contract.sent", "data": {"contract_id": "C-1"}},
            now=T0,
        )
        uow.commit()


def test_subscriptions_deliveries_and_replay(hooks: Hooks) -> None:
    h = hooks
    request = {"url": "http://127.0.0.1:9/hooks", "event_types": ["contract.sent"]}
    made = h.client.post(
        "/api/v1/webhooks", json=request, headers={**h.admin, "Idempotency-Key": "k1"}
    )
    assert made.status_code == 201, made.text
    subscription = made.json()
    assert subscription["secret"].startswith("whsec_")
    again = h.client.post(
        "/api/v1/webhooks", json=request, headers={**h.admin, "Idempotency-Key": "k1"}
    )
    assert again.json() == subscription
    sid = subscription["id"]
    listed = h.client.get("/api/v1/webhooks", headers=h.admin).json()
    assert [s["id"] for s in listed] == [sid]
    assert h.client.get(f"/api/v1/webhooks/{sid}", headers=h.other_admin).status_code == 404
    assert h.client.get("/api/v1/webhooks", headers=h.hr).status_code == 403

    _event(h.container, h.org_id)
    relay = h.container.outbox_relay
    for message_id in relay.due(datetime.now(UTC)):
        relay.dispatch(message_id)
    deliveries = h.client.get(f"/api/v1/webhooks/{sid}/deliveries", headers=h.admin).json()
    assert [d["event_type"] for d in deliveries] == ["contract.sent"]
    did = deliveries[0]["id"]
    detail = h.client.get(f"/api/v1/webhook-deliveries/{did}", headers=h.admin).json()
    assert detail["status"] == "pending" and detail["attempts"] == []
    replay = f"/api/v1/webhook-deliveries/{did}/replay"
    assert h.client.post(replay, headers=h.other_admin).status_code == 404
    replayed = h.client.post(replay, headers=h.admin)
    assert replayed.status_code == 202 and replayed.json()["status"] == "pending"

    assert h.client.delete(f"/api/v1/webhooks/{sid}", headers=h.admin).status_code == 204
    assert h.client.get(f"/api/v1/webhooks/{sid}", headers=h.admin).json()["active"] is False


def test_bad_subscription_is_a_problem_and_stores_nothing(hooks: Hooks) -> None:
    h = hooks
    for request, field in [
        ({"url": "http://127.0.0.1:9/hooks", "event_types": []}, "event_types"),
        ({"event_types": ["*"]}, "url"),
        ({"url": "ftp://example.org/x", "event_types": ["*"]}, None),
    ]:
        answer = h.client.post("/api/v1/webhooks", json=request, headers=h.admin)
        assert answer.status_code in {400, 403, 422}, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        if field:
            assert answer.json()["field"] == field
    assert h.client.get("/api/v1/webhooks", headers=h.admin).json() == []


def test_secrets_are_sealed_by_the_keyring_and_old_rows_still_open(hooks: Hooks) -> None:
    c = hooks.container
    subscription, secret = c.webhooks.subscribe(hooks.org_id, "http://127.0.0.1:9/h", ["*"])
    with c.uow(Scope.system()) as uow:
        sealed = uow.session.get_one(WebhookSubscriptionRow, subscription.id).secret_encrypted
    assert secret.encode() not in sealed
    assert sealed[0] == 0x01  # the keyring's field format
    box = SecretBox(c.secret_key, lambda: c.privacy)
    assert box.open(sealed, subscription.id) == secret
    assert box.upgrade(sealed, subscription.id) is None
    old = SecretBox(c.secret_key).seal(secret, subscription.id)
    assert box.open(old, subscription.id) == secret
    upgraded = box.upgrade(old, subscription.id)
    assert upgraded is not None and box.open(upgraded, subscription.id) == secret
    with pytest.raises(Exception):  # noqa: B017 - bound to its subscription
        box.open(sealed, "another-subscription")


def test_an_outbox_message_that_keeps_failing_ends_failed_with_its_error(hooks: Hooks) -> None:
    c = hooks.container

    def broken(_session: object, _message: object) -> None:
        raise RuntimeError("gateway down")

    relay = OutboxRelay(c.uow, {"sms": broken}, max_attempts=3)
    with c.uow() as uow:
        message_id = outbox.add(uow.session, "sms", {"sealed": "x"}, now=T0)
        uow.commit()
    at = T0
    for _ in range(3):
        at += timedelta(days=1)
        assert relay.due(at) == [message_id]
        with pytest.raises(DispatchFailed):
            relay.dispatch(message_id, now=at)
    assert relay.due(at + timedelta(days=3650)) == []
    [(found, kind, attempts, error)] = relay.failed()
    assert (found, kind, attempts) == (message_id, "sms", 3)
    assert error.startswith(GAVE_UP_PREFIX) and "gateway down" in error
    with c.uow() as uow:
        row = uow.session.get_one(OutboxMessageRow, message_id)
        assert row.dispatched_at is None


def test_sms_and_email_go_through_the_configured_senders(hooks: Hooks) -> None:
    handlers = hooks.container.notification_handlers
    relay = hooks.container.outbox_relay
    for kind in ("sms", "email"):
        assert relay._handlers[kind] is handlers[kind]
