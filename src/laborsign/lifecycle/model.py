"""What callers pass to and get from the lifecycle service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from laborsign.contracts.model import Pay, TermType
from laborsign.contracts.records import ContractSummary, DraftResult
from laborsign.lifecycle.grounds import Ground
from laborsign.lifecycle.severance import Severance
from laborsign.watch.terms import Entitlement


class WorkerChoice(StrEnum):
    """The worker's answer when the renewal is offered (LCL Art. 14(2))."""

    OPEN_ENDED = "open_ended"  # he demands or accepts an open-ended contract
    FIXED_TERM = "fixed_term"  # he asks for a fixed term himself
    NOT_ASKED = "not_asked"  # no entitlement: the parties agree a term


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Renewal(_Input):
    number: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9\-_/]{0,63}$")
    term_type: TermType
    start_date: date
    end_date: date | None = None
    worker_choice: WorkerChoice
    # Normally empty: one probation per employer and worker (LCL Art. 19(2)); given, the rule
    # check reports it as an error and the renewal cannot be sent.
    probation_end: date | None = None
    pay: Pay | None = None  # the pay carries over unless changed


class Change(_Input):
    clause: str = Field(min_length=1, max_length=100)
    before: str = Field(min_length=1, max_length=2000)
    after: str = Field(min_length=1, max_length=2000)


class Amendment(_Input):
    changes: tuple[Change, ...] = Field(min_length=1, max_length=30)
    effective_from: date


class Termination(_Input):
    ground: Ground
    terminated_on: date  # the last day of the contract
    monthly_wage: Decimal = Field(ge=0, max_digits=12, decimal_places=2)  # 12-month average
    # The published local average monthly wage, when the three-times cap may apply.
    local_average_wage: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    severance_due: bool | None = None  # None: the ground's usual case


@dataclass(frozen=True, slots=True)
class RenewalResult:
    original: ContractSummary
    renewal: DraftResult
    entitlement: Entitlement | None
    worker_choice: WorkerChoice


class AmendmentState(StrEnum):
    AWAITING_SIGNATURES = "awaiting"
    EFFECTIVE = "effective"


@dataclass(frozen=True, slots=True)
class AmendmentSummary:
    id: str
    contract_id: str
    sequence: int
    state: AmendmentState
    document_sha256: str
    signed_by: tuple[str, ...]
    version: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "contract_id": self.contract_id,
            "sequence": self.sequence,
            "state": self.state.value,
            "document_sha256": self.document_sha256,
            "signed_by": list(self.signed_by),
        }


@dataclass(frozen=True, slots=True)
class TerminationResult:
    contract: ContractSummary
    ground: Ground
    terminated_on: date
    severance: Severance
    severance_due: bool
    certificate_sha256: str

    def to_json(self) -> dict[str, object]:
        return {
            "contract_id": self.contract.id,
            "state": self.contract.state.value,
            "ground": self.ground.value,
            "terminated_on": self.terminated_on.isoformat(),
            "months_of_service": self.severance.months_of_service,
            "severance_due": self.severance_due,
            "severance_months_of_wage": str(self.severance.months_of_wage),
            "severance_monthly_base": str(self.severance.monthly_base),
            "severance_capped": self.severance.capped,
            "severance_amount": str(self.severance.amount),
            "certificate_sha256": self.certificate_sha256,
        }
