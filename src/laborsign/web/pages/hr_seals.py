"""HR console: the organisation's seal (employer administrator). The seal the employer signs
with is shown as it will be stamped: the uploaded PNG, or without one the round red seal the
platform draws from the organisation's name. Uploads go through the ceremony's checks (PNG,
size, not blank)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from laborsign.bootstrap import Container
from laborsign.ceremony.images import SEAL
from laborsign.ceremony.tables import OrganisationSealRow
from laborsign.db.tenancy import Scope
from laborsign.errors import LaborSignError, NotFound
from laborsign.i18n import Text
from laborsign.parties.tables import OrganisationRow
from laborsign.web.auth import container_of, utc_now
from laborsign.web.pages.hr_common import (
    ADMINS,
    Staff,
    beijing,
    check_csrf,
    not_found,
    open_page,
    page,
    see_other,
)

router = APIRouter(include_in_schema=False)
NO_ORGANISATION = Text("用人单位不存在", "no such organisation")


@dataclass(frozen=True, slots=True)
class SealView:
    organisation: str
    uploaded: bool
    sha256: str
    uploaded_at: str
    max_kib: int
    min_side: int
    max_side: int


def _organisation_name(container: Container, staff: Staff) -> str:
    with container.uow(staff.scope) as uow:
        org = uow.session.get(OrganisationRow, staff.org_id)
        if org is None:
            raise NotFound(NO_ORGANISATION)
        return org.name


def seal_view(container: Container, staff: Staff) -> SealView:
    name = _organisation_name(container, staff)  # the caller's own organisation only
    with container.uow(Scope.system()) as uow:
        row = uow.session.get(OrganisationSealRow, staff.org_id)
        sha, at = (row.sha256, row.uploaded_at) if row is not None else ("", None)
    return SealView(
        name,
        row is not None,
        sha,
        beijing(at),
        SEAL.max_bytes // 1024,
        SEAL.min_side,
        SEAL.max_side,
    )


def _seal_page(
    request: Request, staff: Staff, *, error: str | None = None, done: bool = False
) -> Response:
    return page(
        request,
        "hr/seal.html",
        staff,
        seal=seal_view(container_of(request), staff),
        error=error,
        done=done,
    )


@router.get("/hr/admin/seal")
def seal_page(request: Request) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    return _seal_page(request, staff, done=request.query_params.get("done") == "1")


@router.get("/hr/admin/seal.png")
def seal_image(request: Request) -> Response:
    """The seal the organisation signs with now (uploaded or generated)."""
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    container = container_of(request)
    try:
        name = _organisation_name(container, staff)
    except NotFound as exc:
        return not_found(request, exc)
    png = container.ceremony.seals.image(staff.org_id, name)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


def _upload(request: Request, staff: Staff, data: bytes) -> Response:
    try:
        container_of(request).ceremony.seals.upload(staff.scope, staff.org_id, data, utc_now())
    except LaborSignError as exc:
        return _seal_page(request, staff, error=staff.t.text(exc.message))
    return see_other("/hr/admin/seal?done=1")


@router.post("/hr/admin/seal")
async def upload_seal(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
    except LaborSignError as exc:
        return _seal_page(request, staff, error=staff.t.text(exc.message))
    # One byte past the limit is enough for the check to refuse it as too large.
    data = await file.read(SEAL.max_bytes + 1)
    return await run_in_threadpool(_upload, request, staff, data)
