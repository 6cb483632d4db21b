"""The HR console's signing pages through the ASGI app on both databases: the employer's
signature with TOTP on the contract page, batch signing, reminders, certified paper copies,
voiding with a reason, a view recorded when HR opens a contract, the seal page and the bulk
import pages; and tenant isolation (another employer can neither see, sign, remind, copy nor
follow an import of this one).

The worker's side is done with the ceremony service in this process, reading his SMS codes
from the development outbox as he reads them on his phone.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from stdnum.cn import uscc
from tests.integration.helpers import database

from laborsign.bootstrap import Container
from laborsign.bulk.checking import ImportChecker
from laborsign.bulk.sample import filled_sheet, sample_contracts
from laborsign.bulk.service import employer_of
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import Contract
from laborsign.db.tenancy import Scope
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.pending import integrate_pending
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.notify.dev_outbox import DevMessage, read_dev_outbox
from laborsign.parties import totp
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from laborsign.signing.images import drawn_signature_png
from laborsign.web.app import create_app
from laborsign.web.auth import COOKIE, SessionStore

EXAMPLE = example_contract()
PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - a test account
CODE_WAIT_SECONDS = 60.0
_numbers = itertools.count(1)


# ---- the worker's side, in process (shared with the browser tests) --------------------------


def _sms(container: Container, phone: str) -> list[DevMessage]:
    """Deliver what is queued, then the SMS that reached `phone`, newest first."""
    relay = container.outbox_relay
    for message_id in relay.due(datetime.now(UTC)):
        relay.dispatch(message_id)
    return read_dev_outbox(
        container.uow, container.secret_key, development=True, channel="sms", address=phone
    )


def newest_sms(container: Container, phone: str) -> str | None:
    found = _sms(container, phone)
    return found[0].id if found else None


def next_code(container: Container, phone: str, after: str | None) -> str:
    """The code in the newest SMS to `phone`, once it is newer than the message `after`."""
    deadline = time.monotonic() + CODE_WAIT_SECONDS
    while time.monotonic() < deadline:
        messages = _sms(container, phone)
        if messages and messages[0].id != after:
            found = re.search(r"验证码 (\d{6})", messages[0].body)
            if found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no new code reached {phone}")


def worker_signs(
    container: Container, contract_id: str, name: str, id_number: str, phone: str
) -> None:
    """The worker's whole ceremony: link, notice, identity, reading, intent, signature."""
    ceremony = container.ceremony.worker
    now = datetime.now(UTC)
    session = ceremony.open(ceremony.invite(contract_id, now).token, now).session_token
    ceremony.acknowledge_notice(session, now)
    before = newest_sms(container, phone)
    ceremony.verify_identity(session, name, id_number, "127.0.0.1", datetime.now(UTC))
    ceremony.confirm_identity(session, next_code(container, phone, before), datetime.now(UTC))
    ceremony.document(session, datetime.now(UTC))
    before = newest_sms(container, phone)
    ceremony.request_intent_code(session, "127.0.0.1", datetime.now(UTC))
    code = next_code(container, phone, before)
    ceremony.sign(session, code, drawn_signature_png(name), datetime.now(UTC))


# ---- the platform -----------------------------------------------------------------------------


@dataclass
class Console:
    container: Container
    app: object
    org_a: str
    org_b: str
    worker_id: str

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1:8000")  # type: ignore[arg-type]

    @property
    def hr_a(self) -> Scope:
        return Scope.employer(self.org_a, "hr-a", {Role.HR})


def _org(container: Container, name: str, code: str) -> str:
    e = EXAMPLE.employer
    made = container.parties.organisations.create(
        Scope.system("test"),
        NewOrganisation(
            "employer", name, code, e.legal_representative, e.registered_address, e.phone
        ),
        datetime.now(UTC),
    )
    return str(made["id"])


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def console(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Console]:
    tmp: Path = tmp_path_factory.mktemp("hr-signing")
    url = database(request, tmp)
    container = Container(
        Settings(
            home=tmp / "home",
            database_url=url,
            jobs_backend="immediate",
            argon2_memory_kib=64,
            argon2_time_cost=1,
            otp_resend_seconds=0,
            otp_per_phone_per_hour=1000,
            otp_per_phone_per_day=1000,
            otp_per_ip_per_hour=1000,
        )
    )
    container.init()
    org_a = _org(container, EXAMPLE.employer.name, EXAMPLE.employer.credit_code)
    base = "91110108MA01ABCD0"
    org_b = _org(
        container, "另一家有限公司", base[:-1] + "Y" + uscc.calc_check_digit(base[:-1] + "Y")
    )
    worker = container.parties.workers.register(
        Scope.employer(org_a, "setup", {Role.HR}),
        NewWorker(EXAMPLE.worker.name, EXAMPLE.worker.id_number, EXAMPLE.worker.phone),
        datetime.now(UTC),
    )
    yield Console(container, create_app(container), org_a, org_b, str(worker["id"]))
    container.engine.dispose()


