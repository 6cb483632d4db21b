"""API v1 route of the watch: the employer's watch list for HR."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import Role
from laborsign.watch.present import entry_json
from laborsign.web.auth import Principal, allow, authenticated, container_of, utc_now

router = APIRouter(prefix="/api/v1", tags=["watch"])

HR_ROLES = (Role.EMPLOYER_ADMIN, Role.HR)


@router.get("/watch")
def watch_list(
    request: Request,
    caller: Annotated[
        Principal | None, Depends(allow(*HR_ROLES, api_scope=ApiScope.CONTRACTS_READ))
    ],
    alerts_only: Annotated[bool, Query()] = False,
) -> list[dict[str, Any]]:
    """Every worker of the caller's employer: days without a written contract, double-wage
    exposure, terms and probation periods ending, open-ended entitlement; with alerts."""
    principal = authenticated(caller)
    watch = container_of(request).watch
    entries = [
        entry_json(e, watch.thresholds) for e in watch.watch_list(principal.scope, utc_now())
    ]
    return [e for e in entries if e["alerts"]] if alerts_only else entries
