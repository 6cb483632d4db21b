"""HR console: the employer's side of the signing ceremony — the employer's signature with
the signer's TOTP code (one contract, or many under one code), reminders to the party whose
turn it is, and certified paper copies of effective contracts.

The handlers are thin: the ceremony's services decide (turn, TOTP, tenant); the pages show
their answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import and_, or_, select
from starlette.concurrency import run_in_threadpool

from laborsign.bootstrap import Container
from laborsign.ceremony.employer import MAX_BATCH, BatchItem
from laborsign.contracts.lifecycle import STATE_NAMES, SigningOrder, State
from laborsign.contracts.records import ContractSummary, summary_of
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.errors import LaborSignError, NotFound
from laborsign.evidence.events import pseudonym
from laborsign.web.auth import container_of, utc_now
from laborsign.web.pages.hr_common import (
    EMPLOYER_STAFF,
    SIGNERS,
    Staff,
    beijing,
    check_csrf,
    message_page,
    not_found,
    open_page,
    page,
)
from laborsign.web.pages.hr_contracts import act

router = APIRouter(include_in_schema=False)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


# ---- one contract -------------------------------------------------------------------------


@router.post("/hr/contracts/{contract_id}/sign")
def employer_sign(
    request: Request,
    contract_id: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
    totp: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The signer's TOTP code; the organisation signs with its certificate and seal."""
    employer = container_of(request).ceremony.employer

    def sign(staff: Staff) -> ContractSummary:
        return employer.sign(staff.scope, contract_id, totp.strip(), utc_now(), client_ip(request))

    def done(summary: ContractSummary) -> str:
        return "effective" if summary.state is State.EFFECTIVE else "signed"

    return act(request, contract_id, csrf, sign, done, SIGNERS)


@router.post("/hr/contracts/{contract_id}/remind")
def remind(
    request: Request, contract_id: str, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """Remind the party whose turn it is now, within the reminders job's interval limit."""
    container = container_of(request)

    def send(staff: Staff) -> str | None:
        container.contracts.summary(staff.scope, contract_id)  # another employer's: not found
        return container.ceremony.reminders.remind(contract_id, utc_now())

    return act(
        request,
        contract_id,
        csrf,
        send,
        lambda party: f"reminded_{party}" if party else "not_reminded",
    )


@router.post("/hr/contracts/{contract_id}/paper-copy")
def paper_copy(
    request: Request, contract_id: str, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """A certified paper copy (the contract and a certification page), an evidence event."""
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    container = container_of(request)
    try:
        check_csrf(staff, csrf)
        summary = container.contracts.summary(staff.scope, contract_id)
        actor = pseudonym(container.secret_key, "staff", staff.principal.id)
        copy = container.ceremony.paper.issue(staff.scope, actor, contract_id, utc_now())
    except NotFound as exc:
        return not_found(request, exc)
    except LaborSignError as exc:
        return message_page(request, exc, status=exc.http_status)
    return Response(
        copy,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{summary.number}-paper-copy.pdf"'},
    )


# ---- batch signing ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Awaiting:
    id: str
    number: str
    position: str
    term: str
    worker_signed: str


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    number: str
    ok: bool
    state_name: str
    message: str


def awaiting_employer(container: Container, scope: Scope) -> list[ContractSummary]:
    """The employer's contracts whose turn it is to be signed by the employer, oldest first
    (at most one batch)."""
    turn = or_(
        and_(
            ContractRow.state == State.WORKER_SIGNED.value,
            ContractRow.signing_order == SigningOrder.WORKER_FIRST.value,
        ),
        and_(
            ContractRow.state == State.INTENT_CONFIRMED.value,
            ContractRow.signing_order == SigningOrder.EMPLOYER_FIRST.value,
        ),
    )
    with container.uow(scope) as uow:
        rows = uow.session.scalars(
            select(ContractRow)
            .where(turn)
            .order_by(ContractRow.updated_at, ContractRow.id)
            .limit(MAX_BATCH)
        ).all()
        return [summary_of(r) for r in rows]


def _awaiting(s: ContractSummary) -> Awaiting:
    term = s.term_start.isoformat() + (" – " + s.term_end.isoformat() if s.term_end else "")
    return Awaiting(s.id, s.number, s.position, term, beijing(s.updated_at))


def outcomes(staff: Staff, items: list[BatchItem], numbers: dict[str, str]) -> list[Outcome]:
    out = []
    for item in items:
        state = State(item.state) if item.state else None
        out.append(
            Outcome(
                item.contract_id,
                numbers.get(item.contract_id, item.contract_id),
                item.ok,
                staff.t.text(STATE_NAMES[state]) if state else "",
                staff.t.text(item.message) if item.message else "",
            )
        )
    return out


def _batch_page(
    request: Request,
    staff: Staff,
    *,
    results: list[Outcome] | None = None,
    error: str | None = None,
) -> Response:
    waiting = awaiting_employer(container_of(request), staff.scope)
    return page(
        request,
        "hr/signing.html",
        staff,
        awaiting=[_awaiting(s) for s in waiting],
        results=results,
        signed=sum(r.ok for r in results or []),
        error=error,
        max_batch=MAX_BATCH,
    )


@router.get("/hr/signing")
def batch_page(request: Request) -> Response:
    staff = open_page(request, SIGNERS)
    if not isinstance(staff, Staff):
        return staff
    return _batch_page(request, staff)


def _sign_batch(request: Request, staff: Staff, ids: list[str], totp: str) -> Response:
    container = container_of(request)
    # The numbers for the results, read in the caller's scope: others' ids stay unnamed.
    numbers = {s.id: s.number for s in awaiting_employer(container, staff.scope)}
    try:
        items = container.ceremony.employer.sign_batch(
            staff.scope, ids, totp.strip(), utc_now(), client_ip(request)
        )
    except LaborSignError as exc:
        return _batch_page(request, staff, error=staff.t.text(exc.message))
    return _batch_page(request, staff, results=outcomes(staff, items, numbers))


@router.post("/hr/signing")
async def sign_batch(request: Request) -> Response:
    """The chosen contracts under one TOTP confirmation; a result per contract."""
    staff = open_page(request, SIGNERS)
    if not isinstance(staff, Staff):
        return staff
    form = await request.form()
    ids = [v for v in form.getlist("contract_id") if isinstance(v, str)][: MAX_BATCH + 1]
    totp, csrf = form.get("totp", ""), form.get("csrf", "")
    try:
        check_csrf(staff, csrf if isinstance(csrf, str) else "")
    except LaborSignError as exc:
        return message_page(request, exc, status=exc.http_status)
    return await run_in_threadpool(
        _sign_batch, request, staff, ids, totp if isinstance(totp, str) else ""
    )
