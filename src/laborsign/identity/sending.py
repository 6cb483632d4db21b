"""Issue a code and queue its SMS in the same transaction (the outbox sends after commit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from laborsign.identity.otp import IssuedOtp, OtpService
from laborsign.notify import outbox
from laborsign.notify.delivery import Sealer, sms_payload
from laborsign.notify.messages import MessageKind


class CodeSender:
    def __init__(
        self, otp: OtpService, sealer: Sealer, provider: str, *, authoritative: bool
    ) -> None:
        self._otp = otp
        self._sealer = sealer
        # Recorded with each attempt: which SMS channel carried the code, and whether it
        # reached a real phone (a development outbox proves nothing about the phone).
        self.provider = provider
        self.authoritative = authoritative

    def issue_and_send(
        self,
        session: Session,
        *,
        subject: str,
        purpose: str,
        phone: str,
        client_ip: str,
        now: datetime,
    ) -> IssuedOtp:
        issued = self._otp.issue(
            session, subject=subject, purpose=purpose, phone=phone, client_ip=client_ip, now=now
        )
        minutes = str(int(self._otp.policy.ttl.total_seconds() // 60))
        payload = sms_payload(
            self._sealer, phone, MessageKind.OTP, {"code": issued.code, "minutes": minutes}
        )
        outbox.add(session, "sms", payload, key=f"otp:{issued.otp_id}", now=now)
        return issued
