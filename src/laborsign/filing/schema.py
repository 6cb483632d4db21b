"""The canonical filing schema, version 1.0: one batch of concluded contracts of one employer.

Grouped as DB33/T 1311-2023 groups exchange data: basic information of both parties, the
contract clauses, and the signing information (signatures and timestamps), plus where the
contract's events stand in the evidence log. The JSON Schema generated from these models is
published as docs/filing.schema.json (a test keeps it in sync); receiving systems get it
through adapters (laborsign.filing.roster, laborsign.filing.codes, the XML form).

The parties and clauses reuse the contract model (laborsign.contracts.model), so the
export says exactly what the signed contract says.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from laborsign.contracts.model import (
    AgreedMatters,
    Dispatch,
    Employer,
    EmploymentForm,
    Job,
    Pay,
    Protection,
    SocialInsurance,
    TemplateId,
    Term,
    Worker,
    WorkingTime,
)

FILING_SCHEMA_VERSION: Literal["1.0"] = "1.0"
SCHEMA_ID = "https://laborsign.org/schemas/filing/1.0/filing.schema.json"

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _Model(BaseModel):
    # Every nullable member defaults to None: the XML form leaves null members out.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clauses(_Model):
    """The contract clauses (LCL Art. 17 and the model texts' sections)."""

    template: TemplateId
    employment_start: date  # 用工之日
    continuous_service_start: date | None = None
    employment_form: EmploymentForm
    term: Term
    job: Job
    working_time: WorkingTime
    pay: Pay
    social_insurance: SocialInsurance
    protection: Protection
    agreed: AgreedMatters
    dispatch: Dispatch | None = None
    other: str = ""


class SignatureKind(StrEnum):
    SIGNATURE = "signature"
    DOCUMENT_TIMESTAMP = "document_timestamp"


class SignatureInfo(_Model):
    """One signature or document timestamp of the contract PDF, in signing order."""

    kind: SignatureKind
    field: str  # the PDF signature field, e.g. LaborSign-Worker
    signer: str  # subject common name of the signing certificate
    certificate_serial: str  # hexadecimal
    certificate_issuer: str
    certificate_sha256: Sha256
    signing_time: datetime | None = None  # as the signer stated it (PDF /M or CMS signing-time)
    timestamp_time: datetime | None = None  # genTime of the RFC 3161 token
    timestamp_authority: str | None = None  # subject common name of the TSA certificate


class SigningInfo(_Model):
    signing_date: date | None = None  # the date written in the contract, if any
    concluded_at: datetime  # when the last step made the contract effective
    document_sha256: Sha256
    document_size: int
    signatures: list[SignatureInfo]


class EvidenceInfo(_Model):
    """Where the contract's events lie in the platform's evidence log (docs/evidence-log.md).

    `checkpoint_*` name the latest published checkpoint at export time (absent when none
    was published yet); leaves at indexes below its size are covered by it and can be
    proved with the log's inclusion proofs."""

    log_origin: str
    leaf_indexes: list[int]
    checkpoint_size: int | None = None
    checkpoint_root_hash: str | None = None  # base64, as in the checkpoint note


class ContractRecord(_Model):
    id: str
    number: str
    state: str
    employer: Employer
    worker: Worker
    clauses: Clauses
    signing: SigningInfo
    evidence: EvidenceInfo


class FilingBatch(_Model):
    """A batch of contracts of one employer for a labor department."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$id": SCHEMA_ID, "title": "LaborSign filing batch 1.0"},
    )

    schema_version: Literal["1.0"] = FILING_SCHEMA_VERSION
    batch_id: str
    generated_at: datetime
    platform: str  # the evidence log origin names the platform instance
    employer: Employer
    contracts: list[ContractRecord]


def json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of a filing batch."""
    schema = FilingBatch.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
