"""The worker's signing ceremony as pages, from the link in his SMS to his signature.

Each page calls one step of `WorkerCeremony` (the same services as the API) with the
ceremony session from the cookie `laborsign_ceremony`. Opening the link is a button on the
first page (a POST), not the GET itself: a messaging app that previews the link must not
spend the single-use token. A step the service refuses is shown on the same form as a
readable message (wrong code, code expired, locked...), in the page's language.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, Response

from laborsign.ceremony.common import ContractParties
from laborsign.contracts.lifecycle import STATE_NAMES, State
from laborsign.contracts.records import ContractSummary
from laborsign.db.tenancy import Scope
from laborsign.errors import InvalidInput, LaborSignError, PermissionDenied
from laborsign.i18n import Text
from laborsign.identity import notice
from laborsign.identity.errors import LinkRefused
from laborsign.notify.addresses import mask_phone
from laborsign.web.auth import container_of, utc_now
from laborsign.web.i18n import Translator
from laborsign.web.pages.templating import page_lang, render
from laborsign.web.pages.worker_common import (
    CEREMONY_COOKIE,
    CEREMONY_PATH,
    FORM_FIELD,
    check_form_token,
    form_token,
    page_cache,
    refusal_page,
    see_other,
    step_url,
)
from laborsign.web.pages.worker_images import page_image, rendered_pages

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(alias=FORM_FIELD, max_length=100)]
_NO_SESSION = Text(
    "请先打开短信中的签署链接；如签署会话已超时，请联系用人单位重新发送",
    "open the signing link from your SMS first; if the session timed out, ask your employer "
    "to send a new one",
)
_DATA_URL = "data:image/png;base64,"


@dataclass(frozen=True)
class Step:
    """The open ceremony of a request: its session token, parties and contract summary."""

    token: str
    parties: ContractParties
    summary: ContractSummary


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _step(request: Request) -> Step:
    token = request.cookies.get(CEREMONY_COOKIE, "")
    if not token:
        raise LinkRefused(_NO_SESSION, "no-session")
    container = container_of(request)
    _ceremony, parties = container.ceremony.worker.resume(token, utc_now())
    summary = container.contracts.summary(Scope.worker(parties.worker_id), parties.contract_id)
    return Step(token, parties, summary)


def _page(
    request: Request, template: str, step: Step, *, error: str | None = None, **context: object
) -> Response:
    fields: dict[str, Any] = {
        "csrf": form_token(container_of(request), step.token),
        "number": step.summary.number,
        "employer": step.parties.employer_name,
        "error": error,
        **context,
    }
    return render(request, f"worker/{template}", logged_in=False, **fields)


def _message(request: Request, exc: LaborSignError) -> str:
    return Translator(page_lang(request)).text(exc.message)


def _open_step(request: Request) -> Step | Response:
    """The request's open ceremony, or the page that says why there is none."""
    try:
        return _step(request)
    except LaborSignError as exc:
        return refusal_page(request, exc)


def _posted_step(request: Request, csrf: str) -> Step | Response:
    """As `_open_step`, for a form post: its form token must belong to the ceremony too."""
    try:
        step = _step(request)
        check_form_token(container_of(request), step.token, csrf)
    except LaborSignError as exc:
        return refusal_page(request, exc)
    return step


# ---- the link -----------------------------------------------------------------------------


@router.post("/ceremony/open")
def open_link(request: Request, token: Annotated[str, Form(max_length=100)]) -> Response:
    container = container_of(request)
    try:
        opened = container.ceremony.worker.open(token, utc_now())
    except LaborSignError as exc:
        return refusal_page(request, exc)
    target = step_url(container.contracts.summary(Scope.system("ceremony"), opened.contract_id))
    response = see_other(target)
    response.set_cookie(
        CEREMONY_COOKIE,
        opened.session_token,
        httponly=True,
        samesite="strict",
        secure=container.settings.base_url.startswith("https://"),
        path=CEREMONY_PATH,
    )
    return response


# ---- notice and identity --------------------------------------------------------------------


@router.get("/ceremony/notice")
def notice_page(request: Request) -> Response:
    step = _open_step(request)
    if isinstance(step, Response):
        return step
    return _page(
        request,
        "notice.html",
        step,
        title=notice.TITLE,
        sections=notice.SECTIONS,
        version=notice.VERSION,
        done=step.summary.state is not State.SENT,
    )


