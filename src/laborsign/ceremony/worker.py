"""The worker's side of the ceremony: from the link in his SMS to his signature.

Each step is a method taking the ceremony session's token (from its cookie) and the time;
each checks the contract's state first and refuses, changing nothing, when the step is out
of turn. The contract service applies the transitions and records their events; the
identity services check codes and keep every attempt; the signing service signs with a key
and certificate made for this one act and destroys the key whatever happens.

Signing, step by step (`sign`):

1. the code is checked against the purpose `sign:<contract>:<SHA-256 of the current
   revision>`: a code requested for an earlier revision no longer matches, and the refusal
   says that the document changed;
2. a passed code gives a single-use `SigningAuthorisation` for exactly that revision;
3. (first confirmation only) the contract service records `intent.confirmed`;
4. the signing service signs the current revision in memory;
5. the contract service records the signed revision; in that same transaction the
   authorisation is redeemed and the document stored. A failure there (the document store
   down, a concurrent change) rolls all of it back: the contract is as it was, and the worker
   retries with a new code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from laborsign.ceremony.common import (
    ContractParties,
    parties_of,
    record_event,
    system_scope,
    text_to_worker,
    worker_subject,
)
from laborsign.ceremony.images import SIGNATURE, check_png
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.records import ContractSummary
from laborsign.contracts.service import ContractService
from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict
from laborsign.evidence.events import EventType
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import sha256_hex
from laborsign.i18n import Text
from laborsign.identity import notice
from laborsign.identity.attempts import record_attempt
from laborsign.identity.errors import Refused
from laborsign.identity.intent import IntentService
from laborsign.identity.links import Ceremony, CeremonyLinks, IssuedLink
from laborsign.identity.otp import OtpService
from laborsign.identity.realname import RealNameVerifier
from laborsign.identity.results import Method, Outcome, VerificationResult
from laborsign.identity.sending import CodeSender
from laborsign.identity.tables import VerificationAttemptRow
from laborsign.notify.addresses import mask_phone
from laborsign.notify.delivery import Sealer
from laborsign.notify.messages import MessageKind
from laborsign.signing.service import SigningService, WorkerIdentity

UowFactory = Callable[..., UnitOfWork]
# The identity step's code is bound to the contract, so that it cannot serve another one.
IDENTITY_PURPOSE = "identity:{contract}"


class StepRefused(Refused):
    """A ceremony step out of turn (e.g. signing before the identity check)."""

    code = "ceremony-step-refused"


_NEED_NOTICE = Text("请先阅读并确认签约须知", "read and acknowledge the notice first")
_NEED_IDENTITY = Text(
    "尚未通过身份核验，不能查看或签署合同", "identity has not been verified; verify it first"
)
_NOT_SIGNABLE = Text("合同当前不能由您签署", "the contract cannot be signed by you now")
_NO_PHONE = Text(
    "您的手机号未登记，请联系用人单位", "no phone number is on record; ask your employer"
)


@dataclass(frozen=True, slots=True)
class Opened:
    session_token: str
    contract_id: str
    state: State


@dataclass(frozen=True, slots=True)
class Document:
    pdf: bytes
    sha256: str
    summary: ContractSummary


@dataclass(frozen=True, slots=True)
class SignResult:
    summary: ContractSummary
    signed: bool  # False: intent confirmed, the employer signs first


@dataclass(frozen=True, slots=True)
class WorkerPorts:
    uow: UowFactory
    contracts: ContractService
    links: CeremonyLinks
    otp: OtpService
    codes: CodeSender
    intent: IntentService
    realname: RealNameVerifier
    signing: SigningService
    sealer: Sealer
    log: EvidenceLog
    secret: bytes
    base_url: str


class WorkerCeremony:
    def __init__(self, ports: WorkerPorts, complete: Callable[[str, datetime], object]) -> None:
        self._p = ports
        # Called after the second signature: the completing document timestamp.
        self._complete = complete

    # ---- the link ---------------------------------------------------------------------------

    def invite(self, contract_id: str, now: datetime) -> IssuedLink:
        """A new single-use link for the contract's worker, sent by SMS (through the outbox)."""
        p = self._p
        with p.uow(system_scope()) as uow:
            parties = parties_of(uow.session, contract_id)
            subject = worker_subject(p.secret, parties.worker_id)
            issued = p.links.issue(uow.session, contract_id, subject, now)
            text_to_worker(
                uow.session,
                p.sealer,
                parties,
                MessageKind.CONTRACT_TO_SIGN,
                {
                    "employer": parties.employer_name,
                    "link": self.link_url(issued.token),
                    "expires": issued.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                },
                key=f"invite:{issued.link_id}",
                now=now,
            )
            uow.commit()
        return issued

    def link_url(self, token: str) -> str:
        return f"{self._p.base_url}/ceremony/{token}"

    def open(self, token: str, now: datetime) -> Opened:
        p = self._p
        with p.uow(system_scope()) as uow:
            ceremony = p.links.open(uow.session, token, now)
            uow.commit()
        assert ceremony.session_token is not None  # noqa: S101 - open() always sets it
        state = p.contracts.summary(system_scope(), ceremony.contract_id).state
        return Opened(ceremony.session_token, ceremony.contract_id, state)

    def resume(self, session_token: str, now: datetime) -> tuple[Ceremony, ContractParties]:
        p = self._p
        with p.uow(system_scope()) as uow:
            ceremony = p.links.resume(uow.session, session_token, now)
            parties = parties_of(uow.session, ceremony.contract_id)
            uow.commit()
        if worker_subject(p.secret, parties.worker_id) != ceremony.worker:
            raise StepRefused(_NOT_SIGNABLE, "other-worker")  # re-assigned since the link
        return ceremony, parties

    # ---- notice and identity ----------------------------------------------------------------

    def acknowledge_notice(self, session_token: str, now: datetime) -> ContractSummary:
        _ceremony, parties = self.resume(session_token, now)
        return self._p.contracts.acknowledge_notice(
            Scope.worker(parties.worker_id),
            parties.contract_id,
            notice_sha256=notice.notice_sha256(),
            now=now,
        )

    def verify_identity(
        self, session_token: str, name: str, id_number: str, client_ip: str, now: datetime
    ) -> str:
        """Three-factor check of what the worker types (name, ID number) with the phone on
        record; on a pass, a code to that phone. Returns the masked phone. Every attempt is
        kept, a failed one too."""
        p = self._p
        _ceremony, parties = self.resume(session_token, now)
        state = p.contracts.summary(Scope.worker(parties.worker_id), parties.contract_id).state
        if state is State.SENT:
            raise StepRefused(_NEED_NOTICE, "notice-first")
        if state is not State.NOTICE_ACKNOWLEDGED:
            raise StepRefused(
                Text("身份核验已完成或当前不需要", "identity is verified or not needed now"),
                "not-now",
            )
        if not parties.worker_phone:
            raise StepRefused(_NO_PHONE, "no-phone")
        result = p.realname.verify(name, id_number, parties.worker_phone)
        if not _same_person(parties, name, id_number):
            # Well-formed but not the person this contract names: a failed attempt.
            result = dataclasses.replace(result, outcome=Outcome.FAILED)
        subject = worker_subject(p.secret, parties.worker_id)
        with p.uow(system_scope()) as uow:
            record_attempt(
                uow.session,
                p.log,
                subject=subject,
                result=result,
                now=now,
                contract_id=parties.contract_id,
            )
            if result.outcome is Outcome.PASSED:
                p.codes.issue_and_send(
                    uow.session,
                    subject=subject,
                    purpose=IDENTITY_PURPOSE.format(contract=parties.contract_id),
                    phone=parties.worker_phone,
                    client_ip=client_ip,
                    now=now,
                )
            uow.commit()
        if result.outcome is not Outcome.PASSED:
            raise StepRefused(
                Text(
                    "姓名、身份证号与登记的手机号核验不一致",
                    "name, ID number and the phone on record do not match",
                ),
                "identity-failed",
            )
        return mask_phone(parties.worker_phone)

    def confirm_identity(self, session_token: str, code: str, now: datetime) -> ContractSummary:
        """The code sent by `verify_identity`: its check is kept, and on a pass the contract
        records the verified identity."""
        p = self._p
        _ceremony, parties = self.resume(session_token, now)
        subject = worker_subject(p.secret, parties.worker_id)
        with p.uow(system_scope()) as uow:
            s = uow.session
            passed = s.scalars(
                select(VerificationAttemptRow)
                .where(
                    VerificationAttemptRow.contract_id == parties.contract_id,
                    VerificationAttemptRow.subject == subject,
                    VerificationAttemptRow.method == Method.REAL_NAME.value,
                    VerificationAttemptRow.outcome == Outcome.PASSED.value,
                )
                .order_by(VerificationAttemptRow.at.desc())
            ).first()
            if passed is None:
                raise StepRefused(_NEED_IDENTITY, "identity-first")
            authoritative = passed.authoritative
            method = passed.provider
            check = p.otp.verify(
                s,
                subject=subject,
                purpose=IDENTITY_PURPOSE.format(contract=parties.contract_id),
                code=code,
                now=now,
            )
            if check.ok or check.counted:
                result = VerificationResult(
                    Method.SMS_OTP,
                    p.codes.provider,
                    Outcome.PASSED if check.ok else Outcome.FAILED,
                    authoritative=p.codes.authoritative,
                )
                record_attempt(
                    s,
                    p.log,
                    subject=subject,
                    result=result,
                    now=now,
                    contract_id=parties.contract_id,
                    extra={"purpose": "identity", "tries": check.tries},
                )
                uow.commit()
        check.refuse()
        return p.contracts.record_identity_verified(
            Scope.worker(parties.worker_id),
            parties.contract_id,
            method=f"{method}+sms-otp",
            authoritative=authoritative and p.codes.authoritative,
            now=now,
        )

    # ---- the document and the signature -----------------------------------------------------

    def document(self, session_token: str, now: datetime) -> Document:
        """The exact current revision; seeing it is recorded (`contract.viewed`)."""
        p = self._p
        _ceremony, parties = self.resume(session_token, now)
        scope = Scope.worker(parties.worker_id)
        current = p.contracts.current_document(scope, parties.contract_id)
        if current.contract.state in (State.SENT, State.NOTICE_ACKNOWLEDGED):
            raise StepRefused(_NEED_IDENTITY, "identity-first")
        sha = sha256_hex(current.pdf)
        with p.uow(system_scope()) as uow:
            record_event(
                uow.session,
                p.log,
                EventType.VIEWED,
                parties.contract_id,
                worker_subject(p.secret, parties.worker_id),
                now,
                {"viewed.pdf": sha},
                {"revision": current.contract.revision},
            )
            uow.commit()
        return Document(current.pdf, sha, current.contract)

    def request_intent_code(self, session_token: str, client_ip: str, now: datetime) -> str:
        """A code bound to (contract, SHA-256 of the current revision), to the phone on
        record. Returns that SHA-256: the document the code confirms."""
        p = self._p
        _ceremony, parties = self.resume(session_token, now)
        current = p.contracts.current_document(Scope.worker(parties.worker_id), parties.contract_id)
        self._check_may_confirm(current.contract)
        if not parties.worker_phone:
            raise StepRefused(_NO_PHONE, "no-phone")
        sha = sha256_hex(current.pdf)
        p.intent.request_code(
            parties.contract_id,
            sha,
            worker=worker_subject(p.secret, parties.worker_id),
            phone=parties.worker_phone,
            client_ip=client_ip,
            now=now,
        )
        return sha

    def sign(
        self, session_token: str, code: str, signature_png: bytes, now: datetime
    ) -> SignResult:
        p = self._p
        _ceremony, parties = self.resume(session_token, now)
        check_png(signature_png, SIGNATURE, "signature")
        scope = Scope.worker(parties.worker_id)
        subject = worker_subject(p.secret, parties.worker_id)
        current = p.contracts.current_document(scope, parties.contract_id)
        self._check_may_confirm(current.contract)
        sha = sha256_hex(current.pdf)
        authorisation = p.intent.confirm_intent(
            parties.contract_id, sha, code, worker=subject, now=now
        )
        summary = current.contract
        if summary.state is State.IDENTITY_VERIFIED:
            summary = p.contracts.confirm_intent(
                scope, parties.contract_id, document_sha256=sha, now=now
            )
        if not _worker_may_sign(summary):
            return SignResult(summary, signed=False)  # the employer signs first

        def redeem(session: object) -> None:
            from sqlalchemy.orm import Session

            assert isinstance(session, Session)  # noqa: S101
            p.intent.authorisations.redeem(
                session,
                authorisation.token,
                contract_id=parties.contract_id,
                document_sha256=sha,
                worker=subject,
                now=now,
            )

        identity = WorkerIdentity(parties.worker_name, parties.worker_id_number)
        # The key exists only inside this call (destroyed on every path by the service).
        signed = p.signing.sign_as_worker(current.pdf, identity, signature_png)
        summary = p.contracts.record_worker_signature(
            scope,
            parties.contract_id,
            signed,
            now=now,
            expected_version=summary.version,
            authorise=redeem,
        )
        if summary.state is not State.EFFECTIVE and _both_signed(summary):
            self._complete(parties.contract_id, now)
            summary = p.contracts.summary(scope, parties.contract_id)
        return SignResult(summary, signed=True)

    def decline(self, session_token: str, reason: str, now: datetime) -> ContractSummary:
        p = self._p
        ceremony, parties = self.resume(session_token, now)
        if not reason.strip():
            raise StepRefused(Text("请说明拒签理由", "give a reason for declining"), "no-reason")
        summary = p.contracts.decline(
            Scope.worker(parties.worker_id), parties.contract_id, now=now, reason=reason.strip()
        )
        with p.uow(system_scope()) as uow:
            p.links.revoke(uow.session, parties.contract_id, now)
            p.links.end(uow.session, ceremony.session_id, now)
            uow.commit()
        return summary

    def _check_may_confirm(self, summary: ContractSummary) -> None:
        if summary.state in (State.SENT, State.NOTICE_ACKNOWLEDGED):
            raise StepRefused(_NEED_IDENTITY, "identity-first")
        if summary.state is State.IDENTITY_VERIFIED or _worker_may_sign(summary):
            return
        if summary.state is State.INTENT_CONFIRMED:
            raise StepRefused(
                Text(
                    "已确认签署意愿，待用人单位先签署", "intent confirmed; the employer signs first"
                ),
                "employer-first",
            )
        raise StepRefused(_NOT_SIGNABLE, "not-signable")


def _same_person(parties: ContractParties, name: str, id_number: str) -> bool:
    typed = id_number.strip().upper().replace(" ", "")
    return name.strip() == parties.worker_name.strip() and typed == parties.worker_id_number


def _worker_may_sign(summary: ContractSummary) -> bool:
    if summary.signing_order is SigningOrder.WORKER_FIRST:
        return summary.state is State.INTENT_CONFIRMED
    return summary.state is State.EMPLOYER_SIGNED


def _both_signed(summary: ContractSummary) -> bool:
    second = (
        State.EMPLOYER_SIGNED
        if summary.signing_order is SigningOrder.WORKER_FIRST
        else State.WORKER_SIGNED
    )
    return summary.state is second


__all__ = ["Conflict", "Document", "Opened", "SignResult", "StepRefused", "WorkerCeremony"]
