"""One-time codes sent by SMS (security baseline: 6 digits, valid 5 minutes, single use,
stored hashed, at most 5 tries, bound to a purpose, sends rate-limited per phone and per
client address).

A code is bound to a *subject* (the pseudonym of the person it was sent to) and a *purpose*:
`login`, or `sign:<contract>:<SHA-256 of the document revision>` from `signing_purpose`. It
is stored as HMAC-SHA256 under the platform secret over (code id, code), compared in
constant time. Sending a new code for the same subject and purpose supersedes the old one.
The fifth wrong try locks the code; after that even the right code is refused.

`verify` never raises for a wrong code: it returns an `OtpCheck` so that the caller can
commit the counted try and only then refuse (`check.refuse()`), otherwise the rollback
would forget the try and the limit would mean nothing.
"""

from __future__ import annotations

import math
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from laborsign.i18n import Text
from laborsign.identity.common import keyed_digest, require_aware, same_digest, utc
from laborsign.identity.errors import OtpRefused, RateLimited
from laborsign.identity.ratelimit import Limit, consume
from laborsign.identity.tables import OtpRow

LOGIN = "login"
_CODE = re.compile(r"\d{6}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def signing_purpose(contract_id: str, document_sha256: str) -> str:
    if not _SHA256.fullmatch(document_sha256):
        raise ValueError("document_sha256 must be lower-case SHA-256 hex")
    return f"sign:{contract_id}:{document_sha256}"


def random_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@dataclass(frozen=True, slots=True)
class OtpPolicy:
    ttl: timedelta = timedelta(minutes=5)
    max_tries: int = 5
    resend_interval: timedelta = timedelta(seconds=60)
    per_phone_per_hour: int = 5
    per_phone_per_day: int = 10
    per_ip_per_hour: int = 20


@dataclass(frozen=True, slots=True)
class IssuedOtp:
    otp_id: str
    code: str  # for the SMS only; never stored
    expires_at: datetime


_MESSAGES: dict[str, Text] = {
    "format": Text("验证码应为 6 位数字", "the code must be 6 digits"),
    "no-code": Text(
        "没有发给您的有效验证码，请先获取验证码",
        "no valid code was sent to you; request a code first",
    ),
    "other-document": Text(
        "验证码发出后合同文本已变更，该验证码不能用于当前文本；请阅读当前文本后重新获取验证码",
        "the document changed after the code was sent, so the code is not valid for this "
        "version; read the current version and request a new code",
    ),
    "expired": Text("验证码已过期，请重新获取", "the code has expired; request a new one"),
    "used": Text("验证码已使用过，请重新获取", "the code has already been used; request a new one"),
    "locked": Text(
        "错误次数过多，该验证码已失效，请重新获取",
        "too many wrong tries: the code no longer works; request a new one",
    ),
    "wrong": Text("验证码不正确，还可尝试 {left} 次", "the code is not correct; {left} tries left"),
}


@dataclass(frozen=True, slots=True)
class OtpCheck:
    ok: bool
    reason: str  # "ok" or a key of the refusal messages
    otp_id: str | None = None
    tries: int = 0  # wrong tries counted on this code so far
    tries_left: int = 0
    counted: bool = False  # whether this call counted a wrong try (state to commit)

    def refuse(self) -> None:
        """Raise the refusal this check stands for (nothing when it passed)."""
        if self.ok:
            return
        message = _MESSAGES[self.reason]
        if self.reason == "wrong":
            message = message.format(left=self.tries_left)
        raise OtpRefused(message, self.reason)


class OtpService:
    def __init__(
        self,
        secret: bytes,
        policy: OtpPolicy | None = None,
        codes: Callable[[], str] = random_code,
    ) -> None:
        self._secret = secret
        self.policy = policy or OtpPolicy()
        self._codes = codes

    def phone_digest(self, phone: str) -> str:
        return keyed_digest(self._secret, "otp-phone", phone.strip())

    def _mac(self, otp_id: str, code: str) -> str:
        return keyed_digest(self._secret, "otp-code", f"{otp_id}\n{code}")

    def issue(
        self,
        session: Session,
        *,
        subject: str,
        purpose: str,
        phone: str,
        client_ip: str,
        now: datetime,
    ) -> IssuedOtp:
        """A fresh code (to be sent by the caller, in the same transaction via the outbox)."""
        at = require_aware(now)
        phone_key = self.phone_digest(phone)
        self._check_interval(session, phone_key, at)
        p = self.policy
        consume(
            session,
            [
                (Limit("phone-hour", timedelta(hours=1), p.per_phone_per_hour), phone_key),
                (Limit("phone-day", timedelta(days=1), p.per_phone_per_day), phone_key),
                (
                    Limit("ip-hour", timedelta(hours=1), p.per_ip_per_hour),
                    keyed_digest(self._secret, "otp-ip", client_ip),
                ),
            ],
            at,
        )
        for old in self._open(session, subject, purpose):
            old.closed_reason, old.closed_at = "superseded", at
        code = self._codes()
        row = OtpRow(
            id=uuid.uuid4().hex,
            subject=subject,
            purpose=purpose,
            phone_digest=phone_key,
            issued_at=at,
            expires_at=at + p.ttl,
            attempts=0,
        )
        row.code_mac = self._mac(row.id, code)
        session.add(row)
        return IssuedOtp(row.id, code, row.expires_at)

    def _check_interval(self, session: Session, phone_key: str, at: datetime) -> None:
        last = session.scalar(
            select(func.max(OtpRow.issued_at)).where(OtpRow.phone_digest == phone_key)
        )
        if last is not None and utc(last) + self.policy.resend_interval > at:
            wait = math.ceil((utc(last) + self.policy.resend_interval - at).total_seconds())
            raise RateLimited(
                Text(
                    "请 {s} 秒后再获取验证码", "wait {s} seconds before requesting another code"
                ).format(s=wait),
                wait,
            )

    def _open(self, session: Session, subject: str, purpose: str) -> list[OtpRow]:
        return list(
            session.scalars(
                select(OtpRow).where(
                    OtpRow.subject == subject,
                    OtpRow.purpose == purpose,
                    OtpRow.closed_reason.is_(None),
                )
            )
        )

    def verify(
        self, session: Session, *, subject: str, purpose: str, code: str, now: datetime
    ) -> OtpCheck:
        at = require_aware(now)
        if not _CODE.fullmatch(code):
            return OtpCheck(False, "format")
        latest = session.scalars(
            select(OtpRow)
            .where(OtpRow.subject == subject, OtpRow.purpose == purpose)
            .order_by(OtpRow.issued_at.desc())
            .limit(1)
        ).first()
        if latest is None:
            return OtpCheck(False, self._missing_reason(session, subject, purpose))
        if latest.closed_reason in ("used", "locked"):
            return OtpCheck(False, latest.closed_reason, latest.id, latest.attempts)
        if latest.closed_reason is not None:  # pragma: no cover - the latest is never superseded
            return OtpCheck(False, "no-code")
        if utc(latest.expires_at) <= at:
            return OtpCheck(False, "expired", latest.id, latest.attempts)
        if same_digest(self._mac(latest.id, code), latest.code_mac):
            latest.closed_reason, latest.closed_at = "used", at
            return OtpCheck(True, "ok", latest.id, latest.attempts)
        latest.attempts += 1
        left = self.policy.max_tries - latest.attempts
        if left <= 0:
            latest.closed_reason, latest.closed_at = "locked", at
            return OtpCheck(False, "locked", latest.id, latest.attempts, 0, counted=True)
        return OtpCheck(False, "wrong", latest.id, latest.attempts, left, counted=True)

    def _missing_reason(self, session: Session, subject: str, purpose: str) -> str:
        # A signing code asked for one document while the subject holds an open code for
        # another revision of the same contract: say so, it is the likely cause.
        if purpose.startswith("sign:"):
            prefix = purpose.rsplit(":", 1)[0] + ":"
            other = session.scalar(
                select(func.count())
                .select_from(OtpRow)
                .where(
                    OtpRow.subject == subject,
                    OtpRow.purpose.startswith(prefix, autoescape=True),
                    OtpRow.closed_reason.is_(None),
                )
            )
            if other:
                return "other-document"
        return "no-code"
