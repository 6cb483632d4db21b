"""The HR console in the browser, from drafting to the executed contract and a bulk import:
an HR user who is also the employer's authorised signer logs in with TOTP, drafts and sends
a contract, the worker signs (through the ceremony service in this process), the employer
signs on the contract page with a TOTP code, the contract takes effect and its certified
paper copy downloads; then a three-row sheet is uploaded and its progress bar followed to
the end. The employer administrator's seal page, and batch signing. Screenshots of each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect
from stdnum.cn import ric, uscc

from laborsign.bootstrap import Container
from laborsign.bulk.sample import filled_sheet, sample_contracts
from laborsign.bulk.service import employer_of
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import State
from laborsign.db.tenancy import Scope
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow
from laborsign.parties.workers import NewWorker
from laborsign.settings import Settings
from tests.e2e.conftest import Server
from tests.integration.test_hr_pages_signing import worker_signs

PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - a test account
EXAMPLE = example_contract()
EMPLOYER = "苏州示例精密制造有限公司"
CREDIT_CODE = (
    EXAMPLE.employer.credit_code[:14]
    + "H02"
    + uscc.calc_check_digit(EXAMPLE.employer.credit_code[:14] + "H02")
)
WORKER_BODY = EXAMPLE.worker.id_number[:14] + "871"
WORKER_ID = next(WORKER_BODY + c for c in "0123456789X" if ric.is_valid(WORKER_BODY + c))
WORKER_PHONE = "13900003871"
SHEET_ROWS = 3


@dataclass(frozen=True)
class Account:
    username: str
    totp: pyotp.TOTP | None  # accounts that may sign or administer have one


@dataclass(frozen=True)
class Employer:
    org_id: str
    worker_id: str
    signer: Account  # HR and signer
    importer: Account  # HR (each account's TOTP code is single use: one login per step)
    admin: Account


@pytest.fixture(scope="module")
def services(server: Server) -> Iterator[Container]:
    """The server's platform opened in this process, for the worker's side: SMS codes may
    follow each other without the production waiting times (they are checked here, by the
    ceremony service that sends them)."""
    found = Container(
        Settings(
            home=server.home,
            jobs_backend="immediate",
            otp_resend_seconds=0,
            otp_per_phone_per_hour=1000,
            otp_per_phone_per_day=1000,
            otp_per_ip_per_hour=1000,
        )
    )
    yield found
    found.engine.dispose()


def _account(platform: Container, org_id: str, username: str, roles: list[str]) -> Account:
    made = platform.parties.accounts.create(
        Scope.system("e2e"),
        username=username,
        display_name=username,
        password=PASSWORD,
        roles=roles,
        org_id=org_id,
        now=datetime.now(UTC),
    )
    return Account(username, pyotp.TOTP(made.totp_secret) if made.totp_secret else None)


@pytest.fixture(scope="module")
def employer(platform: Container) -> Employer:
    e = EXAMPLE.employer
    org = platform.parties.organisations.create(
        Scope.system("e2e"),
        NewOrganisation(
            "employer",
            EMPLOYER,
            CREDIT_CODE,
            e.legal_representative,
            e.registered_address,
            e.phone,
        ),
        datetime.now(UTC),
    )
    org_id = str(org["id"])
    worker = platform.parties.workers.register(
        Scope.employer(org_id, "e2e", {Role.HR}),
        NewWorker(EXAMPLE.worker.name, WORKER_ID, WORKER_PHONE),
        datetime.now(UTC),
    )
    return Employer(
        org_id,
        str(worker["id"]),
        _account(platform, org_id, "hr-signer-li", [Role.HR, Role.SIGNER]),
        _account(platform, org_id, "hr-zhao", [Role.HR]),
        _account(platform, org_id, "admin-wang", [Role.EMPLOYER_ADMIN]),
    )


def _log_in(page: Page, account: Account) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if account.totp is not None:
        expect(page).to_have_url(re.compile(r"/login/totp$"))
        page.get_by_label("验证码").fill(account.totp.now())
        page.get_by_role("button", name="确认").click()
    expect(page).to_have_url(re.compile(r"/staff$"))


def _next_code(account: Account) -> str:
    """The code of the next time step: the login spent this step's code (single use), and
    the server accepts one step either side."""
    assert account.totp is not None
    return account.totp.at(datetime.now(UTC) + timedelta(seconds=30))


def _draft_and_send(page: Page, worker_id: str) -> str:
    page.goto(f"/hr/contracts/new?worker_id={worker_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("起草劳动合同")
    start = date.today() + timedelta(days=10)
    page.get_by_label("签订日期").fill(date.today().isoformat())
    page.get_by_label("用工之日").fill(start.isoformat())
    page.get_by_label("合同起始日").fill(start.isoformat())
    page.get_by_label("合同终止日").fill(start.replace(year=start.year + 3).isoformat())
    page.get_by_label("试用期截止日").fill((start + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="保存并检查").click()
    for _round in range(2):  # warnings to acknowledge, if the rules found any
        if not page.locator("input[name=ack]").count():
            break
        for box in page.locator("input[name=ack]").all():
            box.check()
        page.get_by_role("button", name="保存并检查").click()
    expect(page).to_have_url(re.compile(r"/hr/contracts/[0-9a-f-]+\?saved=1$"))
    page.get_by_role("button", name="发送给劳动者").click()
    expect(page.locator(".badge")).to_have_text("已发送")
    found = re.search(r"/hr/contracts/([0-9a-f-]+)", page.url)
    assert found
    return found.group(1)


def test_hr_signer_drafts_sends_signs_and_prints_a_paper_copy(
    page: Page,
    platform: Container,
    services: Container,
    employer: Employer,
    shot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    _log_in(page, employer.signer)
    expect(page.get_by_role("link", name="人事工作台")).to_be_visible()
    cid = _draft_and_send(page, employer.worker_id)
    expect(page.get_by_role("button", name="提醒签署")).to_be_visible()
    expect(page.locator("#sign-totp")).to_have_count(0)  # not the employer's turn yet

    page.get_by_role("button", name="提醒签署").click()
    expect(page.get_by_role("status")).to_contain_text("已提醒劳动者签署。")

    # The worker signs on his phone; here through the ceremony service, on a thread of its
    # own (signing runs asyncio; Playwright's synchronous API keeps a loop on this one).
    with ThreadPoolExecutor(1) as pool:
        pool.submit(
            worker_signs, services, cid, EXAMPLE.worker.name, WORKER_ID, WORKER_PHONE
        ).result()
    assert platform.contracts.summary(Scope.system(), cid).state is State.WORKER_SIGNED

    page.reload()
    expect(page.locator(".badge")).to_have_text("劳动者已签署")
    expect(page.get_by_role("heading", name="用人单位签署")).to_be_visible()
    shot(page, "contract-awaiting-employer")

    page.get_by_label("动态口令").fill("000000")
    page.get_by_role("button", name="签署并盖章").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("劳动者已签署")

    page.get_by_label("动态口令").fill(_next_code(employer.signer))
    page.get_by_role("button", name="签署并盖章").click()
    expect(page.get_by_role("status")).to_contain_text("合同已生效", timeout=60_000)
    expect(page.locator(".badge")).to_have_text("已生效")
    expect(page.locator(".timeline")).to_contain_text("用人单位签章")
    shot(page, "contract-effective")

    with page.expect_download() as download:
        page.get_by_role("button", name="下载纸质件（加盖核验页）").click()
    copy = tmp_path / "copy.pdf"
    download.value.save_as(copy)
    assert copy.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith("-paper-copy.pdf")

    page.get_by_role("link", name="批量签署").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量签署")
    expect(page.get_by_text("没有等待用人单位签署的合同。")).to_be_visible()
    shot(page, "batch-signing")


def test_hr_imports_a_small_sheet_and_follows_the_progress_bar(
    page: Page,
    platform: Container,
    employer: Employer,
    shot: Callable[[Page, str], Path],
) -> None:
    with platform.uow(Scope.system()) as uow:
        org = uow.session.get(OrganisationRow, employer.org_id)
        assert org is not None
        block = employer_of(org)
    sheet = filled_sheet(list(sample_contracts(SHEET_ROWS, employer=block, prefix="E2E-HB")))

    _log_in(page, employer.importer)
    page.get_by_role("link", name="人事工作台").click()
    page.get_by_role("link", name="批量导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量导入")
    shot(page, "imports")
    page.locator("#sheet").set_input_files(
        files=[{"name": "入职名单.xlsx", "mimeType": "application/octet-stream", "buffer": sheet}]
    )
    page.get_by_role("button", name="上传并检查").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("批量导入：入职名单.xlsx")
    # The server's worker checks the rows; the page follows (hr-bulk.js) and shows them.
    expect(page.locator("#import-state")).to_have_text("已校验，待开始", timeout=60_000)
    expect(page.locator("tr.row-pending")).to_have_count(SHEET_ROWS)
    shot(page, "import-checked")

    page.get_by_role("button", name="开始签发").click()
    # The page follows the run (hr-bulk.js) and shows the outcome when it is over.
    expect(page.locator("#import-state")).to_have_text("已完成", timeout=180_000)
    bar = page.locator("#import-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == str(SHEET_ROWS)
    expect(page.locator("tr.row-done")).to_have_count(SHEET_ROWS)
    expect(page.locator("#import-counts")).to_contain_text("100%")
    shot(page, "import-done")

    page.locator("tr.row-done a").first.click()
    expect(page.locator(".badge")).to_have_text("已发送")


def test_admin_sees_the_seal_the_employer_signs_with(
    page: Page, employer: Employer, shot: Callable[[Page, str], Path]
) -> None:
    _log_in(page, employer.admin)
    page.goto("/hr/admin/seal")
    expect(page.get_by_role("heading", level=1)).to_have_text("单位印章")
    seal = page.get_by_role("img", name=f"{EMPLOYER} 的印章")
    expect(seal).to_be_visible()
    assert seal.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "seal")
