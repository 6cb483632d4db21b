"""我的合同: the worker signs in with his phone and an SMS code and finds every contract of
his, from every employer: view, download, print, and the history of each (authority
accesses included). The services are the API's (`Retrieval`); the session is the web
session of kind `worker`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from laborsign.ceremony.common import worker_subject
from laborsign.contracts.lifecycle import STATE_NAMES, State
from laborsign.contracts.records import ContractSummary
from laborsign.db.tenancy import Scope
from laborsign.errors import LaborSignError, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.tables import OrganisationRow, WebSessionRow
from laborsign.web.auth import WORKER, container_of, sessions_of, utc_now
from laborsign.web.i18n import Translator
from laborsign.web.pages.forms import (
    FORM_COOKIE,
    check_login_token,
    check_session_token,
    keep_login_token,
    login_token,
    session_row,
)
from laborsign.web.pages.templating import page_lang, render
from laborsign.web.pages.worker_common import page_cache, refusal_page, see_other
from laborsign.web.pages.worker_images import page_image, rendered_pages

router = APIRouter(include_in_schema=False)
BEIJING = ZoneInfo("Asia/Shanghai")
_ACTORS: dict[str, Text] = {
    "worker": Text("本人", "you"),
    "employer": Text("用人单位", "employer"),
    "authority": Text("劳动行政部门", "labor authority"),
    "platform": Text("平台", "platform"),
}


@dataclass(frozen=True)
class ContractLine:
    summary: ContractSummary
    employer: str
    state: Text
    signed: bool  # both parties signed: downloadable as the executed contract


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _worker(request: Request) -> WebSessionRow | None:
    row = session_row(request)
    if row is None or row.subject_kind != WORKER or row.second_factor_pending:
        return None
    return row


def beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def contract_lines(request: Request, worker_id: str) -> list[ContractLine]:
    container = container_of(request)
    items = container.ceremony.retrieval.contracts(worker_id)
    with container.uow(Scope.system("me")) as uow:
        rows = uow.session.execute(
            select(OrganisationRow.id, OrganisationRow.name).where(
                OrganisationRow.id.in_(sorted({s.org_id for s in items}))
            )
        ).all()
    names = {row.id: row.name for row in rows}
    return [
        ContractLine(s, names.get(s.org_id, ""), STATE_NAMES[s.state], s.state is State.EFFECTIVE)
        for s in items
    ]


def _login_form(
    request: Request,
    *,
    phone: str = "",
    code_sent: bool = False,
    error: str | None = None,
) -> Response:
    token = login_token(request)
    response = render(
        request,
        "worker/me_login.html",
        logged_in=False,
        csrf=token,
        phone=phone,
        code_sent=code_sent,
        error=error,
    )
    keep_login_token(request, response, token, secure=sessions_of(request).secure)
    return response


@router.get("/me")
def my_contracts(request: Request) -> Response:
    row = _worker(request)
    if row is None:
        return _login_form(request)
    return render(
        request,
        "worker/me.html",
        logged_in=False,
        csrf=row.csrf_token,
        lines=contract_lines(request, row.subject_id),
        beijing=beijing,
    )


@router.post("/me/code")
def send_code(
    request: Request, phone: Annotated[str, Form(max_length=20)], csrf: Annotated[str, Form()] = ""
) -> Response:
    """A login code to the phone if a worker has it; the page looks the same either way."""
    t = Translator(page_lang(request))
    phone = phone.strip()
    try:
        check_login_token(request, csrf)
        container_of(request).ceremony.retrieval.send_login_code(phone, _ip(request), utc_now())
    except LaborSignError as exc:
        return _login_form(request, phone=phone, error=t.text(exc.message))
    return _login_form(request, phone=phone, code_sent=True)


@router.post("/me/login")
def login(
    request: Request,
    phone: Annotated[str, Form(max_length=20)],
    code: Annotated[str, Form(max_length=10)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    t = Translator(page_lang(request))
    now = utc_now()
    try:
        check_login_token(request, csrf)
        worker_id = container_of(request).ceremony.retrieval.login(phone.strip(), code.strip(), now)
    except LaborSignError as exc:
        return _login_form(request, phone=phone, code_sent=True, error=t.text(exc.message))
    sessions = sessions_of(request)
    raw = sessions.open(WORKER, worker_id, now, pending=False)
    response = see_other("/me")
    sessions.set_cookie(response, raw)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


@router.post("/me/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    row = _worker(request)
    response = see_other("/me")
    if row is not None:
        try:
            check_session_token(row, csrf)
        except PermissionDenied as exc:
            return refusal_page(request, exc, back="/me")
        raw = request.cookies.get("laborsign_session", "")
        sessions_of(request).close(raw)
        sessions_of(request).clear_cookie(response)
    return response


def _own_contract(request: Request, contract_id: str) -> tuple[WebSessionRow, ContractSummary]:
    row = _worker(request)
    if row is None:
        raise PermissionDenied(Text("请先登录“我的合同”", "sign in to My contracts first"))
    summary = container_of(request).contracts.summary(Scope.worker(row.subject_id), contract_id)
    return row, summary


@router.get("/me/contracts/{contract_id}")
def contract_page(request: Request, contract_id: str) -> Response:
    container = container_of(request)
    try:
        row, summary = _own_contract(request, contract_id)
        scope = Scope.worker(row.subject_id)
        history = container.ceremony.retrieval.history(scope, contract_id)
        current = container.contracts.current_document(scope, contract_id)
        pages = rendered_pages(page_cache(request), summary.document_sha256, current.pdf)
    except LaborSignError as exc:
        return refusal_page(request, exc, back="/me")
    employer = {line.summary.id: line.employer for line in contract_lines(request, row.subject_id)}
    return render(
        request,
        "worker/me_contract.html",
        logged_in=False,
        summary=summary,
        employer=employer.get(contract_id, ""),
        state=STATE_NAMES[summary.state],
        history=history,
        actors=_ACTORS,
        beijing=beijing,
        pages=len(pages),
        image_base=f"/me/contracts/{contract_id}/pages/{summary.document_sha256}",
    )


@router.get("/me/contracts/{contract_id}/pages/{sha256}/{number}.png")
def contract_page_png(request: Request, contract_id: str, sha256: str, number: int) -> Response:
    try:
        _row, summary = _own_contract(request, contract_id)
        if sha256 != summary.document_sha256:
            raise PermissionDenied(Text("不是本合同的当前文本", "not this contract's current text"))
        path = page_image(page_cache(request), sha256, number)
    except LaborSignError as exc:
        return Response(status_code=exc.http_status)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private"})


@router.get("/me/contracts/{contract_id}/pdf")
def contract_pdf(request: Request, contract_id: str, inline: int = 0) -> Response:
    """The PDF, as an attachment (download) or inline (print from the browser's viewer);
    either is recorded as a download."""
    container = container_of(request)
    try:
        row, summary = _own_contract(request, contract_id)
        actor = worker_subject(container.secret_key, row.subject_id)
        pdf = container.ceremony.retrieval.download(
            Scope.worker(row.subject_id), actor, contract_id, utc_now()
        )
    except LaborSignError as exc:
        return refusal_page(request, exc, back="/me")
    disposition = "inline" if inline else "attachment"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{summary.number}.pdf"'},
    )
