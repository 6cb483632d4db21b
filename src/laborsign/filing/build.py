"""Build the canonical filing batch from what the platform stores. Pure: inputs are passed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from laborsign.contracts.model import Contract, Employer
from laborsign.filing.schema import (
    Clauses,
    ContractRecord,
    EvidenceInfo,
    FilingBatch,
    SignatureInfo,
    SigningInfo,
)


@dataclass(frozen=True, slots=True)
class StoredContract:
    """One concluded contract as stored: its clear columns, sealed data and final PDF facts."""

    id: str
    number: str
    state: str
    data: Contract
    concluded_at: datetime
    document_sha256: str
    document_size: int
    signatures: Sequence[SignatureInfo]
    leaf_indexes: Sequence[int]


@dataclass(frozen=True, slots=True)
class LogState:
    origin: str
    checkpoint_size: int | None
    checkpoint_root_hash: str | None


def clauses(data: Contract) -> Clauses:
    return Clauses(
        template=data.template,
        employment_start=data.effective_employment_start,
        continuous_service_start=data.continuous_service_start,
        employment_form=data.employment_form,
        term=data.term,
        job=data.job,
        working_time=data.working_time,
        pay=data.pay,
        social_insurance=data.social_insurance,
        protection=data.protection,
        agreed=data.agreed,
        dispatch=data.dispatch,
        other=data.other,
    )


def record(stored: StoredContract, log: LogState) -> ContractRecord:
    return ContractRecord(
        id=stored.id,
        number=stored.number,
        state=stored.state,
        employer=stored.data.employer,
        worker=stored.data.worker,
        clauses=clauses(stored.data),
        signing=SigningInfo(
            signing_date=stored.data.signing_date,
            concluded_at=stored.concluded_at,
            document_sha256=stored.document_sha256,
            document_size=stored.document_size,
            signatures=list(stored.signatures),
        ),
        evidence=EvidenceInfo(
            log_origin=log.origin,
            leaf_indexes=list(stored.leaf_indexes),
            checkpoint_size=log.checkpoint_size,
            checkpoint_root_hash=log.checkpoint_root_hash,
        ),
    )


def batch(
    batch_id: str,
    employer: Employer,
    contracts: Sequence[StoredContract],
    log: LogState,
    generated_at: datetime,
) -> FilingBatch:
    return FilingBatch(
        batch_id=batch_id,
        generated_at=generated_at,
        platform=log.origin,
        employer=employer,
        contracts=[record(c, log) for c in contracts],
    )
