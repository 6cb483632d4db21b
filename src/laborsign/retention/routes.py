"""API v1 routes of retention: a contract's retention status, legal holds, erasure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import Role
from laborsign.web.auth import Principal, allow, authenticated, container_of, utc_now

router = APIRouter(prefix="/api/v1/contracts", tags=["retention"])

HR_ROLES = (Role.EMPLOYER_ADMIN, Role.HR)
Reader = Annotated[Principal | None, Depends(allow(*HR_ROLES, api_scope=ApiScope.CONTRACTS_READ))]
Holder = Annotated[Principal | None, Depends(allow(*HR_ROLES, api_scope=ApiScope.CONTRACTS_WRITE))]
Eraser = Annotated[Principal | None, Depends(allow(Role.EMPLOYER_ADMIN))]


class CaseReference(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_reference: str = Field(min_length=1, max_length=200)


@router.get("/{contract_id}/retention")
def retention_status(request: Request, caller: Reader, contract_id: str) -> dict[str, Any]:
    """When the contract ended, until when it is kept, its legal holds, whether it may be
    erased (and why not)."""
    principal = authenticated(caller)
    now = utc_now()
    found = container_of(request).retention.status(principal.scope, contract_id)
    return found.to_json(now.date())


@router.post("/{contract_id}/legal-holds", status_code=201)
def place_hold(
    request: Request, caller: Holder, contract_id: str, body: CaseReference
) -> dict[str, Any]:
    """Hold the contract for a dispute: nothing of it is erased until the hold is lifted."""
    principal = authenticated(caller)
    hold = container_of(request).retention.place_hold(
        principal.scope, contract_id, body.case_reference, now=utc_now()
    )
    return {"id": hold.id, "case_reference": hold.case_reference}


@router.post("/{contract_id}/legal-holds/lift")
def lift_hold(
    request: Request, caller: Holder, contract_id: str, body: CaseReference
) -> dict[str, Any]:
    """Lift the holds of a case (409 when the case has no active hold)."""
    principal = authenticated(caller)
    lifted = container_of(request).retention.lift_hold(
        principal.scope, contract_id, body.case_reference, now=utc_now()
    )
    return {"lifted": lifted}


@router.post("/{contract_id}/erase")
def erase(request: Request, caller: Eraser, contract_id: str) -> dict[str, Any]:
    """Erase the contract's personal data; 409 with the reason before its retention date or
    under a legal hold. The evidence log stays as it is."""
    principal = authenticated(caller)
    done = container_of(request).retention.erase(principal.scope, contract_id, now=utc_now())
    return {
        "contract_id": done.contract_id,
        "documents_deleted": done.documents_deleted,
        "worker_erased": done.worker_erased,
    }
