"""Authorisation matrix: every API route × every role × own and other tenant.

Generated from the app's route table: each APIRoute under /api/v1 must declare its policy
with an `Allow` dependency (laborsign.web.auth), and the expected status follows from that
policy and from what the data layer lets each role see. A new route without a policy, or
without a sample request below, fails here; add both when you add a route.
"""

from __future__ import annotations

import base64
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute
from stdnum.cn import ric, uscc

from laborsign.bootstrap import Container
from laborsign.bulk.checking import ImportChecker
from laborsign.bulk.sample import filled_sheet, sample_contracts
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.filing.service import ExportFormat
from laborsign.notify.outbox_relay import OutboxMessage
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from laborsign.signing.images import seal_png
from laborsign.web.app import create_app
from laborsign.web.auth import COOKIE, CSRF_HEADER, WORKER, Allow, SessionStore

NOW = datetime.now(UTC)
PASSWORD = "Correct-Horse-42"  # noqa: S105 - a test account
_counter = itertools.count(1)


def credit_code(n: int) -> str:
    base = f"91110000{n:09d}"
    return base + uscc.calc_check_digit(base)


def id_number(n: int) -> str:
    base = f"11010119900101{n % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


@dataclass
class World:
    client: TestClient
    container: Container
    ids: dict[str, str]
    sessions: dict[str, str]  # role name -> raw session id
    fresh_warnings: list[str] = field(default_factory=list)  # of the last fresh draft


ROLES = [
    "anonymous",
    "worker_a",
    "employer_admin_a",
    "hr_a",
    "signer_a",
    "hr_b",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "authority_granted",
    "authority_plain",
]
# The matrix's role names → the roles the account holds.
ACCOUNT_ROLES: dict[str, tuple[Role, str | None]] = {
    "employer_admin_a": (Role.EMPLOYER_ADMIN, "A"),
    "hr_a": (Role.HR, "A"),
    "signer_a": (Role.SIGNER, "A"),
    "hr_b": (Role.HR, "B"),
    "sysadmin": (Role.SYSADMIN, None),
    "secadmin": (Role.SECADMIN, None),
    "auditadmin": (Role.AUDITADMIN, None),
    "authority_granted": (Role.AUTHORITY, None),
    "authority_plain": (Role.AUTHORITY, None),
}


def _org(n: int, name: str) -> NewOrganisation:
    return NewOrganisation("employer", name, credit_code(n), "张三", "北京市东城区", "010-1")


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    settings = Settings(
        home=tmp_path / "home",
        database_url=database_url,
        argon2_memory_kib=64,
        argon2_time_cost=1,
        # Every role tries the public login in turn, all as one client and one account name.
        login_rate_per_account=1000,
        login_rate_per_ip=1000,
    )
    container = Container(settings)
    container.init()
    parties = container.parties
    system = Scope.system()
    ids: dict[str, str] = {}
    ids["A"] = str(parties.organisations.create(system, _org(1, "甲公司"), NOW)["id"])
    ids["B"] = str(parties.organisations.create(system, _org(2, "乙公司"), NOW)["id"])
    for name, (role, org) in ACCOUNT_ROLES.items():
        made = parties.accounts.create(
            system,
            username=name.replace("_", "-"),
            display_name=name,
            password=PASSWORD,
            roles=[role],
            org_id=ids[org] if org else None,
            now=NOW,
        )
        ids[name] = made.id
    scope_a = Scope.employer(ids["A"], ids["hr_a"], [Role.HR])
    ids["worker_a"] = str(
        parties.workers.register(scope_a, NewWorker("李四", id_number(7)), NOW)["id"]
    )
    ids["worker_a2"] = str(
        parties.workers.register(scope_a, NewWorker("王五", id_number(8)), NOW)["id"]
    )
    granted = Scope.authority(ids["authority_granted"])
    parties.workers.record_grant(
        granted,
        worker_id=ids["worker_a"],
        contract_id=None,
        case_number="京劳人仲字〔2026〕第7号",
        legal_document="仲裁立案通知书",
        now=NOW,
    )
    admin_a = Scope.employer(ids["A"], ids["employer_admin_a"], [Role.EMPLOYER_ADMIN])
    ids["key_a"] = str(parties.api_keys.create(admin_a, "hr-system", ["workers:read"], NOW)["id"])
    ids["export_a"] = container.filing.export(scope_a, ExportFormat.JSON, NOW)[0].id
    uploaded = container.bulk.upload(scope_a, "a.xlsx", bulk_sheet(), now=NOW, queue=False)
    ImportChecker(container).check(uploaded.id)  # validated, as a worker leaves it
    ids["import_a"] = uploaded.id
    ids["template"] = "general"
    ids["contract_a"] = sent_contract(container, ids)
    hook, _secret = container.webhooks.subscribe(ids["A"], "http://127.0.0.1:9/hook", ["*"])
    ids["subscription_a"] = hook.id
    with container.uow(system) as uow:
        payload = {"org_id": ids["A"], "event_type": "contract.sent", "data": {}}
        container.webhooks.fan_out(
            uow.session, OutboxMessage("m-1", "webhook.event", payload, 1, NOW)
        )
        uow.commit()
    ids["delivery_a"] = container.webhooks.deliveries(ids["A"], hook.id)[0].id
    store = SessionStore(container)
    sessions = {
        name: store.open("staff", ids[name], datetime.now(UTC), pending=False)
        for name in ACCOUNT_ROLES
    }
    sessions["worker_a"] = store.open(WORKER, ids["worker_a"], datetime.now(UTC), pending=False)
    with TestClient(create_app(container)) as client:
        yield World(client, container, ids, sessions)
    container.engine.dispose()


