"""API v1 routes of the signing ceremony. Thin: each calls one ceremony service.

The worker's ceremony routes are public as far as `Allow` goes: their credential is the
ceremony session (cookie `laborsign_ceremony`, from opening the link), checked by the
service on every step. Retrieval uses the worker's web session (phone + code)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from laborsign.ceremony.authority import basis_digest
from laborsign.ceremony.common import worker_subject
from laborsign.contracts.records import ContractSummary
from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.identity import notice
from laborsign.identity.errors import LinkRefused
from laborsign.parties.roles import Role
from laborsign.web.auth import (
    PUBLIC,
    WORKER,
    Principal,
    allow,
    authenticated,
    container_of,
    sessions_of,
    utc_now,
)

router = APIRouter(prefix="/api/v1", tags=["ceremony"])
CEREMONY_COOKIE = "laborsign_ceremony"
PDF = "application/pdf"
Caller = Principal | None
_NO_SESSION = Text("请先打开签署链接", "open the signing link first")


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _ceremony_token(request: Request) -> str:
    token = request.cookies.get(CEREMONY_COOKIE, "")
    if not token:
        raise LinkRefused(_NO_SESSION, "no-session")
    return token


def _png(encoded: str, field: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            Text("图片须为 base64 编码", "the image must be base64"), field=field
        ) from None


def _summary(s: ContractSummary) -> dict[str, object]:
    return {
        "id": s.id,
        "number": s.number,
        "org_id": s.org_id,
        "state": s.state.value,
        "signing_order": s.signing_order.value,
        "revision": s.revision,
        "document_sha256": s.document_sha256,
        "position": s.position,
        "term_start": s.term_start.isoformat(),
        "expires_at": s.expires_at.isoformat() if s.expires_at else None,
        "completed_at": s.completed_at.isoformat() if s.completed_at else None,
    }


def _pdf(data: bytes, name: str, sha256: str | None = None) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    if sha256:
        headers["X-Document-SHA256"] = sha256
    return Response(data, media_type=PDF, headers=headers)


# -- the worker's ceremony ----------------------------------------------------------------------


class OpenBody(BaseModel):
    token: str = Field(min_length=10, max_length=100)


class IdentityBody(BaseModel):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18)


class CodeBody(BaseModel):
    code: str = Field(max_length=10)


class SignBody(BaseModel):
    code: str = Field(max_length=10)
    signature_png: str = Field(max_length=800_000, description="base64 of the drawn PNG")


class DeclineBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


@router.post("/ceremony/open")
def open_link(
    request: Request, body: OpenBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> JSONResponse:
    """The link's token (single use) becomes a ceremony session in a cookie."""
    container = container_of(request)
    opened = container.ceremony.worker.open(body.token, utc_now())
    response = JSONResponse({"contract_id": opened.contract_id, "state": opened.state.value})
    response.set_cookie(
        CEREMONY_COOKIE,
        opened.session_token,
        httponly=True,
        samesite="strict",
        secure=container.settings.base_url.startswith("https://"),
        path="/api/v1/ceremony",
    )
    return response


@router.get("/ceremony/notice")
def get_notice(request: Request, _: Annotated[Caller, Depends(PUBLIC)]) -> dict[str, str]:
    container_of(request).ceremony.worker.resume(_ceremony_token(request), utc_now())
    return {
        "version": notice.VERSION,
        "sha256": notice.notice_sha256(),
        "text_zh": notice.render_text("zh"),
        "text_en": notice.render_text("en"),
    }


@router.post("/ceremony/notice")
def acknowledge_notice(
    request: Request, _: Annotated[Caller, Depends(PUBLIC)]
) -> dict[str, object]:
    worker = container_of(request).ceremony.worker
    return _summary(worker.acknowledge_notice(_ceremony_token(request), utc_now()))


