"""Intent confirmation: the worker confirms the exact document he will sign, and only that
confirmation lets his signing key be used.

API for the contract and signing services::

    intent = container.intent                     # an `IntentService`
    # 1. the worker has seen the document with this SHA-256 and asks to sign it
    intent.request_code(contract_id, document_sha256, worker=w, phone=p, client_ip=ip, now=t)
    #    -> an OTP bound to (contract, document SHA-256), sent by SMS through the outbox
    # 2. he types the code
    authorisation = intent.confirm_intent(contract_id, document_sha256, otp, worker=w, now=t)
    #    -> `SigningAuthorisation` (MACed, single use, valid a few minutes); its `token`
    #       may travel through the ceremony session
    # 3. the signing service, in the transaction that signs, before touching the key:
    intent.authorisations.redeem(
        session, authorisation.token, contract_id=c, document_sha256=h, worker=w, now=t
    )

`redeem` refuses an authorisation whose MAC is wrong, that was issued for another contract,
another document revision or another worker, that expired, or that was already used; a
refusal changes nothing. If the document changed after the code was sent, the code no
longer matches its purpose and `confirm_intent` refuses it (the worker must read the new
revision and request a new code).

Evidence: each counted OTP try (right or wrong) is an `otp.verified` event with its
outcome and the confirmed document's digest (`confirmed-document`). The contract service
records `intent.confirmed` when it applies its `ConfirmIntent` transition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from laborsign.db.uow import UnitOfWork
from laborsign.evidence.log import EvidenceLog
from laborsign.i18n import Text
from laborsign.identity.attempts import record_attempt
from laborsign.identity.common import require_aware, utc
from laborsign.identity.errors import AuthorisationRefused
from laborsign.identity.otp import IssuedOtp, OtpService, signing_purpose
from laborsign.identity.results import Method, Outcome, VerificationResult
from laborsign.identity.sending import CodeSender
from laborsign.identity.tables import SigningAuthorisationRow

CONFIRMED_DOCUMENT = "confirmed-document"


@dataclass(frozen=True, slots=True)
class SigningAuthorisation:
    id: str
    contract_id: str
    document_sha256: str
    worker: str
    expires_at: datetime
    token: str  # what travels: the fields and their MAC


_REFUSALS: dict[str, Text] = {
    "malformed": Text("签署授权无效", "the signing authorisation is not valid"),
    "binding": Text(
        "签署授权不属于该合同、该文本版本或该签署人",
        "the signing authorisation was given for another contract, document version or signer",
    ),
    "expired": Text(
        "签署授权已过期，请重新确认签署意愿", "the signing authorisation expired; confirm again"
    ),
    "used": Text("签署授权已使用过", "the signing authorisation has already been used"),
}


def _refuse(reason: str) -> AuthorisationRefused:
    return AuthorisationRefused(_REFUSALS[reason], reason)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authorisations:
    """Issues and redeems signing authorisations (HMAC-SHA256 under a key derived from the
    platform secret; the row makes them single use)."""

    def __init__(self, secret: bytes, ttl: timedelta) -> None:
        self._key = hmac.new(secret, b"laborsign/signing-authorisation", hashlib.sha256).digest()
        self._ttl = ttl

    def _mac(self, body: bytes) -> str:
        return _b64(hmac.new(self._key, body, hashlib.sha256).digest())

    def issue(
        self,
        session: Session,
        *,
        contract_id: str,
        document_sha256: str,
        worker: str,
        now: datetime,
    ) -> SigningAuthorisation:
        at = require_aware(now)
        row = SigningAuthorisationRow(
            id=uuid.uuid4().hex,
            contract_id=contract_id,
            worker=worker,
            document_sha256=document_sha256,
            issued_at=at,
            expires_at=at + self._ttl,
        )
        session.add(row)
        fields = {
            "id": row.id,
            "contract": contract_id,
            "document": document_sha256,
            "worker": worker,
            "expires": int(row.expires_at.timestamp()),
        }
        body = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        token = f"{_b64(body)}.{self._mac(body)}"
        return SigningAuthorisation(
            row.id, contract_id, document_sha256, worker, row.expires_at, token
        )

    def redeem(
        self,
        session: Session,
        token: str,
        *,
        contract_id: str,
        document_sha256: str,
        worker: str,
        now: datetime,
    ) -> None:
        """Use the authorisation once for exactly this contract, document and worker."""
        at = require_aware(now)
        try:
            encoded, mac = token.split(".")
            body = _unb64(encoded)
            fields = json.loads(body)
            authorisation_id = str(fields["id"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise _refuse("malformed") from None
        if not hmac.compare_digest(self._mac(body), mac):
            raise _refuse("malformed")
        row = session.get(SigningAuthorisationRow, authorisation_id)
        if row is None:
            raise _refuse("malformed")
        expected = (contract_id, document_sha256, worker)
        if (row.contract_id, row.document_sha256, row.worker) != expected or (
            fields.get("contract"),
            fields.get("document"),
            fields.get("worker"),
        ) != expected:
            raise _refuse("binding")
        if row.used_at is not None:
            raise _refuse("used")
        if utc(row.expires_at) <= at:
            raise _refuse("expired")
        claimed = cast(
            CursorResult[Any],
            session.execute(
                update(SigningAuthorisationRow)
                .where(
                    SigningAuthorisationRow.id == row.id,
                    SigningAuthorisationRow.used_at.is_(None),
                )
                .values(used_at=at)
                .execution_options(synchronize_session=False)
            ),
        )
        if claimed.rowcount != 1:
            raise _refuse("used")


class IntentService:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        otp: OtpService,
        codes: CodeSender,
        authorisations: Authorisations,
        log: EvidenceLog,
    ) -> None:
        self._uow = uow
        self._otp = otp
        self._codes = codes
        self.authorisations = authorisations
        self._log = log

    def request_code(
        self,
        contract_id: str,
        document_sha256: str,
        *,
        worker: str,
        phone: str,
        client_ip: str,
        now: datetime,
    ) -> IssuedOtp:
        """Issue a code bound to this document revision and queue its SMS, in one commit."""
        with self._uow() as work:
            issued = self._codes.issue_and_send(
                work.session,
                subject=worker,
                purpose=signing_purpose(contract_id, document_sha256),
                phone=phone,
                client_ip=client_ip,
                now=now,
            )
            work.commit()
        return issued

    def confirm_intent(
        self, contract_id: str, document_sha256: str, otp: str, *, worker: str, now: datetime
    ) -> SigningAuthorisation:
        purpose = signing_purpose(contract_id, document_sha256)
        with self._uow() as work:
            check = self._otp.verify(
                work.session, subject=worker, purpose=purpose, code=otp, now=now
            )
            if not (check.ok or check.counted):
                check.refuse()  # nothing changed: the rollback is harmless
            result = VerificationResult(
                Method.SMS_OTP,
                self._codes.provider,
                Outcome.PASSED if check.ok else Outcome.FAILED,
                authoritative=self._codes.authoritative,
            )
            record_attempt(
                work.session,
                self._log,
                subject=worker,
                result=result,
                now=now,
                contract_id=contract_id,
                artifacts={CONFIRMED_DOCUMENT: document_sha256},
                extra={"purpose": "sign", "tries": check.tries},
            )
            authorisation = None
            if check.ok:
                authorisation = self.authorisations.issue(
                    work.session,
                    contract_id=contract_id,
                    document_sha256=document_sha256,
                    worker=worker,
                    now=now,
                )
            work.commit()
        check.refuse()
        assert authorisation is not None  # noqa: S101 - refuse() raised otherwise
        return authorisation
