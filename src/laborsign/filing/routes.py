"""API v1 routes of filing: create an export, download it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from laborsign.filing.service import ExportFormat
from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import Role
from laborsign.web.auth import Principal, allow, authenticated, container_of, utc_now
from laborsign.web.idempotency import idempotent

router = APIRouter(prefix="/api/v1/filing", tags=["filing"])

HR_ROLES = (Role.EMPLOYER_ADMIN, Role.HR)
Caller = Principal | None


class ExportBody(BaseModel):
    format: ExportFormat = ExportFormat.JSON
    # None: every concluded contract of the employer.
    contract_ids: list[str] | None = Field(default=None, max_length=10000)


@router.post("/exports")
def create_export(
    request: Request,
    body: ExportBody,
    caller: Annotated[Caller, Depends(allow(*HR_ROLES, api_scope=ApiScope.CONTRACTS_READ))],
) -> JSONResponse:
    """Export the employer's concluded contracts (json, xml, roster_xlsx or codes); the
    export is stored, recorded as an evidence event, and downloaded with GET."""
    principal = authenticated(caller)
    now = utc_now()
    filing = container_of(request).filing

    def create() -> object:
        info, _ = filing.export(principal.scope, body.format, now, body.contract_ids)
        return info.to_json()

    return idempotent(request, principal, body.model_dump(mode="json"), create, now)


@router.get("/exports/{export_id}")
def download_export(
    request: Request,
    export_id: str,
    caller: Annotated[Caller, Depends(allow(*HR_ROLES, api_scope=ApiScope.CONTRACTS_READ))],
) -> Response:
    principal = authenticated(caller)
    info, content = container_of(request).filing.download(principal.scope, export_id)
    return Response(
        content,
        media_type=info.media_type,
        headers={
            "content-disposition": f'attachment; filename="{info.filename}"',
            "x-content-sha256": info.sha256,
        },
    )
