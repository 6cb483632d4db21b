"""Retention on both databases: early erasure refused on every path (service, API, CLI,
job), a legal hold blocks erasure, erasure after the date (frozen clock) removes the personal
data and leaves the evidence log intact: a package exported before still verifies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration import test_contract_service as base
from tests.integration.dump import dump_database
from tests.integration.test_lifecycle import effective, lifecycle

from laborsign.cli import main
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.evidence.events import EventType
from laborsign.evidence.package_verify import verify_package
from laborsign.evidence.package_wiring import export_for
from laborsign.lifecycle.grounds import Ground
from laborsign.lifecycle.model import Termination
from laborsign.parties.roles import Role
from laborsign.parties.tables import WorkerRow
from laborsign.retention import jobs as retention_jobs
from laborsign.retention import routes as retention_routes
from laborsign.retention.service import RetentionRefused, RetentionService
from laborsign.retention.tables import ErasureRow
from laborsign.web import auth
from laborsign.web.app import create_app

platform = base.platform
ADMIN_ROLES = {Role.EMPLOYER_ADMIN}


def retention(p: base.Platform, years: int = 2) -> RetentionService:
    c = p.container
    return RetentionService(
        c.uow,
        lambda: c.privacy,
        lambda: p.store,
        c.secret_key,
        c.evidence.log,
        retention_years=years,
    )


def admin(p: base.Platform) -> Scope:
    return Scope.employer(p.org_id, "admin-1", ADMIN_ROLES)


def terminated(p: base.Platform, on: date) -> str:
    cid = effective(p)
    lifecycle(p).terminate(
        p.signer,
        cid,
        Termination(ground=Ground.EXPIRY, terminated_on=on, monthly_wage=Decimal("9000.00")),
        now=p.now(),
    )
    return cid


def test_retention_date_is_two_years_after_termination_or_longer_if_configured(
    platform: base.Platform,
) -> None:
    p = platform
    on = base.EXAMPLE.term.start_date + timedelta(days=400)
    cid = terminated(p, on)
    status = retention(p).status(p.hr, cid)
    assert status.ended_on == on
    assert status.retain_until == on.replace(year=on.year + 2)
    assert retention(p, years=5).status(p.hr, cid).retain_until == on.replace(year=on.year + 5)
    # An effective contract has not ended: never erasable.
    running = effective(p)
    refusal = retention(p).status(p.hr, running).refusal(date(2100, 1, 1))
    assert refusal is not None and refusal.reason == "not-ended"


def test_early_erasure_is_refused_on_every_path(
    platform: base.Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = platform
    on = base.EXAMPLE.term.start_date + timedelta(days=400)
    cid = terminated(p, on)
    early = datetime.combine(on + timedelta(days=700), datetime.min.time(), tzinfo=UTC)
    # Service.
    with pytest.raises(RetentionRefused) as refused:
        retention(p).erase(admin(p), cid, now=early)
    assert refused.value.reason == "retention-period"
    assert str(on) in refused.value.message.zh and "LCL Art. 50" in refused.value.message.en
    # Job (the container's own service, the real clock: the date is years away).
    c = p.container
    c.__dict__["document_store"] = p.store
    with pytest.raises(RetentionRefused):
        retention_jobs.erase(c, cid)
    assert cid not in retention_jobs.announce_erasable(c, datetime.now(UTC))
    # CLI.
    monkeypatch.setattr("laborsign.bootstrap.build", lambda **_: c)
    result = CliRunner().invoke(main, ["retention", "erase", cid])
    assert result.exit_code == 1
    assert "must be kept until" in result.output
    # API: the route's own policy admits the employer's administrator.
    app = create_app(c)
    route = next(
        r for r in retention_routes.router.routes if getattr(r, "path", "").endswith("/erase")
    )
    policy = next(
        d.call
        for d in route.dependant.dependencies  # type: ignore[attr-defined]
        if isinstance(d.call, auth.Allow)
    )
    assert policy.roles == frozenset({Role.EMPLOYER_ADMIN.value})
    caller = auth.Principal("staff", "admin-1", frozenset(ADMIN_ROLES), admin(p), p.org_id)
    app.dependency_overrides[policy] = lambda: caller
    with TestClient(app) as client:
        response = client.post(f"/api/v1/contracts/{cid}/erase")
    assert response.status_code == 409
    assert response.json()["type"].endswith("retention-refused")
    with c.uow(Scope.system()) as uow:
        assert uow.session.get(ErasureRow, cid) is None


def test_a_legal_hold_blocks_erasure_until_lifted(platform: base.Platform) -> None:
    p = platform
    on = base.EXAMPLE.term.start_date + timedelta(days=30)
    cid = terminated(p, on)
    service = retention(p)
    late = datetime.combine(on + timedelta(days=800), datetime.min.time(), tzinfo=UTC)
    hold = service.place_hold(p.hr, cid, "京劳人仲字〔2026〕第12号", now=p.now())
    with pytest.raises(RetentionRefused) as refused:
        service.erase(admin(p), cid, now=late)
    assert refused.value.reason == "legal-hold"
    assert cid not in service.erasable(late)
    assert service.lift_hold(p.hr, cid, "京劳人仲字〔2026〕第12号", now=p.now()) == [hold.id]
    assert cid in service.erasable(late)
    types = [e.type for e in base.events_of(p, cid)]
    assert EventType.LEGAL_HOLD_PLACED in types and EventType.LEGAL_HOLD_LIFTED in types


def test_erasure_after_the_date_removes_personal_data_and_keeps_the_evidence(
    platform: base.Platform,
) -> None:
    p = platform
    on = base.EXAMPLE.term.start_date + timedelta(days=60)
    cid = terminated(p, on)
    final = p.service.current_document(Scope.system(), cid).pdf
    package = export_for(p.container, cid, final, datetime.now(UTC))
    service = retention(p)
    late = datetime.combine(on + timedelta(days=731), datetime.min.time(), tzinfo=UTC)
    with p.container.uow(Scope.system()) as uow:
        worker_id = uow.session.scalars(select(WorkerRow.id)).all()
    done = service.erase(admin(p), cid, now=late)
    assert done.documents_deleted >= 4  # the revisions and the certificate
    assert not p.store.exists(p.org_id, p.service.summary(p.hr, cid).document_sha256)
    with p.container.uow(Scope.system()) as uow:
        row = uow.session.get(ErasureRow, cid)
        assert row is not None and row.documents == done.documents_deleted
    # The worker has other contracts on this platform: his own record stays until the last.
    assert done.worker_erased is False and worker_id
    text = dump_database(p.container.settings.database)
    assert EventType.PERSONAL_DATA_ERASED.value in text  # the evidence log records it
    # The package exported before still verifies offline, the log being untouched.
    assert verify_package(package, now=datetime.now(UTC)).valid
    assert base.events_of(p, cid)[-1].type is EventType.PERSONAL_DATA_ERASED
    with p.container.uow(Scope.system()) as uow:
        erased = uow.session.get(ContractRow, cid)
        assert erased is not None and erased.data == b"" and erased.worker_index == ""
    # What a database dump shows of the contract: no name, no ID number.
    assert base.WORKER.id_number not in text
