"""Small helpers shared by the identity modules: keyed digests and UTC instants."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from laborsign.errors import InvalidInput
from laborsign.i18n import Text


def keyed_digest(secret: bytes, label: str, value: str) -> str:
    """HMAC-SHA256 (hex) of `value` under the platform secret, separated by `label` so that
    a digest made for one purpose never matches one made for another."""
    return hmac.new(secret, f"laborsign/{label}\n{value}".encode(), hashlib.sha256).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def utc(moment: datetime) -> datetime:
    """The instant in UTC. SQLite hands back naive datetimes: they were written as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput(Text("时间必须带时区", "time must be timezone-aware"), field="now")
    return moment.astimezone(UTC)