def contract_data(n: int) -> Contract:
    """The example contract between organisation A and worker A, under number n."""
    data = example_contract().model_dump()
    data["number"] = f"M-{n:04d}"
    data["employer"]["credit_code"] = credit_code(1)
    data["worker"]["name"] = "李四"
    data["worker"]["id_number"] = id_number(7)
    return Contract.model_validate(data)


def draft(container: Container, ids: dict[str, str]) -> tuple[str, list[str]]:
    """A new draft of A's with worker A: its id and its warnings' ids."""
    hr = Scope.employer(ids["A"], ids["hr_a"], [Role.HR])
    made = container.contracts.create_draft(
        hr, contract_data(next(_counter)), now=datetime.now(UTC), worker_id=ids["worker_a"]
    )
    return made.contract.id, list(made.contract.warnings)


def sent_contract(container: Container, ids: dict[str, str]) -> str:
    hr = Scope.employer(ids["A"], ids["hr_a"], [Role.HR])
    cid, warnings = draft(container, ids)
    container.contracts.acknowledge_warnings(hr, cid, warnings, now=datetime.now(UTC))
    container.contracts.send(hr, cid, now=datetime.now(UTC))
    return cid


def policy_of(route: APIRoute) -> Allow | None:
    def walk(dependant: Dependant) -> Iterator[object]:
        for sub in dependant.dependencies:
            yield sub.call
            yield from walk(sub)

    found = [call for call in walk(route.dependant) if isinstance(call, Allow)]
    return found[0] if len(found) == 1 else None


