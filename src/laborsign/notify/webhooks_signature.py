"""Webhook signatures in the Standard Webhooks format.

Each request carries three headers:

    webhook-id:        the event id (the same on every retry and replay)
    webhook-timestamp: seconds since the Unix epoch when this attempt was signed
    webhook-signature: "v1,<base64 HMAC-SHA256>" (several, space-separated, during a
                       secret rotation)

The HMAC key is the secret's bytes after its "whsec_" prefix (base64-decoded), and the
signed content is "<webhook-id>.<webhook-timestamp>.<raw body>". Binding the id and the
time stops an attacker from replaying an old body, or moving a signature to another event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime

from laborsign.errors import InvalidInput, PermissionDenied
from laborsign.i18n import Text

PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise InvalidInput(Text("签名密钥格式错误", "malformed webhook secret"), field="secret")
    return base64.b64decode(secret.removeprefix(PREFIX), validate=True)


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    content = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secret: str, event_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The three headers for one attempt."""
    timestamp = int(at.timestamp())
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, event_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
    tolerance_seconds: int | None = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Raise PermissionDenied unless the headers carry a valid v1 signature of `body` made
    within `tolerance_seconds` of `now` (None: no time check)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        event_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        offered = lowered["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise PermissionDenied(
            Text("缺少 webhook 签名头", "missing webhook signature headers")
        ) from exc
    if tolerance_seconds is not None and abs(now.timestamp() - timestamp) > tolerance_seconds:
        raise PermissionDenied(Text("webhook 时间戳过期", "webhook timestamp out of tolerance"))
    expected = signature(secret, event_id, timestamp, body)
    # compare_digest on each offered signature: no timing hint about which bytes matched.
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise PermissionDenied(Text("webhook 签名无效", "invalid webhook signature"))
