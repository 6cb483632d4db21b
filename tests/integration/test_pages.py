"""The pages through the ASGI app: headers, static files, language, staff login forms with
CSRF and TOTP, who may see the operator pages, and arriving from a paper copy's QR code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from stdnum.cn import uscc

from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.settings import Settings
from laborsign.web.app import create_app

PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - a test account
NOW = datetime.now(UTC)


def _settings(home: Path, **extra: object) -> Settings:
    # Cheap password hashing: these tests are about the pages, not Argon2's cost.
    return Settings(
        home=home, jobs_backend="immediate", argon2_memory_kib=64, argon2_time_cost=1, **extra
    )


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    container = Container(_settings(tmp_path_factory.mktemp("pages") / "home"))
    container.init()
    yield container
    container.engine.dispose()


@pytest.fixture
def client(platform: Container) -> TestClient:
    return TestClient(create_app(platform), base_url="http://127.0.0.1:8000")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _account(platform: Container, username: str, role: Role, org: str | None = None) -> pyotp.TOTP:
    made = platform.parties.accounts.create(
        Scope.system("test"),
        username=username,
        display_name=username,
        password=PASSWORD,
        roles=[role],
        org_id=org,
        now=NOW,
    )
    return pyotp.TOTP(made.totp_secret or pyotp.random_base32())


def _log_in(client: TestClient, username: str, totp: pyotp.TOTP | None) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf": _csrf(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    if totp is not None:
        assert answer.headers["location"] == "/login/totp"
        page = client.get("/login/totp")
        answer = client.post(
            "/login/totp",
            data={"code": totp.now(), "csrf": _csrf(page.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/staff")


# -- headers and static files -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/verify", "/login", "/healthz", "/pki/root.pem"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # plain http here


def test_hsts_only_when_the_public_address_is_https(tmp_path: Path) -> None:
    container = Container(_settings(tmp_path / "home", public_url="https://sign.example.cn"))
    container.init()
    headers = TestClient(create_app(container)).get("/").headers
    assert headers["strict-transport-security"].startswith("max-age=")
    container.engine.dispose()


def test_pages_load_no_asset_from_elsewhere(client: TestClient) -> None:
    for path in ("/", "/verify", "/login"):
        html = client.get(path).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets
        assert all(a.startswith(("/", "#")) for a in assets), assets
        assert "<script>" not in html and "style=" not in html


def test_static_files_are_versioned_and_cached(client: TestClient) -> None:
    html = client.get("/").text
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', html)
    assert css
    answer = client.get(css.group(1))
    assert answer.status_code == 200
    assert "immutable" in answer.headers["cache-control"]
    assert client.get("/").headers["cache-control"] == "no-store"


# -- language -----------------------------------------------------------------------------------


def test_chinese_by_default_english_on_request_and_remembered(client: TestClient) -> None:
    home = client.get("/", headers={"accept-language": "en-US"})
    assert '<html lang="zh-CN">' in home.text
    assert "电子劳动合同订立平台" in home.text
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text
    assert english.cookies.get("laborsign_lang") == "en"
    assert "Verify an electronic labor contract" in client.get("/verify").text
    # An unknown language is ignored, not stored.
    assert '<html lang="en">' in client.get("/?lang=fr").text


# -- login and the staff landing page ------------------------------------------------------------


def test_login_form_refuses_a_post_without_its_csrf_token(
    client: TestClient, platform: Container
) -> None:
    _account(platform, "no-token", Role.SYSADMIN)
    answer = client.post(
        "/login", data={"username": "no-token", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert "表单已过期" in answer.text
    assert "laborsign_session" not in answer.cookies


def test_totp_login_rotates_the_session_and_shows_roles(
    client: TestClient, platform: Container
) -> None:
    totp = _account(platform, "sysadmin-page", Role.SYSADMIN)
    form = client.get("/login")
    client.post(
        "/login",
        data={"username": "sysadmin-page", "password": PASSWORD, "csrf": _csrf(form.text)},
        follow_redirects=False,
    )
    pending = client.cookies.get("laborsign_session")
    # Half logged in: the workspace is not open yet.
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/login"
    wrong = client.post(
        "/login/totp", data={"code": "000000", "csrf": _csrf(client.get("/login/totp").text)}
    )
    assert "用户名或密码错误" in wrong.text
    _ = client.post(
        "/login/totp",
        data={"code": totp.now(), "csrf": _csrf(client.get("/login/totp").text)},
        follow_redirects=False,
    )
    assert client.cookies.get("laborsign_session") != pending
    staff = client.get("/staff")
    assert "系统管理员" in staff.text
    assert "平台（不属于任何用人单位）" in staff.text
    assert 'href="/ops"' in staff.text

    # Logging out needs the session's token and closes the session.
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    out = client.post("/logout", data={"csrf": _csrf(staff.text)}, follow_redirects=False)
    assert out.headers["location"] == "/"
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/login"


def test_employer_staff_see_their_organisation_but_not_the_operator_pages(
    client: TestClient, platform: Container
) -> None:
    base = "91330100MA2B3C4D5"
    code = base + uscc.calc_check_digit(base)
    org = platform.parties.organisations.create(
        Scope.system("test"),
        NewOrganisation("employer", "页面测试有限公司", code, "李四", "杭州市西湖区", "0571-1"),
        NOW,
    )
    _account(platform, "hr-page", Role.HR, str(org["id"]))
    _log_in(client, "hr-page", None)
    staff = client.get("/staff")
    assert "页面测试有限公司" in staff.text
    assert "人事专员" in staff.text
    assert 'href="/ops"' not in staff.text
    refused = client.get("/ops")
    assert refused.status_code == 403
    assert "没有权限" in refused.text


def test_operator_page_needs_a_login(client: TestClient) -> None:
    answer = client.get("/ops", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"


def test_operator_page_lists_every_part_and_the_development_outbox(
    client: TestClient, platform: Container
) -> None:
    totp = _account(platform, "secadmin-page", Role.SECADMIN)
    _log_in(client, "secadmin-page", totp)
    page = client.get("/ops")
    assert page.status_code == 200
    parts = re.findall(r'data-part="([a-z-]+)"', page.text)
    assert parts == ["ca", "tsa", "key-store", "sms", "email", "jobs", "evidence"]
    assert "state-error" not in page.text
    assert "开发发件箱" in page.text


# -- verification --------------------------------------------------------------------------------


def test_a_non_pdf_upload_is_explained(client: TestClient) -> None:
    answer = client.post("/verify", files={"file": ("contract.pdf", b"GIF89a...", "image/gif")})
    assert "无法识别的文件" in answer.text
    assert "data-verdict" not in answer.text


def test_verification_is_rate_limited_per_address(platform: Container) -> None:
    client = TestClient(create_app(platform))  # a fresh app: a fresh limiter
    answers = [
        client.post("/verify", files={"file": ("x.txt", b"x", "text/plain")}).status_code
        for _ in range(11)
    ]
    assert answers[:10] == [200] * 10
    assert answers[10] == 429


def test_a_malformed_qr_digest_is_not_found(client: TestClient) -> None:
    assert client.get("/verify/not-a-digest").status_code == 404


def test_an_unknown_qr_digest_prefills_the_form(container: Container) -> None:
    """On both databases: the lookup by digest in the contract documents table."""
    digest = "ab" * 32
    page = TestClient(create_app(container)).get(f"/verify/{digest.upper()}")
    assert page.status_code == 200
    assert "本平台没有保存摘要为下列值的已生效合同" in page.text
    assert f'name="expected" value="{digest}"' in page.text