def _flatten(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    # FastAPI keeps included routers as branches; their routes carry the router's prefix.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _flatten(route.original_router.routes)


def api_routes() -> list[APIRoute]:
    app = create_app(Container(Settings()))
    return [r for r in _flatten(app.routes) if r.path.startswith("/api/v1")]


# -- what each route is called with, and which of A's rows each role can see -----------------

# Path parameters always name a row of organisation A (or of its people); roles of B or
# without a legal basis must then get 404 from the data layer, never the row.
PATH_TARGETS = {
    "org_id": "A",
    "user_id": "hr_a",
    "key_id": "key_a",
    "worker_id": "worker_a",
    "export_id": "export_a",
    "import_id": "import_a",
    "template_id": "template",
    "contract_id": "contract_a",
    "subscription_id": "subscription_a",
    "delivery_id": "delivery_a",
}
SEES = {
    "org_id": {"sysadmin", "secadmin", "employer_admin_a", "hr_a", "signer_a"},
    "user_id": {"sysadmin", "secadmin", "employer_admin_a"},
    "key_id": {"employer_admin_a"},
    "worker_id": {"employer_admin_a", "hr_a", "signer_a", "worker_a", "authority_granted"},
    "export_id": {"employer_admin_a", "hr_a"},
    "import_id": {"employer_admin_a", "hr_a", "signer_a"},
    # The model texts are the same for every employer: not tenant data.
    "template_id": {"employer_admin_a", "hr_a", "signer_a", "hr_b"},
    "contract_id": {"employer_admin_a", "hr_a", "signer_a", "worker_a", "authority_granted"},
    "subscription_id": {"employer_admin_a"},
    "delivery_id": {"employer_admin_a"},
}
# Callers the policy admits whose request the service then refuses, as it should.
REFUSED_AFTER_ADMISSION = {
    # B's staff drafting a contract with A's credit code and worker.
    ("POST", "/api/v1/contracts", "hr_b"): 422,
    # The target contract is sent, not effective: no package yet (the download of an
    # effective one is in test_contract_api).
    **{
        ("GET", "/api/v1/contracts/{contract_id}/evidence", role): 409
        for role in ("worker_a", "employer_admin_a", "hr_a", "signer_a", "authority_granted")
    },
}
# Routes that change the contract they name: each caller the policy admits gets a fresh
# draft (the same one would already be sent or voided by the caller before).
FRESH_DRAFT = {
    ("PUT", "/api/v1/contracts/{contract_id}"),
    ("POST", "/api/v1/contracts/{contract_id}/acknowledge"),
    ("POST", "/api/v1/contracts/{contract_id}/send"),
    ("POST", "/api/v1/contracts/{contract_id}/void"),
}

Body = Callable[[World], object]


@functools.cache
def bulk_sheet() -> bytes:
    return filled_sheet(list(sample_contracts(2)))


@dataclass(frozen=True)
class Upload:
    """A multipart body (file uploads) instead of JSON."""

    files: dict[str, tuple[str, bytes]]


BODIES: dict[tuple[str, str], Body] = {
    ("POST", "/api/v1/bulk/imports"): lambda w: Upload({"file": ("s.xlsx", bulk_sheet())}),
    ("POST", "/api/v1/bulk/imports/{import_id}/start"): lambda w: {"sign": False},
    ("POST", "/api/v1/auth/login"): lambda w: {"username": "nobody", "password": "x"},
    ("POST", "/api/v1/auth/totp"): lambda w: {"code": "000000"},
    ("POST", "/api/v1/auth/logout"): lambda w: None,
    ("POST", "/api/v1/organisations"): lambda w: {
        "name": "丙公司",
        "credit_code": credit_code(100 + next(_counter)),
        "legal_representative": "王五",
        "registered_address": "上海市",
        "phone": "021-1",
    },
    ("POST", "/api/v1/users"): lambda w: {
        "username": f"new-user-{next(_counter)}",
        "password": PASSWORD,
        "roles": ["hr"],
        "org_id": w.ids["A"],
    },
    ("PUT", "/api/v1/users/{user_id}/roles"): lambda w: {"roles": ["hr"]},
    ("POST", "/api/v1/api-keys"): lambda w: {"name": "k", "scopes": ["workers:read"]},
    ("POST", "/api/v1/workers"): lambda w: {"name": "赵六", "id_number": id_number(next(_counter))},
    ("POST", "/api/v1/filing/exports"): lambda w: {"format": "codes"},
    ("POST", "/api/v1/ceremony/open"): lambda w: {"token": "not-a-token-of-any-link"},
    ("POST", "/api/v1/ceremony/notice"): lambda w: None,
    ("POST", "/api/v1/ceremony/identity"): lambda w: {"name": "李四", "id_number": id_number(7)},
    ("POST", "/api/v1/ceremony/identity/code"): lambda w: {"code": "000000"},
    ("POST", "/api/v1/ceremony/intent"): lambda w: None,
    ("POST", "/api/v1/ceremony/sign"): lambda w: {"code": "000000", "signature_png": "AA=="},
    ("POST", "/api/v1/ceremony/decline"): lambda w: {"reason": "不同意"},
    ("POST", "/api/v1/me/login/code"): lambda w: {"phone": "13800138000"},
    ("POST", "/api/v1/me/login"): lambda w: {"phone": "13800138000", "code": "000000"},
    ("POST", "/api/v1/contracts/{contract_id}/employer-sign"): lambda w: {"totp": "000000"},
    ("POST", "/api/v1/contracts/batch-sign"): lambda w: {
        "contract_ids": [w.ids["contract_a"]],
        "totp": "000000",
    },
    ("POST", "/api/v1/organisations/{org_id}/seal"): lambda w: {
        "png": base64.b64encode(seal_png("甲公司")).decode()
    },
    ("POST", "/api/v1/contracts/{contract_id}/paper-copy"): lambda w: None,
    ("POST", "/api/v1/authority/access"): lambda w: {
        "contract_id": "no-such-contract",
        "case_number": "案号2",
        "legal_document": "调查通知书",
    },
    ("POST", "/api/v1/contracts"): lambda w: {
        "data": contract_data(next(_counter)).model_dump(mode="json"),
        "worker_id": w.ids["worker_a"],
    },
    ("PUT", "/api/v1/contracts/{contract_id}"): lambda w: {
        "data": contract_data(next(_counter)).model_dump(mode="json")
    },
    ("POST", "/api/v1/contracts/{contract_id}/acknowledge"): lambda w: {
        "warning_ids": w.fresh_warnings
    },
    ("POST", "/api/v1/contracts/{contract_id}/send"): lambda w: {},
    ("POST", "/api/v1/contracts/{contract_id}/void"): lambda w: None,
    ("POST", "/api/v1/contracts/{contract_id}/renew"): lambda w: {
        "number": f"R-{next(_counter)}",
        "term_type": "open_ended",
        "start_date": "2029-03-01",
        "worker_choice": "open_ended",
    },
    ("POST", "/api/v1/contracts/{contract_id}/amend"): lambda w: {
        "changes": [{"clause": "工作地点", "before": "杭州", "after": "上海"}],
        "effective_from": "2027-01-01",
    },
    ("POST", "/api/v1/contracts/{contract_id}/terminate"): lambda w: {
        "ground": "mutual",
        "terminated_on": "2027-06-30",
        "monthly_wage": "9000.00",
    },
    ("POST", "/api/v1/contracts/{contract_id}/legal-holds"): lambda w: {
        "case_reference": "京劳人仲字〔2026〕第8号"
    },
    ("POST", "/api/v1/contracts/{contract_id}/legal-holds/lift"): lambda w: {
        "case_reference": "没有保全的案号"
    },
    ("POST", "/api/v1/contracts/{contract_id}/erase"): lambda w: None,
    ("POST", "/api/v1/webhooks"): lambda w: {
        "url": "http://127.0.0.1:9/other",
        "event_types": ["contract.sent"],
    },
    ("POST", "/api/v1/webhook-deliveries/{delivery_id}/replay"): lambda w: None,
    ("POST", "/api/v1/authority-grants"): lambda w: {
        # Another worker: a grant for worker A would let authority_plain see his rows.
        "worker_id": w.ids["worker_a2"],
        "case_number": "案号1",
        "legal_document": "调查通知书",
    },
}
NO_BODY = {"GET", "DELETE"}
# Public routes answer anyone, with their own outcome (a wrong password is a 401).
PUBLIC_STATUS = {
    "/api/v1/auth/login": 401,
    "/api/v1/auth/totp": 401,
    # The signing ceremony's credential is its own session (from the SMS link), not a role:
    # without one every step is refused alike.
    "/api/v1/ceremony/open": 403,
    "/api/v1/ceremony/notice": 403,
    "/api/v1/ceremony/identity": 403,
    "/api/v1/ceremony/identity/code": 403,
    "/api/v1/ceremony/document": 403,
    "/api/v1/ceremony/intent": 403,
    "/api/v1/ceremony/sign": 403,
    "/api/v1/ceremony/decline": 403,
    "/api/v1/me/login/code": 202,
    "/api/v1/me/login": 403,
}
# Sample requests that pass authorisation and are then refused by the service: a wrong TOTP
# code, a paper copy of a contract not yet effective, a legal basis naming no contract.
AFTER_AUTHZ = {
    ("POST", "/api/v1/contracts/{contract_id}/employer-sign"): 401,
    ("POST", "/api/v1/contracts/batch-sign"): 401,
    ("POST", "/api/v1/contracts/{contract_id}/paper-copy"): 409,
    ("POST", "/api/v1/authority/access"): 404,
    # After signing: the target contract is sent, not concluded (the successes are in
    # test_lifecycle and test_retention).
    ("POST", "/api/v1/contracts/{contract_id}/renew"): 409,
    ("POST", "/api/v1/contracts/{contract_id}/amend"): 409,
    ("POST", "/api/v1/contracts/{contract_id}/terminate"): 409,
    ("POST", "/api/v1/contracts/{contract_id}/legal-holds/lift"): 409,
    ("POST", "/api/v1/contracts/{contract_id}/erase"): 409,
}


def expected(route: APIRoute, policy: Allow, role: str, param: str | None) -> int | None:
    """The status the caller must get, or None for "any success"."""
    if policy.public:
        return PUBLIC_STATUS[route.path]
    if role == "anonymous":
        return 401
    granted = {r.value for r in Role} | {WORKER}
    holds = WORKER if role == "worker_a" else ACCOUNT_ROLES[role][0].value
    assert holds in granted
    if holds not in policy.roles:
        return 403
    if param is not None and role not in SEES[param]:
        return 404
    return AFTER_AUTHZ.get((next(iter(route.methods)), route.path))


def call(world: World, route: APIRoute, role: str, *, fresh: bool = False) -> int:
    method = next(iter(route.methods))
    path = route.path
    params = re.findall(r"{(\w+)}", path)
    for name in params:
        target = world.ids[PATH_TARGETS[name]]
        if fresh and (method, route.path) in FRESH_DRAFT:
            target, world.fresh_warnings = draft(world.container, world.ids)
            if route.path.endswith("/send"):
                hr = Scope.employer(world.ids["A"], world.ids["hr_a"], [Role.HR])
                world.container.contracts.acknowledge_warnings(
                    hr, target, world.fresh_warnings, now=datetime.now(UTC)
                )
        path = path.replace(f"{{{name}}}", target)
    headers: dict[str, str] = {}
    cookies = {}
    if role != "anonymous":
        raw = world.sessions[role]
        cookies[COOKIE] = raw
        csrf = world.client.get("/api/v1/auth/me", cookies={COOKIE: raw}).json()["csrf_token"]
        headers[CSRF_HEADER] = csrf
    body = None if method in NO_BODY else BODIES[(method, route.path)](world)
    world.client.cookies.clear()
    files = body.files if isinstance(body, Upload) else None
    response = world.client.request(
        method,
        path,
        json=None if files else body,
        files=files,
        headers=headers,
        cookies=cookies,
    )
    return response.status_code


def test_every_api_route_declares_a_policy_and_a_sample() -> None:
    routes = api_routes()
    assert routes, "no API routes found"
    for route in routes:
        assert policy_of(route) is not None, f"{route.path} declares no Allow policy"
        for method in route.methods - NO_BODY:
            assert (method, route.path) in BODIES, f"add a sample body for {method} {route.path}"
        for name in re.findall(r"{(\w+)}", route.path):
            assert name in PATH_TARGETS, f"add a target for path parameter {name}"


def test_matrix(world: World) -> None:
    failures = []
    for route in api_routes():
        policy = policy_of(route)
        assert policy is not None
        params = re.findall(r"{(\w+)}", route.path)
        param = params[-1] if params else None
        for role in ROLES:
            if route.path == "/api/v1/auth/logout":
                continue  # ends the session the other rows use; covered in test_auth
            want = expected(route, policy, role, param)
            method = next(iter(route.methods))
            want = REFUSED_AFTER_ADMISSION.get((method, route.path, role), want)
            got = call(world, route, role, fresh=want is None)
            ok = 200 <= got < 300 if want is None else got == want
            if not ok:
                method = next(iter(route.methods))
                failures.append(f"{method} {route.path} as {role}: {got}, expected {want or '2xx'}")
    assert failures == [], "\n".join(failures)


def test_lists_never_show_another_tenants_rows(world: World) -> None:
    raw = world.sessions["hr_b"]
    me = world.client.get("/api/v1/auth/me", cookies={COOKIE: raw}).json()
    assert me["org_id"] == world.ids["B"]
    orgs = world.client.get("/api/v1/organisations", cookies={COOKIE: raw}).json()
    assert [o["id"] for o in orgs] == [world.ids["B"]]
    workers = world.client.get("/api/v1/workers", cookies={COOKIE: raw}).json()
    assert workers == []
    raw_a = world.sessions["hr_a"]
    workers_a = world.client.get("/api/v1/workers", cookies={COOKIE: raw_a}).json()
    assert sorted(w["id"] for w in workers_a) == sorted(
        [world.ids["worker_a"], world.ids["worker_a2"]]
    )
