"""API keys for HR-system integration: `ls_<prefix>_<secret>`.

The prefix (public, unique) finds the row; the secret is stored only as an HMAC-SHA256
under the platform secret, so a database dump does not give usable keys, and the check is
a constant-time comparison.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

PREFIX = "ls_"
_PREFIX_BYTES = 6
_SECRET_BYTES = 32


class ApiScope(StrEnum):
    """What an API key may do; routes name the scope they need."""

    WORKERS_READ = "workers:read"
    WORKERS_WRITE = "workers:write"
    CONTRACTS_READ = "contracts:read"
    CONTRACTS_WRITE = "contracts:write"


@dataclass(frozen=True)
class NewKey:
    prefix: str
    token: str  # shown once to the creator, never stored


def generate() -> NewKey:
    prefix = secrets.token_hex(_PREFIX_BYTES)
    return NewKey(prefix, f"{PREFIX}{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}")


def split(token: str) -> tuple[str, str] | None:
    """(prefix, whole token) if the token has the key format, else None."""
    if not token.startswith(PREFIX):
        return None
    prefix, sep, secret = token[len(PREFIX) :].partition("_")
    if not sep or len(prefix) != 2 * _PREFIX_BYTES or not secret:
        return None
    return prefix, token


def digest(secret_key: bytes, token: str) -> str:
    return hmac.new(secret_key, b"laborsign/api-key\n" + token.encode(), hashlib.sha256).hexdigest()


def matches(secret_key: bytes, token: str, stored: str) -> bool:
    return hmac.compare_digest(digest(secret_key, token), stored)


def parse_scopes(values: list[str]) -> frozenset[ApiScope]:
    try:
        scopes = frozenset(ApiScope(v) for v in values)
    except ValueError:
        raise InvalidInput(
            Text("未知的 API 权限范围", "unknown API key scope"), field="scopes"
        ) from None
    if not scopes:
        raise InvalidInput(Text("至少需要一个权限范围", "at least one scope"), field="scopes")
    return scopes
