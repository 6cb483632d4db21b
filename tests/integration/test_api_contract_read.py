"""GET /api/v1/contracts/{id} with an API key, on both databases: the access is recorded in
the read's own transaction, a revoked key stops at once, and a key's last use is written at
most once a minute."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.helpers import EXAMPLE, draft_with_read_key, platform_settings

from laborsign.bootstrap import Container
from laborsign.contracts import access
from laborsign.db.tenancy import Scope
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.pending import integrate_pending
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.parties.roles import Role
from laborsign.parties.tables import ApiKeyRow
from laborsign.web.app import create_app

NOW = datetime.now(UTC)


@dataclass
class Setup:
    container: Container
    client: TestClient
    admin: Scope
    key_id: str
    token: str
    contract_id: str

    @property
    def path(self) -> str:
        return f"/api/v1/contracts/{self.contract_id}"

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def setup(database_url: str, tmp_path: Path) -> Iterator[Setup]:
    container = Container(platform_settings(tmp_path, database_url))
    container.init()
    org_id, key, contract_id = draft_with_read_key(container, NOW)
    admin = Scope.employer(org_id, "admin", [Role.EMPLOYER_ADMIN])
    client = TestClient(create_app(container), raise_server_exceptions=False)
    yield Setup(container, client, admin, str(key["id"]), str(key["token"]), contract_id)
    container.engine.dispose()


def accesses(container: Container, contract_id: str) -> list[dict[str, object]]:
    """The recorded reads of a contract (what each access event says), once integrated."""
    integrate_pending(container.uow, container.evidence.log)
    with container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.contract_id == contract_id)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    events = [Event.from_entry(entry) for entry in entries]
    return [dict(e.extra) for e in events if e.type is EventType.VIEWED]


def test_each_read_is_on_record_when_it_answers(setup: Setup) -> None:
    summary = setup.client.get(setup.path, headers=setup.bearer)
    assert summary.status_code == 200
    assert summary.json()["id"] == setup.contract_id and "data" not in summary.json()
    full = setup.client.get(setup.path, params={"include_data": True}, headers=setup.bearer)
    assert full.json()["data"]["worker"]["id_number"] == EXAMPLE.worker.id_number
    recorded = accesses(setup.container, setup.contract_id)
    assert [a["access"] for a in recorded] == ["summary", "data"]
    assert all(a["caller"] == "apikey" for a in recorded)


def test_a_read_that_cannot_be_recorded_answers_nothing(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise RuntimeError("the pending table refused the insert")

    monkeypatch.setattr(access, "add_pending", refuse)
    answer = setup.client.get(setup.path, params={"include_data": True}, headers=setup.bearer)
    assert answer.status_code == 500
    assert EXAMPLE.worker.id_number not in answer.text
    assert setup.contract_id not in answer.text
    assert accesses(setup.container, setup.contract_id) == []


def test_an_unknown_contract_is_not_found_and_not_recorded(setup: Setup) -> None:
    answer = setup.client.get("/api/v1/contracts/no-such-id", headers=setup.bearer)
    assert answer.status_code == 404
    assert answer.json()["field"] == "contract_id"
    assert accesses(setup.container, "no-such-id") == []


def test_a_revoked_key_is_refused_on_its_next_request(setup: Setup) -> None:
    assert setup.client.get(setup.path, headers=setup.bearer).status_code == 200
    setup.container.parties.api_keys.revoke(setup.admin, setup.key_id, NOW)
    assert setup.client.get(setup.path, headers=setup.bearer).status_code == 401
    wrong = {"Authorization": f"Bearer {setup.token[:-2]}xx"}
    assert setup.client.get(setup.path, headers=wrong).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(setup: Setup) -> None:
    keys = setup.container.parties.api_keys

    def last_used() -> datetime | None:
        with setup.container.uow(Scope.system()) as uow:
            row = uow.session.get(ApiKeyRow, setup.key_id)
            assert row is not None
            found = row.last_used_at
        return found if found is None or found.tzinfo else found.replace(tzinfo=UTC)

    assert last_used() is None
    found = keys.authenticate(setup.token, NOW)
    assert found is not None
    principal, scope = found
    assert principal.key_id == setup.key_id and principal.scopes == {"contracts:read"}
    assert scope.org_id == principal.org_id and scope.has_role([Role.HR])
    assert last_used() == NOW
    assert keys.authenticate(setup.token, NOW + timedelta(seconds=30)) is not None
    assert last_used() == NOW
    assert keys.authenticate(setup.token, NOW + timedelta(seconds=61)) is not None
    assert last_used() == NOW + timedelta(seconds=61)