@router.post("/ceremony/identity")
def verify_identity(
    request: Request, body: IdentityBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> dict[str, str]:
    """Name and ID number against the phone on record; a code goes to that phone."""
    worker = container_of(request).ceremony.worker
    masked = worker.verify_identity(
        _ceremony_token(request), body.name, body.id_number, _ip(request), utc_now()
    )
    return {"code_sent_to": masked}


@router.post("/ceremony/identity/code")
def confirm_identity(
    request: Request, body: CodeBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> dict[str, object]:
    worker = container_of(request).ceremony.worker
    return _summary(worker.confirm_identity(_ceremony_token(request), body.code, utc_now()))


@router.get("/ceremony/document")
def document(request: Request, _: Annotated[Caller, Depends(PUBLIC)]) -> Response:
    """The exact current revision; its SHA-256 in the X-Document-SHA256 header."""
    found = container_of(request).ceremony.worker.document(_ceremony_token(request), utc_now())
    return _pdf(found.pdf, f"{found.summary.number}.pdf", found.sha256)


@router.post("/ceremony/intent")
def request_intent(request: Request, _: Annotated[Caller, Depends(PUBLIC)]) -> dict[str, str]:
    """A code bound to this contract and the SHA-256 of the current revision."""
    worker = container_of(request).ceremony.worker
    sha = worker.request_intent_code(_ceremony_token(request), _ip(request), utc_now())
    return {"document_sha256": sha}


@router.post("/ceremony/sign")
def sign(
    request: Request, body: SignBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> dict[str, object]:
    worker = container_of(request).ceremony.worker
    result = worker.sign(
        _ceremony_token(request), body.code, _png(body.signature_png, "signature_png"), utc_now()
    )
    return {**_summary(result.summary), "signed": result.signed}


@router.post("/ceremony/decline")
def decline(
    request: Request, body: DeclineBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> dict[str, object]:
    worker = container_of(request).ceremony.worker
    return _summary(worker.decline(_ceremony_token(request), body.reason, utc_now()))


# -- the worker's contracts -----------------------------------------------------------------------


class PhoneBody(BaseModel):
    phone: str = Field(min_length=11, max_length=11)


class LoginBody(PhoneBody):
    code: str = Field(max_length=10)


@router.post("/me/login/code", status_code=202)
def login_code(
    request: Request, body: PhoneBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> dict[str, str]:
    """A code to the phone when a worker has it on record; the same answer either way."""
    container_of(request).ceremony.retrieval.send_login_code(body.phone, _ip(request), utc_now())
    return {"status": "sent-if-registered"}


@router.post("/me/login")
def login(request: Request, body: LoginBody, _: Annotated[Caller, Depends(PUBLIC)]) -> JSONResponse:
    now = utc_now()
    worker_id = container_of(request).ceremony.retrieval.login(body.phone, body.code, now)
    sessions = sessions_of(request)
    raw = sessions.open(WORKER, worker_id, now, pending=False)
    response = JSONResponse({"status": "ok"})
    sessions.set_cookie(response, raw)
    return response


@router.get("/me/contracts")
def my_contracts(
    request: Request, caller: Annotated[Caller, Depends(allow(WORKER))]
) -> list[dict[str, object]]:
    """Every contract of the worker, from every employer."""
    principal = authenticated(caller)
    items = container_of(request).ceremony.retrieval.contracts(principal.id)
    return [_summary(s) for s in items]


@router.get("/me/contracts/{contract_id}/pdf")
def my_pdf(
    request: Request, contract_id: str, caller: Annotated[Caller, Depends(allow(WORKER))]
) -> Response:
    principal = authenticated(caller)
    container = container_of(request)
    actor = worker_subject(container.secret_key, principal.id)
    pdf = container.ceremony.retrieval.download(principal.scope, actor, contract_id, utc_now())
    return _pdf(pdf, f"{contract_id}.pdf")


@router.get("/me/contracts/{contract_id}/history")
def my_history(
    request: Request, contract_id: str, caller: Annotated[Caller, Depends(allow(WORKER))]
) -> list[dict[str, object]]:
    principal = authenticated(caller)
    entries = container_of(request).ceremony.retrieval.history(principal.scope, contract_id)
    return [
        {
            "at": e.at.isoformat(),
            "type": e.type,
            "step": e.step.zh,
            "step_en": e.step.en,
            "actor": e.actor,
            "outcome": e.outcome,
        }
        for e in entries
    ]


# -- the employer's signature, seals, paper copies ------------------------------------------------


class EmployerSignBody(BaseModel):
    totp: str = Field(max_length=10)


class BatchSignBody(EmployerSignBody):
    contract_ids: list[str] = Field(min_length=1, max_length=200)


class SealBody(BaseModel):
    png: str = Field(max_length=1_500_000, description="base64 of the seal PNG")


@router.post("/contracts/{contract_id}/employer-sign")
def employer_sign(
    request: Request,
    contract_id: str,
    body: EmployerSignBody,
    caller: Annotated[Caller, Depends(allow(Role.SIGNER))],
) -> dict[str, object]:
    """An authorised signer confirms with his TOTP code; the organisation signs and seals."""
    principal = authenticated(caller)
    employer = container_of(request).ceremony.employer
    summary = employer.sign(principal.scope, contract_id, body.totp, utc_now(), _ip(request))
    return _summary(summary)


@router.post("/contracts/batch-sign")
def batch_sign(
    request: Request,
    body: BatchSignBody,
    caller: Annotated[Caller, Depends(allow(Role.SIGNER))],
) -> list[dict[str, object]]:
    """Many contracts under one TOTP confirmation; a result per contract."""
    principal = authenticated(caller)
    employer = container_of(request).ceremony.employer
    results = employer.sign_batch(
        principal.scope, body.contract_ids, body.totp, utc_now(), _ip(request)
    )
    return [
        {
            "contract_id": r.contract_id,
            "ok": r.ok,
            "state": r.state,
            "error": r.error,
            "message": r.message.zh if r.message else None,
            "message_en": r.message.en if r.message else None,
        }
        for r in results
    ]


@router.post("/organisations/{org_id}/seal")
def upload_seal(
    request: Request,
    org_id: str,
    body: SealBody,
    caller: Annotated[Caller, Depends(allow(Role.EMPLOYER_ADMIN))],
) -> dict[str, object]:
    principal = authenticated(caller)
    seals = container_of(request).ceremony.seals
    return seals.upload(principal.scope, org_id, _png(body.png, "png"), utc_now())


@router.post("/contracts/{contract_id}/paper-copy")
def paper_copy(
    request: Request,
    contract_id: str,
    caller: Annotated[Caller, Depends(allow(Role.HR, Role.EMPLOYER_ADMIN, Role.SIGNER, WORKER))],
) -> Response:
    """A printable copy: the contract and a certification page (an evidence event)."""
    principal = authenticated(caller)
    container = container_of(request)
    actor = (
        worker_subject(container.secret_key, principal.id)
        if principal.kind == WORKER
        else f"staff:{_staff(container.secret_key, principal.id)}"
    )
    copy = container.ceremony.paper.issue(principal.scope, actor, contract_id, utc_now())
    return _pdf(copy, f"{contract_id}-paper-copy.pdf")


def _staff(secret: bytes, user_id: str) -> str:
    from laborsign.evidence.events import pseudonym

    return pseudonym(secret, "staff", user_id).split(":", 1)[1]


# -- authority access ------------------------------------------------------------------------------


class AccessBody(BaseModel):
    contract_id: str | None = Field(default=None, max_length=64)
    worker_id: str | None = Field(default=None, max_length=64)
    case_number: str = Field(min_length=1, max_length=100)
    legal_document: str = Field(min_length=1, max_length=500)


@router.post("/authority/access")
def authority_access(
    request: Request, body: AccessBody, caller: Annotated[Caller, Depends(allow(Role.AUTHORITY))]
) -> dict[str, object]:
    """Record the legal basis; it opens the contracts it names (each read is recorded)."""
    principal = authenticated(caller)
    access = container_of(request).ceremony.authority.open(
        principal.scope,
        contract_id=body.contract_id,
        worker_id=body.worker_id,
        case_number=body.case_number,
        legal_document=body.legal_document,
        now=utc_now(),
    )
    return {
        "grant": access.grant,
        "contract_ids": access.contract_ids,
        "basis_sha256": basis_digest(body.case_number, body.legal_document),
    }


@router.get("/authority/contracts/{contract_id}")
def authority_read(
    request: Request,
    contract_id: str,
    caller: Annotated[Caller, Depends(allow(Role.AUTHORITY))],
) -> dict[str, object]:
    principal = authenticated(caller)
    container = container_of(request)
    # A fresh scope: a basis recorded in this session's lifetime counts at once.
    resolved = container.parties.accounts.scope_for(principal.id)
    scope = resolved[1] if resolved else principal.scope
    detail, digest = container.ceremony.authority.read(scope, contract_id, utc_now())
    return {
        **_summary(detail.summary),
        "data": detail.data.model_dump(mode="json"),
        "basis_sha256": digest,
    }
