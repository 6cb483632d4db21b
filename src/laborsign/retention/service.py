"""Retention: how long a contract is kept, legal holds, and the erasure of personal data.

A contract ends when it is terminated (its termination date), or when it expires, is voided
or declined unsigned (the day that happened, in China). It is kept for
`max(2, retention_years)` years after that (LCL Art. 50, 条例 Art. 24): until then nothing
of it may be erased, on any path (service, API, CLI, job); a legal hold for a dispute blocks
erasure until it is lifted, whatever the date. After the date, erasure removes the personal
data (the sealed contract data, the worker's details when no other contract of his remains,
the stored documents) and keeps the evidence log as it is: its leaves hold only digests and
pseudonyms, so packages exported before still verify.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborsign.contracts.lifecycle import State
from laborsign.contracts.rows import append_contract_event, load_contract
from laborsign.contracts.service import CHINA
from laborsign.contracts.tables import ContractDocumentRow, ContractRow
from laborsign.db.tenancy import Scope, ScopeKind
from laborsign.db.uow import UnitOfWork
from laborsign.errors import Conflict, InvalidInput
from laborsign.evidence.events import Event, EventType, ExtraValue, pseudonym
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.sequence import sha256_hex
from laborsign.evidence.tables import EvidenceLeafRow
from laborsign.i18n import Text
from laborsign.lifecycle.service import require_employer_roles
from laborsign.lifecycle.severance import add_months
from laborsign.lifecycle.tables import AmendmentRow, TerminationRow
from laborsign.parties.roles import Role
from laborsign.parties.tables import WorkerRow
from laborsign.privacy.cipher import Privacy
from laborsign.retention.tables import ErasureRow, LegalHoldRow
from laborsign.storage.ports import DocumentStore

LEGAL_MINIMUM_YEARS = 2
ENDED = (State.TERMINATED, State.EXPIRED, State.VOIDED, State.DECLINED)
HOLDERS = frozenset({Role.EMPLOYER_ADMIN, Role.HR})
ERASERS = frozenset({Role.EMPLOYER_ADMIN})
ERASED_NAME = "（已删除）"
CASE_REFERENCE = "case-reference.txt"
# Digests of documents a contract's evidence events name (every revision of an amendment,
# the certificate): erasure removes them from the store along with the contract revisions.
DOCUMENT_ARTIFACTS = ("amendment.pdf", "certificate.pdf", "revision.pdf", "contract.pdf")

UowFactory = Callable[[Scope], UnitOfWork]


class RetentionRefused(Conflict):
    """Erasure refused: the retention period runs, or a legal hold is in place."""

    code = "retention-refused"

    def __init__(self, message: Text, reason: str) -> None:
        super().__init__(message, field="contract_id")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Hold:
    id: str
    case_reference: str
    placed_at: datetime
    lifted_at: datetime | None


@dataclass(frozen=True, slots=True)
class RetentionStatus:
    contract_id: str
    state: State
    ended_on: date | None
    retain_until: date | None
    holds: tuple[Hold, ...]
    erased_at: datetime | None

    @property
    def active_holds(self) -> tuple[Hold, ...]:
        return tuple(h for h in self.holds if h.lifted_at is None)

    def refusal(self, today: date) -> RetentionRefused | None:
        """Why the contract may not be erased on `today`, or None when it may."""
        if self.active_holds:
            cases = "、".join(h.case_reference for h in self.active_holds)
            return RetentionRefused(
                Text(
                    f"合同处于诉讼/仲裁保全（{cases}），解除保全前不得删除",
                    f"the contract is under a legal hold ({cases}); it cannot be erased until "
                    "the hold is lifted",
                ),
                "legal-hold",
            )
        if self.ended_on is None or self.retain_until is None:
            return RetentionRefused(
                Text(
                    "合同尚未解除、终止或失效，不得删除",
                    "the contract has not ended (terminated, expired, voided or declined); it "
                    "cannot be erased",
                ),
                "not-ended",
            )
        if today < self.retain_until:
            return RetentionRefused(
                Text(
                    f"合同于 {self.ended_on} 终止，依法须保存至 {self.retain_until}，之前不得删除"
                    "（《劳动合同法》第五十条）",
                    f"the contract ended on {self.ended_on} and must be kept until "
                    f"{self.retain_until} (LCL Art. 50); it cannot be erased before",
                ),
                "retention-period",
            )
        return None

    def to_json(self, today: date) -> dict[str, object]:
        refusal = self.refusal(today) if self.erased_at is None else None
        return {
            "contract_id": self.contract_id,
            "state": self.state.value,
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "retain_until": self.retain_until.isoformat() if self.retain_until else None,
            "holds": [
                {
                    "id": h.id,
                    "case_reference": h.case_reference,
                    "placed_at": h.placed_at.isoformat(),
                    "lifted_at": h.lifted_at.isoformat() if h.lifted_at else None,
                }
                for h in self.holds
            ],
            "erased_at": self.erased_at.isoformat() if self.erased_at else None,
            "erasable": self.erased_at is None and refusal is None,
            "refusal": None
            if refusal is None
            else {"zh": refusal.message.zh, "en": refusal.message.en},
        }


@dataclass(frozen=True, slots=True)
class Erasure:
    contract_id: str
    documents_deleted: int
    worker_erased: bool


def _require(scope: Scope, roles: frozenset[Role]) -> None:
    if scope.kind is ScopeKind.SYSTEM:
        return
    require_employer_roles(scope, roles)


def _day(at: datetime) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=CHINA)).astimezone(CHINA).date()


class RetentionService:
    def __init__(
        self,
        uow: UowFactory,
        privacy: Callable[[], Privacy],
        documents: Callable[[], DocumentStore],
        secret: bytes,
        log: EvidenceLog,
        *,
        retention_years: int = LEGAL_MINIMUM_YEARS,
    ) -> None:
        self._uow = uow
        self._privacy = privacy
        self._documents = documents
        self._secret = secret
        self._log = log
        self.years = max(LEGAL_MINIMUM_YEARS, retention_years)

    # ---- reading ----------------------------------------------------------------------------

    def status(self, scope: Scope, contract_id: str) -> RetentionStatus:
        with self._uow(scope) as uow:
            return self._status(uow.session, load_contract(uow.session, contract_id))

    def erasable(self, now: datetime) -> list[str]:
        """Every contract whose personal data may be erased today (the scheduled list)."""
        today = _day(now)
        with self._uow(Scope.system()) as uow:
            s = uow.session
            erased = select(ErasureRow.contract_id)
            rows = s.scalars(
                select(ContractRow)
                .where(
                    ContractRow.state.in_([state.value for state in ENDED]),
                    ContractRow.id.not_in(erased),
                )
                .order_by(ContractRow.updated_at, ContractRow.id)
            ).all()
            return [r.id for r in rows if self._status(s, r).refusal(today) is None]

    # ---- legal holds ------------------------------------------------------------------------

    def place_hold(
        self, scope: Scope, contract_id: str, case_reference: str, *, now: datetime
    ) -> Hold:
        """Hold the contract for a dispute (劳动争议仲裁、诉讼): nothing is erased until lifted."""
        _require(scope, HOLDERS)
        reference = case_reference.strip()
        if not reference or len(reference) > 200:
            raise InvalidInput(
                Text(
                    "须填写案号（不超过 200 字）", "a case reference (≤ 200 characters) is needed"
                ),
                field="case_reference",
            )
        with self._uow(scope) as uow:
            s = uow.session
            row = load_contract(s, contract_id)
            hold = LegalHoldRow(
                id=str(uuid.uuid4()),
                contract_id=row.id,
                org_id=row.org_id,
                worker_id=row.worker_id,
                case_reference=reference,
                placed_by=scope.actor,
                placed_at=now,
            )
            s.add(hold)
            self._event(
                s,
                row,
                EventType.LEGAL_HOLD_PLACED,
                scope,
                now,
                {CASE_REFERENCE: sha256_hex(reference.encode())},
                {"hold": hold.id},
            )
            uow.commit()
            return Hold(hold.id, reference, now, None)

    def lift_hold(
        self, scope: Scope, contract_id: str, case_reference: str, *, now: datetime
    ) -> list[str]:
        """Lift the holds of a case (the dispute ended); returns the holds lifted."""
        _require(scope, HOLDERS)
        with self._uow(scope) as uow:
            s = uow.session
            row = load_contract(s, contract_id)
            holds = s.scalars(
                select(LegalHoldRow).where(
                    LegalHoldRow.contract_id == row.id,
                    LegalHoldRow.case_reference == case_reference.strip(),
                    LegalHoldRow.lifted_at.is_(None),
                )
            ).all()
            if not holds:
                raise Conflict(
                    Text("该案号没有生效的保全", "no active legal hold with this case reference"),
                    field="case_reference",
                )
            for hold in holds:
                hold.lifted_by, hold.lifted_at = scope.actor, now
                self._event(
                    s,
                    row,
                    EventType.LEGAL_HOLD_LIFTED,
                    scope,
                    now,
                    {CASE_REFERENCE: sha256_hex(hold.case_reference.encode())},
                    {"hold": hold.id},
                )
            uow.commit()
            return [h.id for h in holds]

    # ---- erasure ----------------------------------------------------------------------------

    def erase(self, scope: Scope, contract_id: str, *, now: datetime) -> Erasure:
        """Erase the contract's personal data, refused before its retention date or under a
        legal hold (`RetentionRefused`, with the reason in both languages)."""
        _require(scope, ERASERS)
        # Visibility and the decision under the caller's own scope...
        with self._uow(scope) as uow:
            status = self._status(uow.session, load_contract(uow.session, contract_id))
        if status.erased_at is not None:
            raise Conflict(Text("该合同的个人信息已删除", "the contract was erased already"))
        refusal = status.refusal(_day(now))
        if refusal is not None:
            raise refusal
        # ...the work in the system scope: the worker's other contracts may belong to other
        # employers, whose rows the caller may not see.
        with self._uow(Scope.system()) as uow:
            s = uow.session
            row = load_contract(s, contract_id)
            again = self._status(s, row)
            if again.erased_at is not None or again.refusal(_day(now)) is not None:
                raise Conflict(Text("合同已被同时修改，请重试", "changed meanwhile; retry"))
            digests = self._document_digests(s, row.id)
            row.data = b""
            row.worker_index = ""
            for amendment in s.scalars(
                select(AmendmentRow).where(AmendmentRow.contract_id == row.id)
            ):
                amendment.data = b""
            termination = s.get(TerminationRow, row.id)
            if termination is not None:
                termination.data = b""
            worker_erased = self._erase_worker(s, row)
            s.add(
                ErasureRow(
                    contract_id=row.id,
                    org_id=row.org_id,
                    retain_until=status.retain_until,
                    erased_by=scope.actor,
                    erased_at=now,
                    documents=len(digests),
                )
            )
            self._event(
                s,
                row,
                EventType.PERSONAL_DATA_ERASED,
                scope,
                now,
                {},
                {
                    "retain-until": str(status.retain_until),
                    "documents": len(digests),
                    "worker": worker_erased,
                },
            )
            org = row.org_id
            uow.commit()
        # After the commit: a failure here leaves encrypted documents behind, never an
        # erasure that is not recorded (the store's delete is not transactional).
        store = self._documents()
        deleted = sum(1 for digest in digests if store.delete(org, digest))
        return Erasure(contract_id, deleted, worker_erased)

    # ---- internals --------------------------------------------------------------------------

    def _status(self, session: Session, row: ContractRow) -> RetentionStatus:
        termination = session.get(TerminationRow, row.id)
        state = State(row.state)
        ended: date | None = None
        if termination is not None:
            ended = termination.terminated_on
        elif state in ENDED:
            ended = _day(row.updated_at)
        holds = session.scalars(
            select(LegalHoldRow)
            .where(LegalHoldRow.contract_id == row.id)
            .order_by(LegalHoldRow.placed_at)
        ).all()
        erasure = session.get(ErasureRow, row.id)
        return RetentionStatus(
            contract_id=row.id,
            state=state,
            ended_on=ended,
            retain_until=add_months(ended, 12 * self.years) if ended else None,
            holds=tuple(Hold(h.id, h.case_reference, h.placed_at, h.lifted_at) for h in holds),
            erased_at=erasure.erased_at if erasure else None,
        )

    def _document_digests(self, session: Session, contract_id: str) -> list[str]:
        """Every stored document of the contract: its revisions, and the documents its
        evidence events name (amendments in each revision, the certificate)."""
        found = set(
            session.scalars(
                select(ContractDocumentRow.sha256).where(
                    ContractDocumentRow.contract_id == contract_id
                )
            )
        )
        entries = session.scalars(
            select(EvidenceLeafRow.entry).where(EvidenceLeafRow.contract_id == contract_id)
        )
        for entry in entries:
            artifacts = Event.from_entry(entry).artifacts
            found.update(artifacts[name] for name in DOCUMENT_ARTIFACTS if name in artifacts)
        return sorted(found)

    def _erase_worker(self, session: Session, row: ContractRow) -> bool:
        """The worker's own details go too when no other contract of his keeps them."""
        if row.worker_id is None:
            return False
        erased = select(ErasureRow.contract_id)
        others = session.scalar(
            select(ContractRow.id).where(
                ContractRow.worker_id == row.worker_id,
                ContractRow.id != row.id,
                ContractRow.id.not_in(erased),
            )
        )
        if others is not None:
            return False
        worker = session.get(WorkerRow, row.worker_id)
        if worker is None:
            return False
        worker.name = ERASED_NAME
        worker.id_number = ""
        worker.id_number_index = f"erased:{worker.id}"
        worker.phone = worker.phone_index = worker.address = None
        return True

    def _event(
        self,
        session: Session,
        row: ContractRow,
        event_type: EventType,
        scope: Scope,
        at: datetime,
        artifacts: dict[str, str],
        extra: dict[str, ExtraValue],
    ) -> None:
        actor = (
            pseudonym(self._secret, "staff", scope.actor)
            if scope.kind is ScopeKind.EMPLOYER
            else "platform"
        )
        append_contract_event(session, self._log, row, event_type, actor, at, artifacts, extra)
