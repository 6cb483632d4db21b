"""How a contract row maps to the state machine and to what callers see.

`status_of`/`write_status` translate between the `contracts` row and the pure
`lifecycle.Status`; `summary_of` gives the non-personal view lists show. No I/O here beyond
reading attributes of a loaded row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from laborsign.contracts import lifecycle as lc
from laborsign.contracts.lifecycle import Party, SigningOrder, State
from laborsign.contracts.model import Contract
from laborsign.contracts.rules import Finding, Severity
from laborsign.contracts.signatures import latest_signature
from laborsign.contracts.tables import ContractRow
from laborsign.errors import Conflict, InvalidInput
from laborsign.evidence.events import ExtraValue
from laborsign.evidence.sequence import REVISION, REVISION_BYTES, sha256_hex
from laborsign.i18n import Text


class DocumentKind(StrEnum):
    RENDERED = "rendered"
    WORKER_SIGNED = "worker_signed"
    EMPLOYER_SIGNED = "employer_signed"
    COMPLETED = "completed"
    PAPER_COPY = "paper_copy"


class ContractHasErrors(Conflict):
    """Sending refused: the labor-law check found errors (listed in `findings`)."""

    code = "contract-has-errors"

    def __init__(self, findings: Sequence[Finding]) -> None:
        errors = [f for f in findings if f.severity is Severity.ERROR]
        super().__init__(
            Text(
                f"合同有 {len(errors)} 项不符合劳动法规定，不能发送：{errors[0].message.zh}",
                f"the contract has {len(errors)} labor-law errors and cannot be sent: "
                f"{errors[0].message.en}",
            ),
            field=errors[0].field,
        )
        self.findings = list(findings)


# ---- what callers get back ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractSummary:
    """The non-personal facts of a contract, as lists show them."""

    id: str
    org_id: str
    worker_id: str | None
    number: str
    template: str
    state: State
    signing_order: SigningOrder
    position: str
    term_type: str
    term_start: date
    term_end: date | None
    revision: int
    document_sha256: str
    errors: int
    warnings: tuple[str, ...]
    acknowledged: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None
    version: int

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        out["warnings"], out["acknowledged"] = list(self.warnings), list(self.acknowledged)
        return out


@dataclass(frozen=True, slots=True)
class ContractDetail:
    summary: ContractSummary
    data: Contract


@dataclass(frozen=True, slots=True)
class DraftResult:
    contract: ContractSummary
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class CurrentDocument:
    """The revision to sign next: its bytes and the version to pass back when recording."""

    contract: ContractSummary
    pdf: bytes


@dataclass(frozen=True, slots=True)
class Page:
    items: list[ContractSummary]
    total: int
    limit: int
    offset: int


def warning_id(finding: Finding) -> str:
    """A stable id for one warning, as shown: rule, field and a digest of the wording, so an
    acknowledgement lapses when the warning says something else after an edit."""
    wording = hashlib.sha256(finding.message.zh.encode()).hexdigest()[:12]
    return f"{finding.rule_id}:{finding.field}:{wording}"


def warning_ids(findings: Sequence[Finding]) -> frozenset[str]:
    return frozenset(warning_id(f) for f in findings if f.severity is Severity.WARNING)


def error_count(findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if f.severity is Severity.ERROR)


def summary_of(row: ContractRow) -> ContractSummary:
    return ContractSummary(
        id=row.id,
        org_id=row.org_id,
        worker_id=row.worker_id,
        number=row.number,
        template=row.template,
        state=State(row.state),
        signing_order=SigningOrder(row.signing_order),
        position=row.position,
        term_type=row.term_type,
        term_start=row.term_start,
        term_end=row.term_end,
        revision=row.revision,
        document_sha256=row.document_sha256,
        errors=row.errors,
        warnings=tuple(row.warnings),
        acknowledged=tuple(row.acknowledged),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        sent_at=aware(row.sent_at),
        completed_at=aware(row.completed_at),
        expires_at=aware(row.expires_at),
        version=row.version,
    )


def status_of(row: ContractRow) -> lc.Status:
    signed = {Party.WORKER} if row.worker_signed_at else set()
    if row.employer_signed_at:
        signed.add(Party.EMPLOYER)
    return lc.Status(
        state=State(row.state),
        order=SigningOrder(row.signing_order),
        revision=row.revision,
        document_sha256=row.document_sha256,
        errors=row.errors,
        warnings=frozenset(row.warnings),
        acknowledged=frozenset(row.acknowledged),
        intent_sha256=row.intent_sha256,
        intent_revision=row.intent_revision,
        signed_by=frozenset(signed),
        expires_at=aware(row.expires_at),
    )


def write_status(row: ContractRow, status: lc.Status, at: datetime) -> None:
    row.state = status.state.value
    row.revision, row.document_sha256 = status.revision, status.document_sha256
    row.errors = status.errors
    row.warnings, row.acknowledged = sorted(status.warnings), sorted(status.acknowledged)
    row.intent_sha256, row.intent_revision = status.intent_sha256, status.intent_revision
    row.expires_at = status.expires_at
    if Party.WORKER in status.signed_by and row.worker_signed_at is None:
        row.worker_signed_at = at
    if Party.EMPLOYER in status.signed_by and row.employer_signed_at is None:
        row.employer_signed_at = at
    row.updated_at = at


def revision_artifacts(pdf: bytes) -> tuple[dict[str, str], dict[str, ExtraValue]]:
    return {REVISION: sha256_hex(pdf)}, {REVISION_BYTES: len(pdf)}


def last_signature(pdf: bytes) -> tuple[str, bytes]:
    """The field name and signer certificate (DER) of the document's last signature."""
    try:
        return latest_signature(pdf)
    except Exception as exc:  # any failure to read it means: not a signed PDF
        raise InvalidInput(
            Text("不是带签名的 PDF 文档", "not a signed PDF document"), field="pdf"
        ) from exc


def utc(at: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time the platform stores is UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def aware(at: datetime | None) -> datetime | None:
    return None if at is None else utc(at)
