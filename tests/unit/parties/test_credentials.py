"""Password policy, TOTP windows and replay, API key format, role combinations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.errors import InvalidInput
from laborsign.parties import apikeys, totp
from laborsign.parties.passwords import Argon2Params, PasswordHashes, check_password
from laborsign.parties.roles import Role, check_roles, needs_totp

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a test TOTP secret


@pytest.mark.parametrize(
    "password",
    ["Short1!", "alllowercase1", "ALLUPPER123", "Password1", "Qwerty123", "Admin@123", "abc"],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput):
        check_password(password)


def test_password_may_not_contain_the_username() -> None:
    with pytest.raises(InvalidInput):
        check_password("Zhangwei-2026!", username="zhangwei")
    assert check_password("Blue-Kettle-71", username="zhangwei") == "Blue-Kettle-71"


@given(st.text(alphabet="abcdefghijklmnop", min_size=8, max_size=20))
def test_a_single_character_class_is_never_enough(password: str) -> None:
    with pytest.raises(InvalidInput):
        check_password(password)


def test_argon2id_hashes_verify_and_reject() -> None:
    hashes = PasswordHashes(Argon2Params(memory_kib=64, time_cost=1))
    stored = hashes.hash("Blue-Kettle-71")
    assert stored.startswith("$argon2id$")
    assert hashes.verify(stored, "Blue-Kettle-71")
    assert not hashes.verify(stored, "Blue-Kettle-72")
    assert not hashes.verify(None, "Blue-Kettle-71")  # unknown account: dummy, never true


def test_totp_accepts_one_step_either_side_and_no_further() -> None:
    step = totp.step_at(NOW)
    for offset in (-1, 0, 1):
        assert totp.verify(SECRET, totp.code_at(SECRET, step + offset), NOW, None) == step + offset
    for offset in (-2, 2):
        assert totp.verify(SECRET, totp.code_at(SECRET, step + offset), NOW, None) is None


def test_totp_refuses_a_used_or_older_step() -> None:
    step = totp.step_at(NOW)
    code = totp.code_at(SECRET, step)
    assert totp.verify(SECRET, code, NOW, last_step=step) is None
    later = NOW + timedelta(seconds=30)
    assert totp.verify(SECRET, totp.code_at(SECRET, step), later, last_step=step) is None
    assert totp.verify(SECRET, "12345", NOW, None) is None
    assert totp.verify(SECRET, "abcdef", NOW, None) is None


def test_totp_matches_the_rfc_6238_reference_vector() -> None:
    # RFC 6238 Appendix B, SHA-1 secret "12345678901234567890", T = 59 s -> 94287082 (8
    # digits); the 6-digit code is its last six digits.
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    at = datetime.fromtimestamp(59, UTC)
    assert totp.code_at(secret, totp.step_at(at)) == "287082"


def test_api_key_format_and_digest() -> None:
    key = apikeys.generate()
    assert key.token.startswith(f"ls_{key.prefix}_")
    assert apikeys.split(key.token) == (key.prefix, key.token)
    assert apikeys.split("ls_short_x") is None
    assert apikeys.split("Bearer something") is None
    stored = apikeys.digest(b"k", key.token)
    assert apikeys.matches(b"k", key.token, stored)
    assert not apikeys.matches(b"other", key.token, stored)
    with pytest.raises(InvalidInput):
        apikeys.parse_scopes(["contracts:delete"])


def test_three_administrators_are_separate_and_roles_fit_the_account() -> None:
    with pytest.raises(InvalidInput):
        check_roles([Role.SYSADMIN, Role.SECADMIN], has_org=False)
    with pytest.raises(InvalidInput):
        check_roles([Role.AUDITADMIN, Role.HR], has_org=True)
    with pytest.raises(InvalidInput):
        check_roles([Role.HR], has_org=False)
    with pytest.raises(InvalidInput):
        check_roles([], has_org=True)
    assert check_roles([Role.HR, Role.SIGNER], has_org=True) == {Role.HR, Role.SIGNER}
    assert needs_totp([Role.SIGNER]) and not needs_totp([Role.HR])
