"""The HR console in the browser: an HR user logs in with TOTP, sees the dashboard, drafts a
contract from the general template, sees a rule finding beside the field, fixes it,
acknowledges the warnings, and sends the contract. Screenshots of each main page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.db.tenancy import Scope
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.workers import NewWorker

PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - a test account
EXAMPLE = example_contract()


@pytest.fixture(scope="module")
def hr_user(platform: Container) -> tuple[str, pyotp.TOTP, str]:
    """An employer (the example's), a worker, and an HR user who also signs (so TOTP)."""
    now = datetime.now(UTC)
    e = EXAMPLE.employer
    org = platform.parties.organisations.create(
        Scope.system("e2e"),
        NewOrganisation(
            "employer", e.name, e.credit_code, e.legal_representative, e.registered_address, e.phone
        ),
        now,
    )
    org_id = str(org["id"])
    made = platform.parties.accounts.create(
        Scope.system("e2e"),
        username="hr-zhang",
        display_name="张人事",
        password=PASSWORD,
        roles=[Role.HR, Role.SIGNER],
        org_id=org_id,
        now=now,
    )
    assert made.totp_secret
    worker = platform.parties.workers.register(
        Scope.employer(org_id, "e2e", {Role.HR}),
        NewWorker(EXAMPLE.worker.name, EXAMPLE.worker.id_number, EXAMPLE.worker.phone),
        now,
    )
    return "hr-zhang", pyotp.TOTP(made.totp_secret), str(worker["id"])


def _log_in(page: Page, username: str, totp: pyotp.TOTP) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login/totp$"))
    page.get_by_label("验证码").fill(totp.now())
    page.get_by_role("button", name="确认").click()
    expect(page).to_have_url(re.compile(r"/staff$"))


def test_hr_drafts_fixes_acknowledges_and_sends(
    page: Page, hr_user: tuple[str, pyotp.TOTP, str], shot: Callable[[Page, str], Path]
) -> None:
    username, totp, worker_id = hr_user
    _log_in(page, username, totp)

    page.goto("/hr")
    expect(page.get_by_role("heading", level=1)).to_have_text("人事概览")
    missing = page.locator("table[aria-labelledby=missing]")
    expect(missing).to_contain_text(EXAMPLE.worker.name)
    shot(page, "dashboard")

    missing.get_by_role("link", name="起草合同").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("起草劳动合同")
    expect(page.locator("#pick-worker")).to_have_value(worker_id)
    start = date.today() + timedelta(days=10)
    page.get_by_label("签订日期").fill(date.today().isoformat())
    page.get_by_label("用工之日").fill(start.isoformat())
    page.get_by_label("合同起始日").fill(start.isoformat())
    page.get_by_label("合同终止日").fill(start.replace(year=start.year + 3).isoformat())
    # Ten months of probation in a three-year contract: LCL Art. 19 allows six.
    page.get_by_label("试用期截止日").fill((start + timedelta(days=300)).isoformat())
    page.get_by_role("button", name="保存并检查").click()

    probation = page.locator("#f-term-probation-end-notes")
    expect(probation).to_contain_text("试用期")
    expect(page.locator("#f-term-probation-end")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("项错误")
    shot(page, "contract-form-findings")

    page.get_by_label("试用期截止日").fill((start + timedelta(days=60)).isoformat())
    for box in page.locator("input[name=ack]").all():
        box.check()
    page.get_by_role("button", name="保存并检查").click()
    if page.locator("input[name=ack]:not(:checked)").count():
        # Warnings that appeared only now (the first check stopped at the error).
        for box in page.locator("input[name=ack]").all():
            box.check()
        page.get_by_role("button", name="保存并检查").click()

    expect(page).to_have_url(re.compile(r"/hr/contracts/[0-9a-f-]+\?saved=1$"))
    expect(page.locator(".badge")).to_have_text("草稿")
    expect(page.locator(".timeline")).to_contain_text("起草")
    shot(page, "contract-detail-draft")

    page.get_by_role("button", name="发送给劳动者").click()
    expect(page.get_by_role("status")).to_contain_text("合同已发送给劳动者。")
    expect(page.locator(".badge")).to_have_text("已发送")
    expect(page.locator(".timeline")).to_contain_text("发送给劳动者")
    shot(page, "contract-detail-sent")

    page.get_by_role("link", name="合同", exact=True).click()
    expect(page.locator("table")).to_contain_text("已发送")
    shot(page, "contracts")
