"""TOTP (RFC 6238): enrolment, verification with ±1 step, and replay protection.

The secret is stored encrypted; `verify` returns the time step that matched so the caller
stores it, and a code of that step or an earlier one is never accepted again.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp

DIGITS = 6
STEP_SECONDS = 30
ISSUER = "LaborSign"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


def new_enrolment(account: str) -> Enrolment:
    secret = pyotp.random_base32(32)  # 160 bits, RFC 4226's recommendation
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=ISSUER
    )
    return Enrolment(secret, uri)


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def verify(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The matching step if `code` is valid within ±1 step and newer than `last_step`."""
    code = code.strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_at(now)
    matched: int | None = None
    # Compare against every window in constant time; do not stop at the first match.
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(code_at(secret, step), code) and matched is None:
            matched = step
    if matched is None or (last_step is not None and matched <= last_step):
        return None
    return matched
