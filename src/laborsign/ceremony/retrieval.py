"""Retrieval (guideline Art. 11–12): the worker signs in with his phone and a code at any
time and lists, views, downloads and prints every contract of his, from every employer,
free of charge. A contract's history lists its evidence events in words, an authority's
access included."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from laborsign.ceremony.common import record_event, system_scope, worker_subject
from laborsign.contracts.records import ContractSummary
from laborsign.contracts.service import ContractService
from laborsign.db.tenancy import Scope
from laborsign.db.uow import UnitOfWork
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import sha256_hex
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.i18n import Text
from laborsign.identity.otp import LOGIN, OtpService
from laborsign.identity.sending import CodeSender
from laborsign.parties.tables import PHONE, WorkerRow
from laborsign.privacy.cipher import Privacy

STEPS: dict[EventType, Text] = {
    EventType.CREATED: Text("合同创建", "contract created"),
    EventType.RULES_CHECKED: Text("法规校验", "rules checked"),
    EventType.SENT: Text("发送签署通知", "sent for signing"),
    EventType.NOTICE_ACKNOWLEDGED: Text("确认签约须知", "notice acknowledged"),
    EventType.IDENTITY_VERIFIED: Text("身份核验", "identity verified"),
    EventType.OTP_VERIFIED: Text("短信验证码核验", "SMS code checked"),
    EventType.VIEWED: Text("查看合同", "contract viewed"),
    EventType.INTENT_CONFIRMED: Text("确认签署意愿", "intent confirmed"),
    EventType.WORKER_SIGNED: Text("劳动者签名", "signed by the worker"),
    EventType.EMPLOYER_SIGNED: Text("用人单位签章", "signed by the employer"),
    EventType.EFFECTIVE: Text("加盖时间戳，合同生效", "timestamped; effective"),
    EventType.DOWNLOADED: Text("下载", "downloaded"),
    EventType.PAPER_COPY_ISSUED: Text("出具纸质件", "certified paper copy issued"),
    EventType.AUTHORITY_ACCESSED: Text(
        "劳动行政部门依法调阅", "accessed by a labor authority on a legal basis"
    ),
    EventType.REMINDED: Text("提醒签署", "reminder sent"),
    EventType.DECLINED: Text("拒签", "declined"),
    EventType.VOIDED: Text("作废", "voided"),
    EventType.EXPIRED: Text("过期", "expired"),
}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    type: str
    step: Text
    actor: str  # worker | employer | platform | authority
    outcome: str | None


def _actor_kind(actor: str) -> str:
    for kind in ("worker", "staff", "authority"):
        if actor.startswith(f"{kind}:"):
            return "employer" if kind == "staff" else kind
    return "platform"


class Retrieval:
    def __init__(
        self,
        uow: Callable[..., UnitOfWork],
        contracts: ContractService,
        otp: OtpService,
        codes: CodeSender,
        privacy: Callable[[], Privacy],
        log: EvidenceLog,
        secret: bytes,
    ) -> None:
        self._uow = uow
        self._contracts = contracts
        self._otp = otp
        self._codes = codes
        self._privacy = privacy
        self._log = log
        self._secret = secret

    def _worker_by_phone(self, phone: str) -> str | None:
        index = self._privacy().blind_index(phone.strip(), PHONE)
        with self._uow(system_scope()) as uow:
            return uow.session.scalar(select(WorkerRow.id).where(WorkerRow.phone_index == index))

    def send_login_code(self, phone: str, client_ip: str, now: datetime) -> None:
        """A code to the phone if a worker has it on record. The answer is the same either
        way: the form does not tell who is registered."""
        worker_id = self._worker_by_phone(phone)
        if worker_id is None:
            return
        with self._uow(system_scope()) as uow:
            self._codes.issue_and_send(
                uow.session,
                subject=worker_subject(self._secret, worker_id),
                purpose=LOGIN,
                phone=phone.strip(),
                client_ip=client_ip,
                now=now,
            )
            uow.commit()

    def login(self, phone: str, code: str, now: datetime) -> str:
        """The worker's id when the code is right (wrong tries are counted, then refused)."""
        worker_id = self._worker_by_phone(phone)
        subject = worker_subject(self._secret, worker_id or "unknown")
        with self._uow(system_scope()) as uow:
            check = self._otp.verify(
                uow.session, subject=subject, purpose=LOGIN, code=code, now=now
            )
            uow.commit()
        check.refuse()
        assert worker_id is not None  # noqa: S101 - a passed code was sent to a known worker
        return worker_id

    def contracts(self, worker_id: str) -> list[ContractSummary]:
        """Every contract of the worker, from every employer (the data layer's worker scope)."""
        page = self._contracts.list_contracts(Scope.worker(worker_id), limit=200)
        return page.items

    def download(self, scope: Scope, actor: str, contract_id: str, now: datetime) -> bytes:
        """The current document; the download is recorded."""
        current = self._contracts.current_document(scope, contract_id)
        with self._uow(system_scope()) as uow:
            record_event(
                uow.session,
                self._log,
                EventType.DOWNLOADED,
                contract_id,
                actor,
                now,
                {"downloaded.pdf": sha256_hex(current.pdf)},
            )
            uow.commit()
        return current.pdf

    def history(self, scope: Scope, contract_id: str) -> list[HistoryEntry]:
        self._contracts.summary(scope, contract_id)  # the scope must see the contract
        with self._uow(system_scope()) as uow:
            entries = uow.session.scalars(
                select(EvidenceLeafRow.entry)
                .where(EvidenceLeafRow.contract_id == contract_id)
                .order_by(EvidenceLeafRow.leaf_index)
            ).all()
        events = [Event.from_entry(e) for e in entries]
        return [
            HistoryEntry(
                e.at,
                e.type.value,
                STEPS.get(e.type, Text(e.type.value, e.type.value)),
                _actor_kind(e.actor),
                str(e.extra["outcome"]) if e.extra.get("outcome") is not None else None,
            )
            for e in events
        ]
