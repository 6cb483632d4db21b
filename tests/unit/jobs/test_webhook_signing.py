"""Webhook signatures, targets, secrets at rest and retry delays: pure code, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.errors import InvalidInput, PermissionDenied
from laborsign.jobs.backoff import exponential, from_schedule
from laborsign.notify.webhooks_secrets import SecretBox
from laborsign.notify.webhooks_signature import new_secret, sign, verify
from laborsign.notify.webhooks_targets import check_target

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def test_known_vector() -> None:
    # Computed independently: base64(HMAC-SHA256(b"\x00"*24, b"msg_1.1700000000.{}")).
    import base64
    import hashlib
    import hmac

    secret = "whsec_" + base64.b64encode(bytes(24)).decode()
    expected = base64.b64encode(
        hmac.new(bytes(24), b"msg_1.1700000000.{}", hashlib.sha256).digest()
    ).decode()
    headers = sign(secret, "msg_1", datetime.fromtimestamp(1_700_000_000, UTC), b"{}")
    assert headers == {
        "webhook-id": "msg_1",
        "webhook-timestamp": "1700000000",
        "webhook-signature": f"v1,{expected}",
    }


@given(body=st.binary(max_size=200), event_id=st.text(min_size=1, max_size=20))
def test_signed_body_verifies_and_any_change_does_not(body: bytes, event_id: str) -> None:
    secret = new_secret()
    headers = sign(secret, event_id, NOW, body)
    verify(secret, headers, body, now=NOW)
    with pytest.raises(PermissionDenied):
        verify(secret, headers, body + b"x", now=NOW)
    with pytest.raises(PermissionDenied):
        verify(new_secret(), headers, body, now=NOW)
    with pytest.raises(PermissionDenied):
        verify(secret, {**headers, "webhook-id": event_id + "x"}, body, now=NOW)


def test_old_timestamp_is_refused_and_rotation_signatures_accepted() -> None:
    secret = new_secret()
    headers = sign(secret, "e1", NOW, b"{}")
    with pytest.raises(PermissionDenied):
        verify(secret, headers, b"{}", now=NOW + timedelta(minutes=6))
    verify(secret, headers, b"{}", now=NOW + timedelta(minutes=4))
    rotated = {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    verify(secret, rotated, b"{}", now=NOW)
    with pytest.raises(PermissionDenied):
        verify(secret, {"webhook-id": "e1"}, b"{}", now=NOW)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/h",
        "https://10.1.2.3/h",
        "http://[::1]/h",
        "http://169.254.169.254/",
        "http://[::ffff:192.168.1.1]/",
        "http://0.0.0.0/",
    ],
)
def test_internal_targets_refused_in_production_allowed_in_development(url: str) -> None:
    with pytest.raises(InvalidInput):
        check_target(url, allow_private=False)
    check_target(url, allow_private=True)


@pytest.mark.parametrize(
    "url", ["ftp://example.cn/", "file:///etc/passwd", "https://user:pw@example.cn/", "http:///x"]
)
def test_only_plain_http_urls(url: str) -> None:
    with pytest.raises(InvalidInput):
        check_target(url, allow_private=True)


def test_public_address_accepted_in_production() -> None:
    check_target("https://93.184.215.14/hooks", allow_private=False)


def test_secret_box_round_trip_bound_to_subscription() -> None:
    box = SecretBox(b"platform secret")
    sealed = box.seal("whsec_abc", "sub-1")
    assert box.open(sealed, "sub-1") == "whsec_abc"
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        box.open(sealed, "sub-2")
    with pytest.raises(Exception):  # noqa: B017
        SecretBox(b"another secret").open(sealed, "sub-1")


def test_backoff() -> None:
    assert [exponential(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert exponential(10_000) == timedelta(hours=1)
    assert from_schedule(1, [60, 300]) == timedelta(seconds=60)
    assert from_schedule(2, [60, 300]) == timedelta(seconds=300)
    assert from_schedule(3, [60, 300]) is None
    with pytest.raises(ValueError):
        exponential(0)