@dataclass
class Browser:
    client: TestClient
    csrf: str
    code: Callable[[], str]  # the account's current TOTP code


def staff(console: Console, org_id: str, *roles: str) -> Browser:
    """A new account with `roles`, logged in (session opened directly: the login's TOTP code
    would otherwise be spent for this time step)."""
    n = next(_numbers)
    made = console.container.parties.accounts.create(
        Scope.system("test"),
        username=f"staff-{n}",
        display_name=f"staff {n}",
        password=PASSWORD,
        roles=list(roles),
        org_id=org_id,
        now=datetime.now(UTC),
    )
    raw = SessionStore(console.container).open("staff", made.id, datetime.now(UTC), pending=False)
    client = console.client()
    client.cookies.set(COOKIE, raw)
    csrf = client.get("/api/v1/auth/me").json()["csrf_token"]
    secret = made.totp_secret or ""
    return Browser(client, csrf, lambda: totp.code_at(secret, totp.step_at(datetime.now(UTC))))


def sent_contract(console: Console) -> str:
    data = EXAMPLE.model_dump()
    data["number"] = f"HS-{next(_numbers):04d}"
    contracts = console.container.contracts
    now = datetime.now(UTC)
    draft = contracts.create_draft(
        console.hr_a, Contract.model_validate(data), now=now, worker_id=console.worker_id
    )
    cid = draft.contract.id
    contracts.acknowledge_warnings(console.hr_a, cid, draft.contract.warnings, now=now)
    contracts.send(console.hr_a, cid, now=now)
    return cid


def worker_signed(console: Console) -> str:
    cid = sent_contract(console)
    w = EXAMPLE.worker
    worker_signs(console.container, cid, w.name, w.id_number, w.phone)
    return cid


def state_of(console: Console, cid: str) -> State:
    return console.container.contracts.summary(Scope.system(), cid).state


def events_of(console: Console, cid: str) -> list[Event]:
    # Views wait in the pending table until integrated (a moment after their commit, on the
    # integrator's thread): take them into the log now.
    integrate_pending(console.container.uow, console.container.evidence.log)
    with console.container.uow(Scope.system()) as uow:
        entries = uow.session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.contract_id == cid)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
    return [Event.from_entry(e) for e in entries]


def of_type(console: Console, cid: str, kind: EventType) -> list[Event]:
    return [e for e in events_of(console, cid) if e.type == kind]


def _done(answer: object) -> str:
    from httpx import Response

    assert isinstance(answer, Response)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    return str(location)


# ---- the contract page ------------------------------------------------------------------------


