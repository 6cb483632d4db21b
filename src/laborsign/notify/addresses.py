"""How an address appears where it must not appear in clear: masked for people, digested
for lookups. Used by the development outbox and by log lines."""

from __future__ import annotations

import hashlib
import hmac


def mask_phone(phone: str) -> str:
    """138****5678: enough for a person to recognise, not enough to call."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def address_digest(secret: bytes, channel: str, address: str) -> str:
    """A keyed digest of an address (hex), to find its messages without storing it."""
    normalised = address.strip().lower()
    message = f"laborsign/address\n{channel}\n{normalised}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
