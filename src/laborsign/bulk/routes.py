"""API v1 routes of bulk issuance: template, upload, progress, report, start."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from laborsign.bulk.jobs import JOB
from laborsign.bulk.sheet import MAX_UPLOAD_BYTES, SheetRefused
from laborsign.bulk.template import template_bytes
from laborsign.contracts.model import TemplateId
from laborsign.errors import PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import Role
from laborsign.web.auth import Principal, allow, authenticated, container_of, utc_now

router = APIRouter(prefix="/api/v1/bulk", tags=["bulk"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = (Role.EMPLOYER_ADMIN, Role.HR, Role.SIGNER)
Caller = Principal | None
Reader = Annotated[Caller, Depends(allow(*STAFF, api_scope=ApiScope.CONTRACTS_READ))]
DRAFTERS = (Role.EMPLOYER_ADMIN, Role.HR)
Drafter = Annotated[Caller, Depends(allow(*DRAFTERS, api_scope=ApiScope.CONTRACTS_WRITE))]
# Starting may seal, which is a signer's act; without `sign` drafters start too.
Starter = Annotated[Caller, Depends(allow(*STAFF, api_scope=ApiScope.CONTRACTS_WRITE))]


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/template")
def template(caller: Reader, template: TemplateId = TemplateId.GENERAL) -> Response:
    """The .xlsx template for one model text (general | dispatch)."""
    authenticated(caller)
    return _xlsx(template_bytes(template), f"laborsign-{template.value}.xlsx")


@router.post("/imports", status_code=202)
async def upload(
    request: Request, caller: Drafter, file: Annotated[UploadFile, File()]
) -> JSONResponse:
    """Upload a filled template: refused at once if it is not a usable sheet, else stored
    and "validating" while a job checks every row (follow it with GET). Nothing is created
    yet."""
    principal = authenticated(caller)
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetRefused(Text("文件过大", "file too large"), field="file")
    bulk = container_of(request).bulk
    filename = file.filename or "upload.xlsx"
    # Off the event loop: the quick look at the sheet still takes a CPU moment.
    progress = await run_in_threadpool(bulk.upload, principal.scope, filename, data, now=utc_now())
    return JSONResponse(progress.to_json(), status_code=202)


@router.get("/imports/{import_id}")
def progress(
    request: Request, import_id: str, caller: Reader, rows: bool = Query(default=False)
) -> dict[str, object]:
    """State, counts, rate and ETA; with `rows=true` each row's state and problems."""
    principal = authenticated(caller)
    bulk = container_of(request).bulk
    body = bulk.progress(principal.scope, import_id, now=utc_now()).to_json()
    if rows:
        body["row_details"] = bulk.rows(principal.scope, import_id)
    return body


@router.get("/imports/{import_id}/report.xlsx")
def report(request: Request, import_id: str, caller: Reader) -> Response:
    """The uploaded rows with their findings beside them (409 while validating)."""
    principal = authenticated(caller)
    name, content = container_of(request).bulk.report(principal.scope, import_id)
    return _xlsx(content, name)


class StartBody(BaseModel):
    # Seal each contract (employer, B-T) once its worker confirmed: a signer, with a TOTP code.
    sign: bool = False
    totp: str | None = Field(default=None, max_length=10)


@router.post("/imports/{import_id}/start", status_code=202)
def start(request: Request, import_id: str, body: StartBody, caller: Starter) -> JSONResponse:
    """Queue the import's run (again after a failure: rows already done are skipped); 409
    while the sheet is validating or when it was rejected."""
    principal = authenticated(caller)
    container = container_of(request)
    now = utc_now()
    if body.sign:
        if principal.kind != "staff" or Role.SIGNER not in principal.roles:
            raise PermissionDenied(Text("只有签章人可以签章", "only a signer may seal"))
        container.parties.accounts.verify_totp(
            principal.id, body.totp or "", now, request.client.host if request.client else None
        )
    progress = container.bulk.start(
        principal.scope,
        import_id,
        sign=body.sign,
        now=now,
        enqueue=lambda found: container.jobs.enqueue(JOB, import_id=found),
    )
    return JSONResponse(progress.to_json(), status_code=202)
