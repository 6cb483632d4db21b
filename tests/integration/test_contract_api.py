"""Contract API on both databases: drafts with findings, bad input, idempotency, paging,
PDF headers, access events, and an effective contract's evidence package verified offline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from stdnum.cn import uscc
from tests.integration.helpers import staff_headers

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.pending import integrate_pending
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.identity.notice import notice_sha256
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.service import Organisation, WorkerIdentity
from laborsign.web.app import create_app

EXAMPLE = example_contract()
NOW = datetime.now(UTC)


@dataclass
class Api:
    client: TestClient
    container: Container
    org_id: str
    worker_id: str
    headers: dict[str, str]  # an HR user's session
    other: dict[str, str]  # another employer's HR user


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    container = Container(
        Settings(
            home=tmp_path / "home",
            database_url=database_url,
            argon2_memory_kib=64,
            argon2_time_cost=1,
        )
    )
    container.init()
    e = EXAMPLE.employer
    system = Scope.system()
    orgs = container.parties.organisations
    org = orgs.create(
        system,
        NewOrganisation(
            "employer", e.name, e.credit_code, e.legal_representative, e.registered_address, e.phone
        ),
        NOW,
    )
    other_code = "911100000000000" + "01"
    other_code = other_code[:17] + uscc.calc_check_digit(other_code[:17])
    other = orgs.create(
        system, NewOrganisation("employer", "乙公司", other_code, "王五", "北京", "010-2"), NOW
    )
    hr = Scope.employer(str(org["id"]), "hr", [Role.HR])
    worker = container.parties.workers.register(
        hr, NewWorker(EXAMPLE.worker.name, EXAMPLE.worker.id_number, EXAMPLE.worker.phone), NOW
    )
    with TestClient(create_app(container)) as client:
        yield Api(
            client,
            container,
            str(org["id"]),
            str(worker["id"]),
            staff_headers(container, str(org["id"]), "hr-a", Role.HR, NOW),
            staff_headers(container, str(other["id"]), "hr-b", Role.HR, NOW),
        )
    container.engine.dispose()


def body(number: str, **changes: Any) -> dict[str, Any]:
    data = EXAMPLE.model_dump(mode="json")
    data["number"] = number
    data.update(changes)
    return {"data": data}


def create(api: Api, number: str, **extra: Any) -> dict[str, Any]:
    answer = api.client.post(
        "/api/v1/contracts",
        json={**body(number), "worker_id": api.worker_id, **extra},
        headers=api.headers,
    )
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def contract_count(api: Api) -> int:
    with api.container.uow(Scope.system()) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ContractRow)) or 0)


def events(api: Api, contract_id: str) -> list[Event]:
    with api.container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.contract_id == contract_id)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [Event.from_entry(e) for e in entries]


def test_create_acknowledge_send_and_void(api: Api) -> None:
    made = create(api, "API-1")
    contract = made["contract"]
    assert contract["state"] == "draft"
    warnings = [f for f in made["findings"] if f["severity"] == "warning"]
    assert warnings and len(contract["warnings"]) == len(warnings)
    path = f"/api/v1/contracts/{contract['id']}"
    refused = api.client.post(f"{path}/send", json={}, headers=api.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    ack = api.client.post(
        f"{path}/acknowledge", json={"warning_ids": contract["warnings"]}, headers=api.headers
    )
    assert ack.status_code == 200 and ack.json()["acknowledged"] == contract["warnings"]
    sent = api.client.post(f"{path}/send", json={}, headers=api.headers)
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    voided = api.client.post(f"{path}/void", headers=api.headers)
    assert voided.json()["state"] == "voided"
    types = [e.type for e in events(api, contract["id"])]
    assert types[0] is EventType.CREATED and types[-1] is EventType.VOIDED


def test_update_draft_and_stale_version(api: Api) -> None:
    made = create(api, "API-2")["contract"]
    path = f"/api/v1/contracts/{made['id']}"
    changed = body("API-2")
    changed["data"]["job"]["position"] = "高级软件工程师"
    answer = api.client.put(
        path, json={**changed, "expected_version": made["version"]}, headers=api.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["contract"]["position"] == "高级软件工程师"
    assert answer.json()["contract"]["revision"] == made["revision"] + 1
    stale = api.client.put(
        path, json={**changed, "expected_version": made["version"]}, headers=api.headers
    )
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["data"].pop("worker"), "data.worker"),
        (lambda d: d["data"]["job"].update(position="x" * 300), "data.job.position"),
        (lambda d: d["data"]["term"].update(start_date="2026-02-30"), "data.term.start_date"),
        (lambda d: d["data"]["employer"].update(credit_code="91110000000000001X"), None),
    ],
)
def test_bad_input_is_a_problem_with_its_field_and_changes_nothing(
    api: Api, change: Any, field: str | None
) -> None:
    request = {**body("API-BAD"), "worker_id": api.worker_id}
    change(request)
    before = contract_count(api)
    answer = api.client.post("/api/v1/contracts", json=request, headers=api.headers)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 422 and problem["title"] and problem["title_en"]
    assert problem["field"] == (field or problem["field"])
    assert problem["field"].startswith("data.") or problem["field"] == "employer.credit_code"
    assert contract_count(api) == before


def test_idempotency_key_replays_the_first_answer(api: Api) -> None:
    headers = {**api.headers, "Idempotency-Key": "create-API-3"}
    request = {**body("API-3"), "worker_id": api.worker_id}
    first = api.client.post("/api/v1/contracts", json=request, headers=headers)
    again = api.client.post("/api/v1/contracts", json=request, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert contract_count(api) == 1
    other = api.client.post("/api/v1/contracts", json=body("API-4"), headers=headers)
    assert other.status_code == 409 and contract_count(api) == 1


def test_list_filters_and_cursor_pages(api: Api) -> None:
    ids = [create(api, f"PG-{n}")["contract"]["id"] for n in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "number": "PG-"}
        if cursor:
            params["cursor"] = cursor
        page = api.client.get("/api/v1/contracts", params=params, headers=api.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    listed = api.client.get(
        "/api/v1/contracts",
        params={"state": "sent", "template": "general"},
        headers=api.headers,
    ).json()
    assert listed["items"] == []
    end = EXAMPLE.term.end_date
    assert end is not None
    after = (end + timedelta(days=1)).isoformat() + "T00:00:00"
    none = api.client.get(
        "/api/v1/contracts", params={"term_end_after": after}, headers=api.headers
    )
    assert none.json()["items"] == []
    assert api.client.get("/api/v1/contracts", headers=api.other).json()["items"] == []
    bad = api.client.get("/api/v1/contracts", params={"cursor": "%%%"}, headers=api.headers)
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"


def test_pdf_download_headers_and_access_events(api: Api) -> None:
    made = create(api, "HT-5")["contract"]
    path = f"/api/v1/contracts/{made['id']}"
    pdf = api.client.get(f"{path}/pdf", headers=api.headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"] == (
        "attachment; filename=\"HT-5.pdf\"; filename*=UTF-8''HT-5.pdf"
    )
    got = api.client.get(path, params={"include_data": True}, headers=api.headers).json()
    assert got["data"]["worker"]["id_number"] == EXAMPLE.worker.id_number
    assert api.client.get(path, headers=api.other).status_code == 404
    report = api.client.get(f"{path}/verification", headers=api.headers).json()
    assert report["signatures"] == []
    # Accesses wait in the pending table until integrated (at once, or by the sweep).
    integrate_pending(api.container.uow, api.container.evidence.log)
    access = [e for e in events(api, made["id"]) if e.type is EventType.VIEWED]
    assert [e.extra["access"] for e in access] == ["pdf", "data", "verification"]
    assert all(e.actor.startswith("staff:") for e in access)


def test_an_effective_contracts_evidence_package_verifies_offline(api: Api, tmp_path: Path) -> None:
    c = api.container
    cid = create(api, "EV-1")["contract"]["id"]
    hr = Scope.employer(api.org_id, "hr", [Role.HR])
    worker, signer = Scope.worker(api.worker_id), Scope.employer(api.org_id, "s", [Role.SIGNER])
    service = c.contracts
    summary = service.summary(hr, cid)
    service.acknowledge_warnings(hr, cid, summary.warnings, now=datetime.now(UTC))
    service.send(hr, cid, now=datetime.now(UTC))
    service.acknowledge_notice(worker, cid, notice_sha256=notice_sha256(), now=datetime.now(UTC))
    service.record_identity_verified(
        worker, cid, method="development", authoritative=False, now=datetime.now(UTC)
    )
    digest = service.current_document(worker, cid).contract.document_sha256
    service.confirm_intent(
        worker, cid, document_sha256=digest, otp_channel="sms", now=datetime.now(UTC)
    )
    person = WorkerIdentity(EXAMPLE.worker.name, EXAMPLE.worker.id_number)
    service.apply_signature(
        worker,
        cid,
        lambda pdf: c.signing.sign_as_worker(pdf, person, drawn_signature_png(person.name)),
        now=datetime.now(UTC),
    )
    org = Organisation(EXAMPLE.employer.name, EXAMPLE.employer.credit_code)
    service.apply_signature(
        signer, cid, lambda pdf: c.signing.sign_as_employer(pdf, org), now=datetime.now(UTC)
    )
    service.apply_signature(Scope.system(), cid, c.signing.complete, now=datetime.now(UTC))

    answer = api.client.get(f"/api/v1/contracts/{cid}/evidence", headers=api.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    package = tmp_path / "package.zip"
    package.write_bytes(answer.content)
    result = CliRunner().invoke(main, ["evidence", "verify", str(package)])
    assert result.exit_code == 0, result.output
    assert events(api, cid)[-1].type is EventType.DOWNLOADED
    report = api.client.get(f"/api/v1/contracts/{cid}/verification", headers=api.headers)
    assert report.json()["valid"] is True


def test_templates_and_docs(api: Api) -> None:
    templates = api.client.get("/api/v1/templates", headers=api.headers).json()
    assert [t["id"] for t in templates] == ["general", "dispatch"]
    assert templates[0]["schema"]["title"] == "Contract"
    assert api.client.get("/api/v1/templates/nope", headers=api.headers).status_code == 404
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "/api/v1/contracts/{contract_id}/pdf" in docs.text
    assert "cdn" not in docs.text.lower()
    assert "/api/v1/contracts" in api.client.get("/openapi.json").json()["paths"]


def test_an_api_key_creates_and_reads_contracts(api: Api) -> None:
    # An API key acts as `apikey:<uuid>`, longer than a user id: the actor columns take it.
    admin = Scope.employer(api.org_id, "admin", [Role.EMPLOYER_ADMIN])
    key = api.container.parties.api_keys.create(
        admin, "hr-system", ["contracts:read", "contracts:write"], NOW
    )
    headers = {"Authorization": f"Bearer {key['token']}"}
    made = api.client.post(
        "/api/v1/contracts",
        json={**body("LS-API-KEY-1"), "worker_id": api.worker_id},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    read = api.client.get(f"/api/v1/contracts/{made.json()['contract']['id']}", headers=headers)
    assert read.status_code == 200, read.text
