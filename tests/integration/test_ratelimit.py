"""Login and TOTP rate limits per client address and per account name (429 problem+json),
and Argon2id re-hashing at login when the parameters change; both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope
from laborsign.identity.errors import RateLimited
from laborsign.parties.accounts import AuthenticationFailed
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.tables import StaffUserRow
from laborsign.settings import Settings
from laborsign.web.app import create_app

PASSWORD = "Correct-Horse-42"  # noqa: S105 - a test account
T0 = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)


def _container(database_url: str, home: Path, **extra: Any) -> Container:
    settings: dict[str, Any] = {
        "home": home,
        "database_url": database_url,
        "argon2_memory_kib": 64,
        "argon2_time_cost": 1,
        "login_rate_per_account": 3,
        "login_rate_per_ip": 5,
        "login_max_failures": 100,  # the lockout is not what these tests are about
    }
    c = Container(Settings(**{**settings, **extra}))
    c.init()
    return c


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[Container]:
    c = _container(database_url, tmp_path / "home")
    yield c
    c.engine.dispose()


def test_attempts_per_account_are_limited_until_the_window_passes(platform: Container) -> None:
    accounts = platform.parties.accounts
    for n in range(3):
        with pytest.raises(AuthenticationFailed):
            accounts.login("nobody", "wrong", T0, f"10.0.0.{n}")
    with pytest.raises(RateLimited) as refused:
        accounts.login("nobody", "wrong", T0, "10.0.0.9")
    assert 0 < refused.value.retry_after <= 15 * 60
    # Another account is not held up, and the next window is open again.
    with pytest.raises(AuthenticationFailed):
        accounts.login("somebody", "wrong", T0, "10.0.0.10")
    with pytest.raises(AuthenticationFailed):
        accounts.login("nobody", "wrong", T0 + timedelta(minutes=15), "10.0.0.9")


def test_attempts_per_address_are_limited_for_login_and_totp(platform: Container) -> None:
    accounts = platform.parties.accounts
    for n in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.login(f"user-{n}", "wrong", T0, "192.0.2.1")
    with pytest.raises(RateLimited):
        accounts.login("user-9", "wrong", T0, "192.0.2.1")
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            accounts.verify_totp("no-such-user", "000000", T0, "192.0.2.2")
    with pytest.raises(RateLimited):
        accounts.verify_totp("no-such-user", "000000", T0, "192.0.2.3")


def test_the_api_answers_429_problem_with_retry_after(platform: Container) -> None:
    with TestClient(create_app(platform)) as client:
        answers = [
            client.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    last = answers[-1]
    assert last.headers["content-type"] == "application/problem+json"
    assert int(last.headers["retry-after"]) > 0
    assert last.json()["title_en"].startswith("too many attempts")


def test_a_login_rehashes_a_password_stored_with_other_parameters(
    database_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    before = _container(database_url, home)
    org = before.parties.organisations.create(
        Scope.system(),
        NewOrganisation("employer", "甲公司", "91330106MA2B3C4D5D", "李华", "杭州", "0571-1"),
        T0,
    )
    made = before.parties.accounts.create(
        Scope.system(),
        username="hr-user",
        display_name="HR",
        password=PASSWORD,
        roles=[Role.HR],
        org_id=str(org["id"]),
        now=T0,
    )
    before.engine.dispose()

    def stored(c: Container) -> str:
        with c.uow(Scope.system()) as uow:
            return uow.session.get_one(StaffUserRow, made.id).password_hash

    after = _container(database_url, home, argon2_memory_kib=128, argon2_time_cost=2)
    assert "m=64,t=1" in stored(after)
    after.parties.accounts.login("hr-user", PASSWORD, T0, "10.1.1.1")
    assert "m=128,t=2,p=1" in stored(after)
    after.engine.dispose()
