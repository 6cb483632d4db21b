"""Tenant isolation in the data layer, on both databases: reads, joins, relationships,
`session.get`, bulk statements and writes, for every kind of scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import aliased

from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope, TenancyViolation
from laborsign.parties.roles import Role
from laborsign.parties.tables import (
    ApiKeyRow,
    AuthorityGrantRow,
    EmploymentRow,
    OrganisationRow,
    SecurityEventRow,
    StaffRoleRow,
    StaffUserRow,
    WorkerRow,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
A, B = "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"
WA, WB, WBOTH = "w-a", "w-b", "w-both"


def _org(org_id: str, code: str) -> OrganisationRow:
    return OrganisationRow(
        id=org_id,
        kind="employer",
        name=f"单位{org_id[-1]}",
        credit_code=code,
        legal_representative="张三",
        registered_address="北京市",
        phone="010-12345678",
        created_at=NOW,
    )


def _user(user_id: str, org_id: str | None, role: Role) -> StaffUserRow:
    user = StaffUserRow(
        id=user_id,
        org_id=org_id,
        username=user_id,
        display_name=user_id,
        password_hash="not-a-hash",  # noqa: S106 - never verified here
        failed_attempts=0,
        password_changed_at=NOW,
        created_at=NOW,
        disabled=False,
    )
    user.roles.append(StaffRoleRow(role=role.value, org_id=org_id))
    return user


def _worker(worker_id: str, id_number: str) -> WorkerRow:
    return WorkerRow(
        id=worker_id,
        name=f"工人{worker_id}",
        id_number=id_number,
        id_number_index=f"idx-{worker_id}",
        phone="13800000000",
        phone_index=f"ph-{worker_id}",
        created_at=NOW,
    )


@pytest.fixture
def seeded(container: Container) -> Container:
    with container.uow(Scope.system()) as uow:
        s = uow.session
        s.add_all([_org(A, "91110000100000000A"), _org(B, "91110000100000000B")])
        s.flush()
        s.add_all(
            [
                _worker(WA, "110101199001011234"),
                _worker(WB, "110101199001011235"),
                _worker(WBOTH, "110101199001011236"),
                _user("hr-a", A, Role.HR),
                _user("hr-b", B, Role.HR),
                _user("sys", None, Role.SYSADMIN),
                _user("gov", None, Role.AUTHORITY),
            ]
        )
        s.flush()
        for org, worker in ((A, WA), (B, WB), (A, WBOTH), (B, WBOTH)):
            s.add(EmploymentRow(org_id=org, worker_id=worker, started_at=NOW))
        s.add(
            ApiKeyRow(
                org_id=B,
                name="k",
                prefix="bbbbbbbbbbbb",
                secret_hash="0" * 64,
                scopes="workers:read",
                created_by="hr-b",
                created_at=NOW,
            )
        )
        s.add(
            AuthorityGrantRow(
                authority_user_id="gov",
                worker_id=WB,
                case_number="京劳人仲字〔2026〕第1号",
                legal_document="立案通知书",
                created_at=NOW,
            )
        )
        uow.commit()
    return container


def employer_a() -> Scope:
    return Scope.employer(A, "hr-a", [Role.HR])


def test_employer_sees_only_its_own_rows(seeded: Container) -> None:
    with seeded.uow(employer_a()) as uow:
        s = uow.session
        assert s.scalars(select(OrganisationRow.id)).all() == [A]
        assert sorted(s.scalars(select(WorkerRow.id))) == [WA, WBOTH]
        assert set(s.scalars(select(EmploymentRow.org_id))) == {A}
        assert s.scalars(select(ApiKeyRow)).all() == []
        assert s.scalars(select(StaffUserRow.id)).all() == ["hr-a"]
        assert s.scalars(select(AuthorityGrantRow)).all() == []
        assert s.get(OrganisationRow, B) is None
        assert s.get(WorkerRow, WB) is None
        assert s.get(StaffUserRow, "hr-b") is None


def test_switching_scopes_never_reuses_another_tenants_criteria(seeded: Container) -> None:
    # The criteria are cached SQL with bound values: alternate tenants to prove the values
    # are re-bound on every execution.
    for _ in range(2):
        for org, user in ((A, "hr-a"), (B, "hr-b")):
            with seeded.uow(Scope.employer(org, user, [Role.HR])) as uow:
                assert uow.session.scalars(select(OrganisationRow.id)).all() == [org]
                assert uow.session.scalars(select(StaffUserRow.id)).all() == [user]


def test_joins_aliases_subqueries_and_relationships_stay_in_the_tenant(seeded: Container) -> None:
    with seeded.uow(employer_a()) as uow:
        s = uow.session
        joined = s.execute(
            select(EmploymentRow.org_id, WorkerRow.id).join(
                WorkerRow, WorkerRow.id == EmploymentRow.worker_id
            )
        ).all()
        assert {tuple(r) for r in joined} == {(A, WA), (A, WBOTH)}
        other = aliased(OrganisationRow)
        cross = s.execute(select(OrganisationRow.id, other.id).join(other, other.id != "")).all()
        assert {tuple(r) for r in cross} == {(A, A)}
        nested = s.scalars(
            select(StaffUserRow.id).where(
                StaffUserRow.org_id.in_(select(OrganisationRow.id).scalar_subquery())
            )
        ).all()
        assert nested == ["hr-a"]
        both = s.get(WorkerRow, WBOTH)
        assert both is not None
        employments = s.scalars(select(EmploymentRow).where(EmploymentRow.worker_id == WBOTH))
        assert [e.org_id for e in employments] == [A]
        user = s.get(StaffUserRow, "hr-a")
        assert user is not None and [r.role for r in user.roles] == ["hr"]


def test_worker_sees_his_own_record_and_employments_across_employers(
    seeded: Container,
) -> None:
    with seeded.uow(Scope.worker(WBOTH)) as uow:
        s = uow.session
        assert s.scalars(select(WorkerRow.id)).all() == [WBOTH]
        assert sorted(s.scalars(select(EmploymentRow.org_id))) == sorted([A, B])
        assert s.scalars(select(OrganisationRow)).all() == []
        assert s.get(WorkerRow, WA) is None


def test_authority_sees_only_what_a_recorded_legal_basis_covers(seeded: Container) -> None:
    with seeded.uow(Scope.authority("gov", workers=[WB])) as uow:
        s = uow.session
        assert s.scalars(select(WorkerRow.id)).all() == [WB]
        assert s.scalars(select(EmploymentRow.org_id)).all() == [B]
        assert len(s.scalars(select(AuthorityGrantRow)).all()) == 1
    with seeded.uow(Scope.authority("gov")) as uow:
        assert uow.session.scalars(select(WorkerRow)).all() == []
        assert uow.session.scalars(select(EmploymentRow)).all() == []


def test_platform_roles_see_accounts_but_not_workers(seeded: Container) -> None:
    with seeded.uow(Scope.platform("sys", [Role.SYSADMIN])) as uow:
        s = uow.session
        assert len(s.scalars(select(OrganisationRow)).all()) == 2
        assert len(s.scalars(select(StaffUserRow)).all()) == 4
        assert s.scalars(select(WorkerRow)).all() == []
        assert s.scalars(select(SecurityEventRow)).all() == []
    with seeded.uow(Scope.platform("audit", [Role.AUDITADMIN])) as uow:
        assert uow.session.scalars(select(OrganisationRow)).all() == []
        assert len(uow.session.scalars(select(AuthorityGrantRow)).all()) == 1


def test_a_session_without_scope_fails_closed(seeded: Container) -> None:
    with seeded.uow() as uow, pytest.raises(TenancyViolation):
        uow.session.scalars(select(WorkerRow)).all()
    with seeded.uow() as uow, pytest.raises(TenancyViolation):
        uow.session.get(OrganisationRow, A)
    with seeded.uow() as uow:
        uow.session.add(_org("c", "91110000100000000C"))
        with pytest.raises(TenancyViolation):
            uow.session.flush()


def test_scoped_sessions_cannot_go_around_the_orm(seeded: Container) -> None:
    table = OrganisationRow.__table__
    with seeded.uow(employer_a()) as uow, pytest.raises(TenancyViolation):
        uow.session.execute(select(table)).all()
    with seeded.uow(employer_a()) as uow, pytest.raises(TenancyViolation):
        uow.session.execute(
            insert(EmploymentRow).values(id="x", org_id=B, worker_id=WB, started_at=NOW)
        )


def test_bulk_update_and_delete_touch_only_own_rows(seeded: Container) -> None:
    with seeded.uow(employer_a()) as uow:
        uow.session.execute(update(OrganisationRow).values(phone="999"))
        uow.session.execute(delete(ApiKeyRow))
        uow.commit()
    with seeded.uow(Scope.system()) as uow:
        rows = uow.session.execute(select(OrganisationRow.id, OrganisationRow.phone))
        phones = {org: phone for org, phone in rows}
        assert phones == {A: "999", B: "010-12345678"}
        assert len(uow.session.scalars(select(ApiKeyRow)).all()) == 1


def test_writes_outside_the_tenant_are_refused(seeded: Container) -> None:
    with seeded.uow(employer_a()) as uow:
        uow.session.add(EmploymentRow(org_id=B, worker_id=WA, started_at=NOW))
        with pytest.raises(TenancyViolation):
            uow.session.flush()
    with seeded.uow(employer_a()) as uow:
        user = uow.session.get(StaffUserRow, "hr-a")
        assert user is not None
        user.org_id = B  # moving a row to another tenant
        with pytest.raises(TenancyViolation):
            uow.session.flush()
    with seeded.uow(employer_a()) as uow:
        uow.session.add(
            AuthorityGrantRow(
                authority_user_id="gov",
                worker_id=WA,
                case_number="x",
                legal_document="x",
                created_at=NOW,
            )
        )
        with pytest.raises(TenancyViolation):
            uow.session.flush()
    with seeded.uow(Scope.worker(WA)) as uow:
        uow.session.add(_org("c", "91110000100000000C"))
        with pytest.raises(TenancyViolation):
            uow.session.flush()


def test_own_writes_and_security_events_are_allowed(seeded: Container) -> None:
    with seeded.uow(employer_a()) as uow:
        uow.session.add(SecurityEventRow(at=NOW, kind="test", actor="staff:x", outcome="ok"))
        org = uow.session.get(OrganisationRow, A)
        assert org is not None
        org.name = "新名称"
        uow.commit()
    with seeded.uow(Scope.platform("audit", [Role.AUDITADMIN])) as uow:
        events = uow.session.scalars(select(SecurityEventRow)).all()
        assert [e.kind for e in events] == ["test"]
        events[0].outcome = "changed"
        with pytest.raises(TenancyViolation):
            uow.session.flush()
