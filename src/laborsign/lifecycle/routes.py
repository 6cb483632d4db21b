"""API v1 routes after signing: renew, amend, terminate a contract."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from laborsign.lifecycle.model import Amendment, Renewal, Termination
from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import Role
from laborsign.web.auth import Principal, allow, authenticated, container_of, utc_now

router = APIRouter(prefix="/api/v1/contracts", tags=["lifecycle"])

HR_ROLES = (Role.EMPLOYER_ADMIN, Role.HR)
Caller = Annotated[Principal | None, Depends(allow(*HR_ROLES, api_scope=ApiScope.CONTRACTS_WRITE))]
Signer = Annotated[
    Principal | None, Depends(allow(Role.SIGNER, api_scope=ApiScope.CONTRACTS_WRITE))
]


@router.post("/{contract_id}/renew", status_code=201)
def renew(request: Request, caller: Caller, contract_id: str, body: Renewal) -> dict[str, Any]:
    """Draft the renewal (续订): a new contract linked to this one, the rules run again, the
    worker's choice on an open-ended contract recorded."""
    principal = authenticated(caller)
    result = container_of(request).lifecycle.renew(
        principal.scope, contract_id, body, now=utc_now()
    )
    return {
        "original": result.original.to_json(),
        "renewal": result.renewal.contract.to_json(),
        "findings": [f.as_dict() for f in result.renewal.findings],
        "entitlement": result.entitlement.ground.value if result.entitlement else None,
        "worker_choice": result.worker_choice.value,
    }


@router.post("/{contract_id}/amend", status_code=201)
def amend(request: Request, caller: Caller, contract_id: str, body: Amendment) -> dict[str, Any]:
    """Draft an amendment agreement (变更协议) for both parties to sign."""
    principal = authenticated(caller)
    summary = container_of(request).lifecycle.amend(
        principal.scope, contract_id, body, now=utc_now()
    )
    return summary.to_json()


@router.post("/{contract_id}/terminate")
def terminate(
    request: Request, caller: Signer, contract_id: str, body: Termination
) -> dict[str, Any]:
    """End the contract on a legal ground; the employer-signed certificate is issued and
    delivered to the worker."""
    principal = authenticated(caller)
    result = container_of(request).lifecycle.terminate(
        principal.scope, contract_id, body, now=utc_now()
    )
    return result.to_json()