@router.post("/ceremony/notice")
def acknowledge(request: Request, csrf: Csrf = "") -> Response:
    container = container_of(request)
    try:
        step = _step(request)
        check_form_token(container, step.token, csrf)
        if step.summary.state is State.SENT:
            container.ceremony.worker.acknowledge_notice(step.token, utc_now())
    except LaborSignError as exc:
        return refusal_page(request, exc)
    return see_other("/ceremony/identity")


@router.get("/ceremony/identity")
def identity_page(request: Request) -> Response:
    step = _open_step(request)
    if isinstance(step, Response):
        return step
    if step.summary.state is not State.NOTICE_ACKNOWLEDGED:
        return see_other(step_url(step.summary))
    return _identity_form(request, step)


def _identity_form(
    request: Request, step: Step, *, name: str = "", error: str | None = None
) -> Response:
    phone = step.parties.worker_phone
    return _page(
        request,
        "identity.html",
        step,
        phone=mask_phone(phone) if phone else None,
        name=name,
        error=error,
    )


@router.post("/ceremony/identity")
def identity_submit(
    request: Request,
    name: Annotated[str, Form(max_length=50)],
    id_number: Annotated[str, Form(max_length=18)],
    csrf: Csrf = "",
) -> Response:
    container = container_of(request)
    step = _posted_step(request, csrf)
    if isinstance(step, Response):
        return step
    try:
        masked = container.ceremony.worker.verify_identity(
            step.token, name, id_number, _ip(request), utc_now()
        )
    except LaborSignError as exc:
        return _identity_form(request, step, name=name, error=_message(request, exc))
    return _page(request, "identity_code.html", step, sent_to=masked)


@router.post("/ceremony/identity/code")
def identity_code(
    request: Request, code: Annotated[str, Form(max_length=10)], csrf: Csrf = ""
) -> Response:
    container = container_of(request)
    step = _posted_step(request, csrf)
    if isinstance(step, Response):
        return step
    try:
        container.ceremony.worker.confirm_identity(step.token, code.strip(), utc_now())
    except LaborSignError as exc:
        phone = step.parties.worker_phone
        return _page(
            request,
            "identity_code.html",
            step,
            sent_to=mask_phone(phone) if phone else "",
            error=_message(request, exc),
        )
    return see_other("/ceremony/read")


# ---- reading, confirming, signing -----------------------------------------------------------


@router.get("/ceremony/read")
def read_page(request: Request) -> Response:
    container = container_of(request)
    try:
        step = _step(request)
        if step_url(step.summary) != "/ceremony/read":
            return see_other(step_url(step.summary))
        document = container.ceremony.worker.document(step.token, utc_now())
        pages = rendered_pages(page_cache(request), document.sha256, document.pdf)
    except LaborSignError as exc:
        return refusal_page(request, exc)
    return _page(
        request,
        "read.html",
        step,
        sha256=document.sha256,
        pages=len(pages),
        image_base=f"/ceremony/pages/{document.sha256}",
    )


@router.get("/ceremony/pages/{sha256}/{number}.png")
def page_png(request: Request, sha256: str, number: int) -> Response:
    """A page image of the document this ceremony shows (its current revision only)."""
    try:
        step = _step(request)
        if sha256 != step.summary.document_sha256:
            raise PermissionDenied(Text("不是本合同的当前文本", "not this contract's current text"))
        path = page_image(page_cache(request), sha256, number)
    except LaborSignError as exc:
        return Response(status_code=exc.http_status)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private"})


@router.get("/ceremony/document.pdf")
def document_pdf(request: Request) -> Response:
    try:
        step = _step(request)
        found = container_of(request).ceremony.worker.document(step.token, utc_now())
    except LaborSignError as exc:
        return refusal_page(request, exc)
    return Response(
        found.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{found.summary.number}.pdf"',
            "X-Document-SHA256": found.sha256,
        },
    )


@router.get("/ceremony/confirm")
def confirm_page(request: Request) -> Response:
    step = _open_step(request)
    if isinstance(step, Response):
        return step
    if step_url(step.summary) != "/ceremony/read":
        return see_other(step_url(step.summary))
    return _page(request, "confirm.html", step, sent_to=None)


