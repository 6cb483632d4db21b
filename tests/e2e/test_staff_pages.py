"""Staff login with password and TOTP, the landing page and the operator pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope
from laborsign.parties.roles import Role
from tests.e2e.conftest import Server

PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - a test account


@pytest.fixture(scope="module")
def first_admin(server: Server) -> tuple[str, pyotp.TOTP]:
    """The first administrator, made the way the README says: with the CLI."""
    printed = server.cli(
        "admin",
        "create-user",
        "--username",
        "admin",
        "--role",
        "sysadmin",
        "--display-name",
        "王运维",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    secret = re.search(r"secret: (\S+)", printed)
    assert secret, printed
    return "admin", pyotp.TOTP(secret.group(1))


@pytest.fixture
def operator(platform: Container, request: pytest.FixtureRequest) -> tuple[str, pyotp.TOTP]:
    """Another security administrator per test (a TOTP code is accepted once only)."""
    username = "ops-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[5:40].strip("-")
    made = platform.parties.accounts.create(
        Scope.system("e2e"),
        username=username,
        display_name="李安全",
        password=PASSWORD,
        roles=[Role.SECADMIN],
        org_id=None,
        now=datetime.now(UTC),
    )
    assert made.totp_secret
    return username, pyotp.TOTP(made.totp_secret)


def log_in(page: Page, operator: tuple[str, pyotp.TOTP]) -> None:
    username, totp = operator
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login/totp$"))
    page.get_by_label("验证码").fill(totp.now())
    page.get_by_role("button", name="确认").click()
    expect(page).to_have_url(re.compile(r"/staff$"))


def test_login_with_totp_reaches_the_workspace(
    page: Page, first_admin: tuple[str, pyotp.TOTP], shot: Callable[[Page, str], Path]
) -> None:
    page.goto("/login")
    shot(page, "login")
    log_in(page, first_admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_text("您好，王运维。")).to_be_visible()
    expect(page.locator(".tags")).to_contain_text("系统管理员")
    shot(page, "staff")

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/staff")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_a_wrong_password_is_refused_without_saying_why(page: Page, server: Server) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill("nobody")
    page.get_by_label("密码").fill("wrong-password-123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_operator_page_shows_the_status_of_each_part(
    page: Page, operator: tuple[str, pyotp.TOTP], shot: Callable[[Page, str], Path]
) -> None:
    page.goto("/ops")
    expect(page).to_have_url(re.compile(r"/login$"))  # anonymous: sent to log in
    log_in(page, operator)
    page.get_by_role("link", name="运行状态").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("运行状态")
    for part in ("ca", "tsa", "key-store", "sms", "email", "jobs", "evidence"):
        expect(page.locator(f"[data-part={part}]")).to_be_visible()
    expect(page.locator("[data-part=ca]")).to_contain_text("正常")
    expect(page.locator("[data-part=key-store]")).to_contain_text("正常")
    expect(page.locator("[data-part=sms]")).to_contain_text("dev-outbox")
    # Development mode: the development outbox is shown.
    expect(page.get_by_role("heading", name="开发发件箱（短信与电子邮件）")).to_be_visible()
    shot(page, "ops")
