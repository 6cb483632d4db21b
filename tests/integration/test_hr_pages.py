"""The HR console through the ASGI app on both databases: who may open which page, the
contract form with findings beside the fields, acknowledging warnings, sending, workers,
API keys, the audit view, and tenant isolation (another employer's contract is a 404)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from stdnum.cn import uscc
from tests.integration.helpers import database

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.db.tenancy import Scope
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.settings import Settings
from laborsign.web.app import create_app
from laborsign.web.i18n_messages import MESSAGES
from laborsign.web.pages.hr_contract_form import values_of
from laborsign.web.pages.templating import TEMPLATES

PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - a test account
NOW = datetime.now(UTC)
EXAMPLE = example_contract()
_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")


@dataclass
class Console:
    container: Container
    org_a: str
    org_b: str
    worker_id: str


def _org(container: Container, name: str, code: str) -> str:
    made = container.parties.organisations.create(
        Scope.system("test"),
        NewOrganisation(
            "employer",
            name,
            code,
            EXAMPLE.employer.legal_representative,
            EXAMPLE.employer.registered_address,
            EXAMPLE.employer.phone,
        ),
        NOW,
    )
    return str(made["id"])


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def console(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Console]:
    tmp: Path = tmp_path_factory.mktemp("hr-pages")
    url = database(request, tmp)
    # Cheap password hashing: these tests are about the pages, not Argon2's cost.
    container = Container(
        Settings(
            home=tmp / "home",
            database_url=url,
            jobs_backend="immediate",
            argon2_memory_kib=64,
            argon2_time_cost=1,
        )
    )
    container.init()
    org_a = _org(container, EXAMPLE.employer.name, EXAMPLE.employer.credit_code)
    base = "91110108MA01ABCD0"
    org_b = _org(
        container, "另一家有限公司", base[:-1] + "X" + uscc.calc_check_digit(base[:-1] + "X")
    )
    for username, roles, org in (
        ("hr-a", [Role.HR], org_a),
        ("admin-a", [Role.EMPLOYER_ADMIN], org_a),
        ("hr-b", [Role.HR], org_b),
    ):
        made = container.parties.accounts.create(
            Scope.system("test"),
            username=username,
            display_name=username,
            password=PASSWORD,
            roles=roles,
            org_id=org,
            now=NOW,
        )
        TOTPS[username] = pyotp.TOTP(made.totp_secret) if made.totp_secret else None
    worker = container.parties.workers.register(
        Scope.employer(org_a, "setup", {Role.HR}),
        __import__("laborsign.parties.workers", fromlist=["NewWorker"]).NewWorker(
            EXAMPLE.worker.name, EXAMPLE.worker.id_number, EXAMPLE.worker.phone
        ),
        NOW,
    )
    yield Console(container, org_a, org_b, str(worker["id"]))
    container.engine.dispose()


TOTPS: dict[str, pyotp.TOTP | None] = {}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _client(console: Console, username: str) -> TestClient:
    client = TestClient(create_app(console.container), base_url="http://127.0.0.1:8000")
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf": _csrf(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    totp = TOTPS[username]
    if totp is not None:
        page = client.get("/login/totp")
        answer = client.post(
            "/login/totp",
            data={"code": totp.now(), "csrf": _csrf(page.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    return client


def _form(values: dict[str, str], csrf: str, **extra: str) -> dict[str, str]:
    return {**values, "csrf": csrf, "template": "general", **extra}


def _good_values(number: str) -> dict[str, str]:
    """The example contract, starting soon (rules read today's date)."""
    start = date.today() + timedelta(days=10)
    values = values_of(EXAMPLE.model_dump(mode="json"))
    values.update(
        {
            "number": number,
            "signing_date": date.today().isoformat(),
            "employment_start": start.isoformat(),
            "term.start_date": start.isoformat(),
            "term.end_date": start.replace(year=start.year + 3).isoformat(),
            "term.probation_end": (start + timedelta(days=60)).isoformat(),
        }
    )
    return values


def test_every_console_key_is_in_the_catalogue() -> None:
    used = {k for p in (TEMPLATES / "hr").glob("*.html") for k in _KEY.findall(p.read_text())}
    assert "hr.dashboard.title" in used
    assert used <= MESSAGES.keys(), sorted(used - MESSAGES.keys())


def test_anonymous_visitors_go_to_login(console: Console) -> None:
    client = TestClient(create_app(console.container), base_url="http://127.0.0.1:8000")
    for path in ("/hr", "/hr/contracts", "/hr/workers", "/hr/admin/users"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/login", path


def test_dashboard_lists_the_worker_without_a_contract(console: Console) -> None:
    client = _client(console, "hr-a")
    page = client.get("/hr")
    assert page.status_code == 200, page.text
    assert "人事概览" in page.text
    missing = page.text.split('id="missing"')[1].split('id="ending"')[0]
    assert EXAMPLE.worker.name in missing
    assert f"/hr/contracts/new?worker_id={console.worker_id}" in missing
    # HR sees no administration pages in its navigation, and is refused them.
    assert "/hr/admin/users" not in page.text
    assert client.get("/hr/admin/users").status_code == 403


def test_workers_add_and_search(console: Console) -> None:
    client = _client(console, "hr-a")
    page = client.get("/hr/workers")
    added = client.post(
        "/hr/workers",
        data={"name": "李四", "id_number": "11010519491231002X", "csrf": _csrf(page.text)},
    )
    assert "已登记：李四" in added.text
    bad = client.post(
        "/hr/workers", data={"name": "王五", "id_number": "123", "csrf": _csrf(page.text)}
    )
    assert 'role="alert"' in bad.text and "身份证号码无效" in bad.text
    by_name = client.get("/hr/workers", params={"q": "李"}).text
    assert "李四" in by_name and EXAMPLE.worker.name not in by_name
    by_id = client.get("/hr/workers", params={"q": EXAMPLE.worker.id_number}).text
    assert EXAMPLE.worker.name in by_id and "李四" not in by_id
    # The full ID number is never on the page.
    assert EXAMPLE.worker.id_number not in by_id.split("<table")[1]


def test_contract_form_findings_acknowledge_and_send(console: Console) -> None:
    client = _client(console, "hr-a")
    form = client.get("/hr/contracts/new", params={"worker_id": console.worker_id})
    assert form.status_code == 200
    assert "一、劳动合同期限" in form.text and "四、劳动报酬" in form.text
    assert 'name="term.type"' in form.text and 'type="date"' in form.text
    csrf = _csrf(form.text)
    number = f"HR-{console.container.settings.database_url[:5]}-1".replace(":", "")
    values = _good_values(number)

    # A malformed value: shown beside its input, nothing saved.
    broken = client.post(
        "/hr/contracts/new",
        data=_form({**values, "term.start_date": "2026-13-45"}, csrf, worker_id=console.worker_id),
    )
    assert broken.status_code == 200
    assert 'id="f-term-start-date-notes"' in broken.text
    assert 'aria-invalid="true"' in broken.text

    # A rule error: the draft is saved, the finding sits beside the probation input.
    start = date.fromisoformat(values["term.start_date"])
    too_long = {**values, "term.probation_end": (start + timedelta(days=300)).isoformat()}
    answer = client.post(
        "/hr/contracts/new", data=_form(too_long, csrf, worker_id=console.worker_id)
    )
    assert answer.status_code == 200
    notes = re.search(r'id="f-term-probation-end-notes">(.*?)</ul>', answer.text, re.S)
    assert notes and "试用期" in notes.group(1) and "note error" in notes.group(1)
    action = re.search(r'action="(/hr/contracts/[0-9a-f-]+/edit)"', answer.text)
    assert action, "the second submission revises the saved draft"
    version = re.search(r'name="version" value="(\d+)"', answer.text)
    assert version

    # Fixed; every warning acknowledged by its checkbox.
    fixed = client.post(
        action.group(1),
        data=_form(values, csrf, worker_id=console.worker_id, version=version.group(1)),
    )
    warnings = re.findall(r'name="ack" value="([^"]+)"', fixed.text)
    if fixed.status_code == 200:  # warnings to acknowledge (e.g. no minimum-wage data)
        assert warnings, fixed.text
        version = re.search(r'name="version" value="(\d+)"', fixed.text)
        assert version
        fixed = client.post(
            action.group(1),
            data={
                **_form(values, csrf, worker_id=console.worker_id, version=version.group(1)),
                "ack": warnings,
            },
            follow_redirects=False,
        )
    assert fixed.status_code == 303, fixed.text
    contract_url = fixed.headers["location"].split("?")[0]
    detail = client.get(contract_url)
    assert "草稿" in detail.text and "发送给劳动者" in detail.text
    assert "起草" in detail.text  # the timeline
    sent = client.post(contract_url + "/send", data={"csrf": csrf}, follow_redirects=False)
    assert sent.status_code == 303
    after = client.get(sent.headers["location"])
    assert "合同已发送给劳动者。" in after.text and "已发送" in after.text
    assert "/edit" not in after.text
    listed = client.get("/hr/contracts", params={"state": "sent"}).text
    assert number in listed

    # Tenant isolation: the other employer's HR finds nothing there.
    other = _client(console, "hr-b")
    contract_id = contract_url.rsplit("/", 1)[1]
    assert other.get(contract_url).status_code == 404
    assert other.get(contract_url + "/edit").status_code == 404
    other_csrf = _csrf(other.get("/hr/workers").text)
    refused = other.post(contract_url + "/void", data={"csrf": other_csrf})
    assert refused.status_code == 404
    assert number not in other.get("/hr/contracts").text
    assert contract_id not in other.get("/hr").text


def test_forms_without_the_session_token_are_refused(console: Console) -> None:
    client = _client(console, "hr-a")
    answer = client.post("/hr/workers", data={"name": "赵六", "id_number": "11010519491231002X"})
    assert "表单已过期" in answer.text


def test_admin_pages_api_key_shown_once_and_audit(console: Console) -> None:
    client = _client(console, "admin-a")
    page = client.get("/hr/admin/api-keys")
    assert page.status_code == 200
    made = client.post(
        "/hr/admin/api-keys",
        data={"name": "工资系统", "scopes": ["contracts:read"], "csrf": _csrf(page.text)},
    )
    token = re.search(r'<code class="secret">([^<]+)</code>', made.text)
    assert token
    again = client.get("/hr/admin/api-keys").text
    assert token.group(1) not in again and "工资系统" in again
    key_id = re.search(r'action="/hr/admin/api-keys/([^/]+)/revoke"', again)
    assert key_id
    client.post(f"/hr/admin/api-keys/{key_id.group(1)}/revoke", data={"csrf": _csrf(again)})
    assert "已吊销" in client.get("/hr/admin/api-keys").text
    audit = client.get("/hr/admin/audit").text
    assert "apikey.created" in audit and "apikey.revoked" in audit
    # Only this organisation's events: the other employer's HR logins are not there.
    other_user = console.container.parties.accounts.list_for(
        Scope.employer(console.org_b, "t", {Role.EMPLOYER_ADMIN})
    )
    assert all(a.id not in audit for a in other_user)
    users = client.get("/hr/admin/users")
    assert "hr-a" in users.text and "hr-b" not in users.text
    created = client.post(
        "/hr/admin/users",
        data={
            "username": "signer-a",
            "display_name": "签章人",
            "password": PASSWORD,
            "roles": ["signer"],
            "csrf": _csrf(users.text),
        },
    )
    assert "signer-a" in created.text and "otpauth://" in created.text