@router.post("/ceremony/confirm")
def confirm_request_code(request: Request, csrf: Csrf = "") -> Response:
    """A signing code bound to the document's current revision, to the phone on record."""
    container = container_of(request)
    step = _posted_step(request, csrf)
    if isinstance(step, Response):
        return step
    phone = step.parties.worker_phone
    try:
        container.ceremony.worker.request_intent_code(step.token, _ip(request), utc_now())
    except LaborSignError as exc:
        return _page(request, "confirm.html", step, sent_to=None, error=_message(request, exc))
    return _page(request, "confirm.html", step, sent_to=mask_phone(phone) if phone else "")


@router.post("/ceremony/signature")
def signature_page(
    request: Request, code: Annotated[str, Form(max_length=10)], csrf: Csrf = ""
) -> Response:
    """The drawing pad; the code he typed travels on with the drawing (checked on signing)."""
    step = _posted_step(request, csrf)
    if isinstance(step, Response):
        return step
    return _page(request, "signature.html", step, code=code.strip())


def _png_of(data_url: str) -> bytes:
    if not data_url.startswith(_DATA_URL):
        raise InvalidInput(Text("请先在签名区写下您的姓名", "draw your signature first"))
    try:
        return base64.b64decode(data_url[len(_DATA_URL) :], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(Text("签名图片无法读取", "the signature image is unreadable")) from None


@router.post("/ceremony/sign")
def sign(
    request: Request,
    code: Annotated[str, Form(max_length=10)],
    signature: Annotated[str, Form(max_length=800_000)] = "",
    csrf: Csrf = "",
) -> Response:
    container = container_of(request)
    step = _posted_step(request, csrf)
    if isinstance(step, Response):
        return step
    try:
        png = _png_of(signature)
    except LaborSignError as exc:
        return _page(request, "signature.html", step, code=code, error=_message(request, exc))
    try:
        container.ceremony.worker.sign(step.token, code.strip(), png, utc_now())
    except InvalidInput as exc:  # the drawing: blank, too small, too large
        return _page(request, "signature.html", step, code=code, error=_message(request, exc))
    except LaborSignError as exc:  # the code: wrong, expired, locked, for another revision
        return _page(request, "confirm.html", step, sent_to=None, error=_message(request, exc))
    return see_other("/ceremony/done")


@router.get("/ceremony/done")
def done_page(request: Request) -> Response:
    step = _open_step(request)
    if isinstance(step, Response):
        return step
    state = step.summary.state
    if step_url(step.summary) != "/ceremony/done":
        return see_other(step_url(step.summary))
    return _page(
        request,
        "done.html",
        step,
        state=STATE_NAMES[state],
        effective=state is State.EFFECTIVE,
        signed=state in (State.WORKER_SIGNED, State.EFFECTIVE)
        or (state is State.EMPLOYER_SIGNED and step_url(step.summary) == "/ceremony/done"),
        waiting_for_employer=state is State.INTENT_CONFIRMED,
    )


# ---- declining ------------------------------------------------------------------------------


@router.get("/ceremony/decline")
def decline_page(request: Request) -> Response:
    step = _open_step(request)
    if isinstance(step, Response):
        return step
    return _page(request, "decline.html", step, reason="")


@router.post("/ceremony/decline")
def decline_submit(
    request: Request, reason: Annotated[str, Form(max_length=500)] = "", csrf: Csrf = ""
) -> Response:
    container = container_of(request)
    step = _posted_step(request, csrf)
    if isinstance(step, Response):
        return step
    try:
        container.ceremony.worker.decline(step.token, reason, utc_now())
    except LaborSignError as exc:
        return _page(request, "decline.html", step, reason=reason, error=_message(request, exc))
    response = render(
        request,
        "worker/declined.html",
        logged_in=False,
        number=step.summary.number,
        employer=step.parties.employer_name,
    )
    response.delete_cookie(CEREMONY_COOKIE, path=CEREMONY_PATH)
    return response


# The link's path has one free segment: it comes after every fixed /ceremony/... page.
link_router = APIRouter(include_in_schema=False)


@link_router.get("/ceremony/{token}")
def link_page(request: Request, token: str) -> Response:
    """The SMS link's landing page: what this is, and a button that opens the ceremony."""
    return render(request, "worker/start.html", logged_in=False, token=token, error=None)


ROUTERS = (router, link_router)