def test_employer_signs_with_totp_on_the_contract_page_and_prints_a_paper_copy(
    console: Console,
) -> None:
    cid = worker_signed(console)
    assert state_of(console, cid) is State.WORKER_SIGNED
    signer = staff(console, console.org_a, Role.SIGNER)
    url = f"/hr/contracts/{cid}"

    views = len(of_type(console, cid, EventType.VIEWED))
    page = signer.client.get(url)
    assert page.status_code == 200
    assert 'action="/hr/contracts/' + cid + '/sign"' in page.text
    assert "用人单位签署" in page.text  # waiting for the employer's signature
    # Opening the page is recorded as a view, as the API records its reads.
    viewed = of_type(console, cid, EventType.VIEWED)
    assert len(viewed) == views + 1 and viewed[-1].extra["caller"] == "staff"

    # A wrong code: refused on the page, nothing signed.
    wrong = signer.client.post(url + "/sign", data={"csrf": signer.csrf, "totp": "000000"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.text
    assert state_of(console, cid) is State.WORKER_SIGNED

    # Another employer's signer: the contract is absent for him.
    other = staff(console, console.org_b, Role.SIGNER)
    refused = other.client.post(url + "/sign", data={"csrf": other.csrf, "totp": other.code()})
    assert refused.status_code == 404
    assert other.client.post(url + "/paper-copy", data={"csrf": other.csrf}).status_code == 404
    assert state_of(console, cid) is State.WORKER_SIGNED

    signed = signer.client.post(
        url + "/sign", data={"csrf": signer.csrf, "totp": signer.code()}, follow_redirects=False
    )
    assert _done(signed).endswith("?done=effective")
    assert state_of(console, cid) is State.EFFECTIVE
    after = signer.client.get(_done(signed)).text
    assert "合同已生效" in after and f'{cid}/sign"' not in after and f'{cid}/paper-copy"' in after

    issued = len(of_type(console, cid, EventType.PAPER_COPY_ISSUED))
    copy = signer.client.post(url + "/paper-copy", data={"csrf": signer.csrf})
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")
    assert "attachment" in copy.headers["content-disposition"]
    events = of_type(console, cid, EventType.PAPER_COPY_ISSUED)
    assert len(events) == issued + 1
    assert events[-1].artifacts["paper-copy.pdf"] == hashlib.sha256(copy.content).hexdigest()
    # Without the session's token nothing is issued.
    assert signer.client.post(url + "/paper-copy", data={"csrf": "x"}).status_code == 403


def test_hr_without_the_signer_role_sees_no_signing_form(console: Console) -> None:
    cid = worker_signed(console)
    hr = staff(console, console.org_a, Role.HR)
    page = hr.client.get(f"/hr/contracts/{cid}").text
    assert f'action="/hr/contracts/{cid}/sign"' not in page
    refused = hr.client.post(f"/hr/contracts/{cid}/sign", data={"csrf": hr.csrf, "totp": "1"})
    assert refused.status_code == 403
    assert hr.client.get("/hr/signing").status_code == 403


def test_remind_once_per_interval_and_not_another_employers(console: Console) -> None:
    cid = sent_contract(console)
    hr = staff(console, console.org_a, Role.HR)
    url = f"/hr/contracts/{cid}"
    assert f'action="{url}/remind"' in hr.client.get(url).text
    other = staff(console, console.org_b, Role.HR)
    assert other.client.post(url + "/remind", data={"csrf": other.csrf}).status_code == 404
    assert not of_type(console, cid, EventType.REMINDED)

    first = hr.client.post(url + "/remind", data={"csrf": hr.csrf}, follow_redirects=False)
    assert _done(first).endswith("?done=reminded_worker")
    assert "已提醒劳动者签署" in hr.client.get(_done(first)).text
    again = hr.client.post(url + "/remind", data={"csrf": hr.csrf}, follow_redirects=False)
    assert _done(again).endswith("?done=not_reminded")
    reminded = of_type(console, cid, EventType.REMINDED)
    assert len(reminded) == 1 and reminded[0].extra["party"] == "worker"


def test_void_needs_a_reason_and_keeps_its_digest(console: Console) -> None:
    cid = sent_contract(console)
    hr = staff(console, console.org_a, Role.HR)
    url = f"/hr/contracts/{cid}"
    blank = hr.client.post(url + "/void", data={"csrf": hr.csrf, "reason": "  "})
    assert "请填写作废原因" in blank.text and state_of(console, cid) is State.SENT
    reason = "岗位取消"
    voided = hr.client.post(
        url + "/void", data={"csrf": hr.csrf, "reason": reason}, follow_redirects=False
    )
    assert _done(voided).endswith("?done=voided")
    assert state_of(console, cid) is State.VOIDED
    event = of_type(console, cid, EventType.VOIDED)[-1]
    assert event.artifacts["void-reason.txt"] == hashlib.sha256(reason.encode()).hexdigest()
    assert reason not in str(dict(event.extra))  # the free text itself stays out of the log


# ---- batch signing ----------------------------------------------------------------------------


def test_batch_signing_with_one_code_and_a_result_per_contract(console: Console) -> None:
    first, second = worker_signed(console), worker_signed(console)
    not_ready = sent_contract(console)
    signer = staff(console, console.org_a, Role.SIGNER)
    page = signer.client.get("/hr/signing").text
    assert f'value="{first}"' in page and f'value="{second}"' in page
    assert f'value="{not_ready}"' not in page
    other = staff(console, console.org_b, Role.SIGNER)
    assert f'value="{first}"' not in other.client.get("/hr/signing").text

    answer = signer.client.post(
        "/hr/signing",
        data={
            "csrf": signer.csrf,
            "totp": signer.code(),
            "contract_id": [first, second, not_ready],
        },
    )
    assert answer.status_code == 200
    assert "3 份中已签署 2 份" in answer.text
    failed = re.search(r'<tr class="failed">(.*?)</tr>', answer.text, re.S)
    assert failed and not_ready in failed.group(1)
    assert state_of(console, first) is State.EFFECTIVE
    assert state_of(console, second) is State.EFFECTIVE
    assert state_of(console, not_ready) is State.SENT


def test_batch_signing_of_another_employers_contracts_signs_nothing(console: Console) -> None:
    cid = worker_signed(console)
    other = staff(console, console.org_b, Role.SIGNER)
    answer = other.client.post(
        "/hr/signing", data={"csrf": other.csrf, "totp": other.code(), "contract_id": [cid]}
    )
    assert "1 份中已签署 0 份" in answer.text
    assert state_of(console, cid) is State.WORKER_SIGNED
    # A wrong code signs nothing at all.
    signer = staff(console, console.org_a, Role.SIGNER)
    wrong = signer.client.post(
        "/hr/signing", data={"csrf": signer.csrf, "totp": "000000", "contract_id": [cid]}
    )
    assert 'role="alert"' in wrong.text
    assert state_of(console, cid) is State.WORKER_SIGNED


# ---- the seal ---------------------------------------------------------------------------------


def _png(size: int, ink: bool) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    if ink:
        for x in range(size // 4, 3 * size // 4):
            for y in range(size // 4, 3 * size // 4):
                image.putpixel((x, y), (200, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_seal_page_previews_the_generated_then_the_uploaded_seal(console: Console) -> None:
    admin = staff(console, console.org_b, Role.EMPLOYER_ADMIN)
    page = admin.client.get("/hr/admin/seal")
    assert page.status_code == 200 and "按单位名称生成" in page.text
    generated = admin.client.get("/hr/admin/seal.png")
    assert generated.headers["content-type"] == "image/png"

    blank = admin.client.post(
        "/hr/admin/seal",
        data={"csrf": admin.csrf},
        files={"file": ("seal.png", _png(300, ink=False), "image/png")},
    )
    assert "图片是空白的" in blank.text
    not_png = admin.client.post(
        "/hr/admin/seal",
        data={"csrf": admin.csrf},
        files={"file": ("seal.png", b"GIF89a" + b"\0" * 100, "image/png")},
    )
    assert "PNG" in not_png.text
    seal = _png(300, ink=True)
    done = admin.client.post(
        "/hr/admin/seal",
        data={"csrf": admin.csrf},
        files={"file": ("seal.png", seal, "image/png")},
        follow_redirects=False,
    )
    assert _done(done) == "/hr/admin/seal?done=1"
    assert admin.client.get("/hr/admin/seal.png").content == seal
    assert "上传于" in admin.client.get("/hr/admin/seal").text
    # Another employer's administrator still sees his own (generated) seal.
    other = staff(console, console.org_a, Role.EMPLOYER_ADMIN)
    assert other.client.get("/hr/admin/seal.png").content != seal
    # HR is not the seal's keeper.
    hr = staff(console, console.org_b, Role.HR)
    assert hr.client.get("/hr/admin/seal").status_code == 403


# ---- bulk import ------------------------------------------------------------------------------


def _sheet(console: Console, prefix: str, count: int) -> bytes:
    with console.container.uow(Scope.system()) as uow:
        org = uow.session.get(OrganisationRow, console.org_a)
        assert org is not None
        employer = employer_of(org)
    return filled_sheet(list(sample_contracts(count, employer=employer, prefix=prefix)))


def test_bulk_import_upload_rows_start_and_progress(console: Console) -> None:
    hr = staff(console, console.org_a, Role.HR)
    page = hr.client.get("/hr/imports")
    assert page.status_code == 200 and "/api/v1/bulk/template?template=general" in page.text
    prefix = f"HB{next(_numbers)}"
    uploaded = hr.client.post(
        "/hr/imports",
        data={"csrf": hr.csrf},
        files={"file": ("staff.xlsx", _sheet(console, prefix, 3), "application/octet-stream")},
        follow_redirects=False,
    )
    url = _done(uploaded)
    assert re.fullmatch(r"/hr/imports/[0-9a-f-]+", url)
    view = hr.client.get(url).text
    assert "已校验，待开始" in view and view.count('class="row-pending"') == 3
    assert f'action="{url}/start"' in view and 'id="import-bar"' not in view  # not started

    # Another employer finds nothing there.
    other = staff(console, console.org_b, Role.HR)
    assert other.client.get(url).status_code == 404
    assert other.client.post(url + "/start", data={"csrf": other.csrf}).status_code == 404
    assert "staff.xlsx" not in other.client.get("/hr/imports").text

    # Immediate jobs: the run is done when the answer comes.
    started = hr.client.post(url + "/start", data={"csrf": hr.csrf}, follow_redirects=False)
    assert _done(started) == url
    done = hr.client.get(url).text
    assert "已完成" in done and done.count('class="row-done"') == 3
    assert 'max="3" value="3"' in done and 'data-polling="false"' in done
    assert len(re.findall(r'href="/hr/contracts/[0-9a-f-]+"', done)) == 3
    assert f"/api/v1/bulk/imports/{url.rsplit('/', 1)[1]}/report.xlsx" in done
    listed = hr.client.get("/hr/contracts", params={"number": prefix}).text
    assert listed.count(f"{prefix}-") == 3


def test_bulk_import_page_follows_the_validation_then_shows_the_rows(console: Console) -> None:
    hr = staff(console, console.org_a, Role.HR)
    scope = Scope.employer(console.org_a, "hr-page", {Role.HR})
    prefix = f"HV{next(_numbers)}"
    # Stored, but its validation job not yet run (as when the workers are busy).
    made = console.container.bulk.upload(
        scope, "later.xlsx", _sheet(console, prefix, 2), now=datetime.now(UTC), queue=False
    )
    url = f"/hr/imports/{made.id}"
    view = hr.client.get(url).text
    assert "正在校验…" in view and 'id="import-bar"' in view
    assert 'data-polling="true" data-validating="true"' in view
    assert 'max="4" value="0"' in view  # each of the 2 rows is read, then checked
    assert "已读取 0 行，已检查 0 / 2 行（0%）" in view
    assert f'action="{url}/start"' not in view and "report.xlsx" not in view
    assert 'class="row-' not in view
    assert "later.xlsx" in hr.client.get("/hr/imports").text

    ImportChecker(console.container).check(made.id)
    view = hr.client.get(url).text
    assert "已校验，待开始" in view and view.count('class="row-pending"') == 2
    assert f'action="{url}/start"' in view and 'id="import-bar"' not in view


def test_bulk_import_rejects_a_sheet_with_findings_per_row(console: Console) -> None:
    hr = staff(console, console.org_a, Role.HR)
    prefix = f"HX{next(_numbers)}"
    contracts = list(sample_contracts(3, prefix=prefix))
    with console.container.uow(Scope.system()) as uow:
        org = uow.session.get(OrganisationRow, console.org_a)
        assert org is not None
        employer = employer_of(org)
    contracts = [c.model_copy(update={"employer": employer}) for c in contracts]
    # The second row repeats the first row's contract number.
    contracts[1] = contracts[1].model_copy(update={"number": contracts[0].number})
    uploaded = hr.client.post(
        "/hr/imports",
        data={"csrf": hr.csrf},
        files={"file": ("bad.xlsx", filled_sheet(contracts), "application/octet-stream")},
        follow_redirects=False,
    )
    view = hr.client.get(_done(uploaded)).text
    assert "表格有错误，未生成任何合同" in view
    invalid = re.findall(r'<tr class="row-invalid">(.*?)</tr>', view, re.S)
    # Both rows with the number carry the finding beside their row number; the third is fine.
    assert len(invalid) == 2
    assert all('<li class="note error"><code>number</code>' in row for row in invalid)
    assert view.count('class="row-pending"') == 1
    assert "/start" not in view
    not_a_sheet = hr.client.post(
        "/hr/imports",
        data={"csrf": hr.csrf},
        files={"file": ("x.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert not_a_sheet.status_code == 200 and 'role="alert"' in not_a_sheet.text
    assert f"{prefix}-" not in hr.client.get("/hr/contracts", params={"number": prefix}).text


def test_staff_page_links_employer_staff_to_the_console(console: Console) -> None:
    hr = staff(console, console.org_a, Role.HR)
    assert 'href="/hr"' in hr.client.get("/staff").text
    signer = staff(console, console.org_a, Role.SIGNER)
    nav = signer.client.get("/hr").text
    assert 'href="/hr/signing"' in nav and 'href="/hr/admin/seal"' not in nav
