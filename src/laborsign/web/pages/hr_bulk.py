"""HR console: bulk issuance from Excel (批量签发) over the bulk service — the template, the
upload with each row's findings, starting the run (optionally with the employer's seal,
confirmed by a signer's TOTP code), a progress bar that `static/hr-bulk.js` keeps current
from the API's progress answer, and the report workbook.

Nothing is created at upload: the rows are checked by a background job while the page shows
"validating" with the same progress bar, then a sheet with any error is rejected as a whole
and its rows' findings are shown beside the row numbers Excel shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from laborsign.bootstrap import Container
from laborsign.bulk.jobs import JOB
from laborsign.bulk.service import STARTABLE, VALIDATING, Progress
from laborsign.bulk.sheet import MAX_UPLOAD_BYTES, SheetRefused
from laborsign.bulk.tables import BulkImportRow
from laborsign.contracts.model import TemplateId
from laborsign.contracts.routes import TEMPLATE_TITLES
from laborsign.errors import LaborSignError, NotFound, PermissionDenied
from laborsign.i18n import Lang, Text
from laborsign.parties.roles import Role
from laborsign.web.auth import container_of, utc_now
from laborsign.web.pages.hr_common import (
    DRAFTERS,
    EMPLOYER_STAFF,
    SIGNERS,
    Staff,
    beijing,
    check_csrf,
    not_found,
    open_page,
    page,
    see_other,
)
from laborsign.web.pages.hr_signing import client_ip

router = APIRouter(include_in_schema=False)
RECENT = 20
RUNNING = frozenset({"queued", "running"})
TOO_LARGE = Text("文件过大", "the file is too large")
ONLY_SIGNERS_SEAL = Text("只有签章人可以签章", "only a signer may seal")


@dataclass(frozen=True, slots=True)
class ImportLine:
    id: str
    filename: str
    state: str
    state_name: str
    rows: int
    created: str


@dataclass(frozen=True, slots=True)
class ProblemNote:
    severity: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class RowLine:
    row: int
    state: str
    state_name: str
    problems: list[ProblemNote]
    contract_id: str | None


@dataclass(frozen=True, slots=True)
class ImportView:
    progress: Progress
    state_name: str
    # Rows the run works on (the valid ones) and how many of them are finished.
    planned: int
    finished_rows: int
    percent: int
    rows: list[RowLine]
    startable: bool
    started: bool  # a run was started: its progress is shown
    polling: bool  # validation or the run is under way: the page's script follows it
    validating: bool  # the rows are being checked: the validation's progress is shown


IMPORT_STATES: dict[str, Text] = {
    VALIDATING: Text("正在校验…", "validating…"),
    "validated": Text("已校验，待开始", "checked, ready to start"),
    "queued": Text("排队中", "queued"),
    "running": Text("签发中", "issuing"),
    "done": Text("已完成", "done"),
    "failed": Text("中断（可继续）", "interrupted (can resume)"),
    "rejected": Text("表格有错误", "the sheet has errors"),
}
ROW_STATES: dict[str, Text] = {
    "pending": Text("待签发", "to issue"),
    "invalid": Text("有错误", "has errors"),
    "done": Text("已签发", "issued"),
    "failed": Text("失败", "failed"),
}


def _name(names: dict[str, Text], key: str, lang: Lang) -> str:
    found = names.get(key)
    return found.get(lang) if found else key


def recent_imports(container: Container, staff: Staff) -> list[ImportLine]:
    with container.uow(staff.scope) as uow:
        rows = uow.session.scalars(
            select(BulkImportRow).order_by(BulkImportRow.created_at.desc()).limit(RECENT)
        ).all()
        return [
            ImportLine(
                r.id,
                r.filename,
                r.state,
                _name(IMPORT_STATES, r.state, staff.t.lang),
                r.rows_total,
                beijing(r.created_at),
            )
            for r in rows
        ]


def import_view(container: Container, staff: Staff, import_id: str) -> ImportView:
    bulk, lang = container.bulk, staff.t.lang
    progress = bulk.progress(staff.scope, import_id, now=utc_now())
    rows = [
        RowLine(
            int(str(r["row"])),
            str(r["state"]),
            _name(ROW_STATES, str(r["state"]), lang),
            [
                ProblemNote(p["severity"], p.get("field", ""), p["en" if lang == "en" else "zh"])
                for p in _problems(r["problems"])
            ],
            str(r["contract_id"]) if r["contract_id"] else None,
        )
        for r in bulk.rows(staff.scope, import_id)
    ]
    if progress.validating:
        finished, planned = progress.validation_steps
    else:
        planned = progress.rows_total - progress.rows_invalid
        finished = progress.rows_done + progress.rows_failed
    return ImportView(
        progress,
        _name(IMPORT_STATES, progress.state, lang),
        planned,
        finished,
        100 * finished // planned if planned else 0,
        rows,
        progress.state in STARTABLE - RUNNING,
        progress.state not in {VALIDATING, "validated", "rejected"},
        progress.state in RUNNING or progress.validating,
        progress.validating,
    )


def _problems(value: object) -> list[dict[str, str]]:
    return [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []


# ---- the pages ----------------------------------------------------------------------------


def _imports_page(request: Request, staff: Staff, *, error: str | None = None) -> Response:
    return page(
        request,
        "hr/imports.html",
        staff,
        templates=[(t.value, staff.t.text(TEMPLATE_TITLES[t])) for t in TemplateId],
        imports=recent_imports(container_of(request), staff),
        may_upload=staff.has(DRAFTERS),
        max_mib=MAX_UPLOAD_BYTES // (1024 * 1024),
        error=error,
    )


@router.get("/hr/imports")
def imports_page(request: Request) -> Response:
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    return _imports_page(request, staff)


def _upload(request: Request, staff: Staff, filename: str, data: bytes) -> Response:
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise SheetRefused(TOO_LARGE, field="file")
        made = container_of(request).bulk.upload(staff.scope, filename, data, now=utc_now())
    except LaborSignError as exc:
        return _imports_page(request, staff, error=staff.t.text(exc.message))
    return see_other(f"/hr/imports/{made.id}")


@router.post("/hr/imports")
async def upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """A filled template: stored and checked row by row in the background (the import's
    page follows it); nothing is created yet."""
    staff = open_page(request, DRAFTERS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
    except LaborSignError as exc:
        return _imports_page(request, staff, error=staff.t.text(exc.message))
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    return await run_in_threadpool(_upload, request, staff, file.filename or "", data)


def _import_page(
    request: Request, staff: Staff, import_id: str, *, error: str | None = None
) -> Response:
    try:
        view = import_view(container_of(request), staff, import_id)
    except NotFound as exc:
        return not_found(request, exc)
    return page(
        request,
        "hr/import.html",
        staff,
        view=view,
        p=view.progress,
        may_seal=staff.has(SIGNERS),
        error=error,
    )


@router.get("/hr/imports/{import_id}")
def import_page(request: Request, import_id: str) -> Response:
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    return _import_page(request, staff, import_id)


@router.post("/hr/imports/{import_id}/start")
def start(
    request: Request,
    import_id: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
    sign: Annotated[str, Form(max_length=10)] = "",
    totp: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Queue the run; with the seal, a signer confirms with his TOTP code first (as the
    API's start does)."""
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    container, now, seal = container_of(request), utc_now(), sign == "1"
    try:
        check_csrf(staff, csrf)
        container.bulk.progress(staff.scope, import_id, now=now)  # others' imports: not found
        if seal:
            if Role.SIGNER not in staff.principal.roles:
                raise PermissionDenied(ONLY_SIGNERS_SEAL)
            container.parties.accounts.verify_totp(
                staff.principal.id, totp.strip(), now, client_ip(request)
            )
        container.bulk.start(
            staff.scope,
            import_id,
            sign=seal,
            now=now,
            enqueue=lambda found: container.jobs.enqueue(JOB, import_id=found),
        )
    except NotFound as exc:
        return not_found(request, exc)
    except LaborSignError as exc:
        return _import_page(request, staff, import_id, error=staff.t.text(exc.message))
    return see_other(f"/hr/imports/{import_id}")
