"""Staff authentication on both databases: password + TOTP, replay, lockout, generic
errors, sessions and CSRF, API keys, idempotency, and the admin CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.db.tenancy import Scope
from laborsign.parties import totp
from laborsign.parties.accounts import AuthenticationFailed
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.tables import SecurityEventRow
from laborsign.settings import Settings
from laborsign.web.app import create_app
from laborsign.web.auth import COOKIE, CSRF_HEADER

PASSWORD = "Tr1cky-Passphrase"  # noqa: S105 - a test account
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[Container]:
    settings = Settings(
        home=tmp_path / "home", database_url=database_url, argon2_memory_kib=64, argon2_time_cost=1
    )
    container = Container(settings)
    container.init()
    yield container
    container.engine.dispose()


def _admin(c: Container, username: str = "root-admin") -> tuple[str, str]:
    made = c.parties.accounts.create(
        Scope.system(),
        username=username,
        display_name="",
        password=PASSWORD,
        roles=[Role.SYSADMIN],
        org_id=None,
        now=T0,
    )
    assert made.totp_secret is not None
    return made.id, made.totp_secret


def test_password_then_totp_with_replay_protection(platform: Container) -> None:
    accounts = platform.parties.accounts
    user_id, secret = _admin(platform)
    result = accounts.login("Root-Admin", PASSWORD, T0, "127.0.0.1")
    assert result.second_factor and result.user_id == user_id
    code = totp.code_at(secret, totp.step_at(T0))
    accounts.verify_totp(user_id, code, T0, None)
    with pytest.raises(AuthenticationFailed):
        accounts.verify_totp(user_id, code, T0 + timedelta(seconds=5), None)  # replayed
    later = T0 + timedelta(minutes=2)
    accounts.verify_totp(user_id, totp.code_at(secret, totp.step_at(later) - 1), later, None)


def test_lockout_after_five_failures_with_one_generic_error(platform: Container) -> None:
    accounts = platform.parties.accounts
    _admin(platform)
    messages = set()
    for i in range(5):
        with pytest.raises(AuthenticationFailed) as failed:
            accounts.login("root-admin", "Wrong-Password-1", T0 + timedelta(seconds=i), None)
        messages.add(str(failed.value))
    with pytest.raises(AuthenticationFailed) as locked:
        accounts.login("root-admin", PASSWORD, T0 + timedelta(minutes=1), None)
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.login("nobody-here", PASSWORD, T0, None)
    messages |= {str(locked.value), str(unknown.value)}
    assert len(messages) == 1  # no user enumeration through the text
    assert accounts.login("root-admin", PASSWORD, T0 + timedelta(minutes=16), None).user_id
    with platform.uow(Scope.platform("audit", [Role.AUDITADMIN])) as uow:
        outcomes = uow.session.scalars(select(SecurityEventRow.outcome)).all()
    assert "lockout" in outcomes and "unknown" in outcomes
    assert not any("nobody" in (a or "") for a in outcomes)


def test_separation_of_duties_and_weak_passwords_are_refused(platform: Container) -> None:
    from laborsign.errors import InvalidInput

    with pytest.raises(InvalidInput):
        platform.parties.accounts.create(
            Scope.system(),
            username="two-hats",
            display_name="",
            password=PASSWORD,
            roles=[Role.SYSADMIN, Role.AUDITADMIN],
            org_id=None,
            now=T0,
        )
    for weak in ("Password1", "abcdefgh", "Aa1!", "P@ssw0rd"):
        with pytest.raises(InvalidInput):
            platform.parties.accounts.create(
                Scope.system(),
                username="weakling",
                display_name="",
                password=weak,
                roles=[Role.SECADMIN],
                org_id=None,
                now=T0,
            )


def test_web_login_session_csrf_idempotency_and_logout(platform: Container) -> None:
    user_id, secret = _admin(platform)
    client = TestClient(create_app(platform))
    response = client.post(
        "/api/v1/auth/login", json={"username": "root-admin", "password": PASSWORD}
    )
    assert response.json()["status"] == "totp_required"
    pending = response.cookies[COOKIE]
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()
    # A pending session is no login.
    assert client.get("/api/v1/auth/me").status_code == 401
    now = datetime.now(UTC)
    response = client.post(
        "/api/v1/auth/totp", json={"code": totp.code_at(secret, totp.step_at(now))}
    )
    assert response.status_code == 200
    assert response.cookies[COOKIE] != pending  # a fresh session id after login
    me = client.get("/api/v1/auth/me").json()
    assert me["id"] == user_id and me["roles"] == ["sysadmin"]
    body = {
        "name": "甲公司",
        "credit_code": "91110000600037341L",
        "legal_representative": "张三",
        "registered_address": "北京",
        "phone": "010-1",
    }
    assert client.post("/api/v1/organisations", json=body).status_code == 403  # no CSRF token
    headers = {CSRF_HEADER: me["csrf_token"], "Idempotency-Key": "org-1"}
    first = client.post("/api/v1/organisations", json=body, headers=headers)
    again = client.post("/api/v1/organisations", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    changed = client.post("/api/v1/organisations", json=body | {"name": "乙"}, headers=headers)
    assert changed.status_code == 409
    assert changed.headers["content-type"] == "application/problem+json"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_api_keys_authenticate_by_scope_and_stop_when_revoked(platform: Container) -> None:
    org = platform.parties.organisations.create(
        Scope.system(),
        NewOrganisation("employer", "甲公司", "91110000600037341L", "张三", "北京", "010-1"),
        T0,
    )
    scope = Scope.employer(str(org["id"]), "admin", [Role.EMPLOYER_ADMIN])
    made = platform.parties.api_keys.create(scope, "hr", ["workers:read"], T0)
    token = str(made["token"])
    client = TestClient(create_app(platform))
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/workers", headers=bearer).status_code == 200
    # workers:write was not granted
    worker = {"name": "李四", "id_number": "11010519491231002X"}
    assert client.post("/api/v1/workers", json=worker, headers=bearer).status_code == 403
    assert client.get("/api/v1/users", headers=bearer).status_code == 403
    with platform.uow(Scope.system()) as uow:
        from laborsign.parties.tables import ApiKeyRow

        stored = uow.session.scalars(select(ApiKeyRow.secret_hash)).one()
    assert token not in stored
    platform.parties.api_keys.revoke(scope, str(made["id"]), T0)
    assert client.get("/api/v1/workers", headers=bearer).status_code == 401
    wrong = {"Authorization": f"Bearer {token[:-2]}xx"}
    assert client.get("/api/v1/workers", headers=wrong).status_code == 401


def test_cli_creates_the_first_admin_with_a_typed_password(platform: Container) -> None:
    runner = CliRunner()
    obj = {"container": platform}
    weak = runner.invoke(
        main,
        ["admin", "create-user", "--username", "first", "--role", "sysadmin"],
        input="password\npassword\n",
        obj=obj,
    )
    assert weak.exit_code == 2
    made = runner.invoke(
        main,
        ["admin", "create-user", "--username", "first", "--role", "sysadmin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        obj=obj,
    )
    assert made.exit_code == 0, made.output
    assert "otpauth://totp/" in made.output
    assert platform.parties.accounts.login("first", PASSWORD, T0, None).second_factor
