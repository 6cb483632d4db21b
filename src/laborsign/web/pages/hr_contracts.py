"""HR console: contracts — the list, the form generated from the contract model with the
rule findings beside the fields, the contract page with its timeline, and its actions.

A submitted form is checked by the contract model first (malformed values are shown beside
their inputs and nothing is saved), then saved as a draft through the contract service,
which runs the labor-law rules: errors and warnings come back beside the fields they
concern, warnings with a checkbox to acknowledge them. A draft without errors and with
every warning acknowledged goes to its contract page, where it can be sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from laborsign.bootstrap import Container
from laborsign.ceremony.reminders import waiting_party
from laborsign.contracts import lifecycle as lc
from laborsign.contracts.access import read_contract
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import STATE_NAMES, Party, State
from laborsign.contracts.listing import ListFilter, list_page
from laborsign.contracts.model import Contract, TemplateId
from laborsign.contracts.records import (
    ContractHasErrors,
    ContractSummary,
    DraftResult,
    warning_id,
)
from laborsign.contracts.routes import TEMPLATE_TITLES
from laborsign.contracts.rules import Finding, Severity
from laborsign.errors import InvalidInput, LaborSignError, NotFound
from laborsign.i18n import Text
from laborsign.parties.tables import OrganisationRow
from laborsign.web.auth import Allow, container_of, utc_now
from laborsign.web.pages.hr_common import (
    DRAFTERS,
    EMPLOYER_STAFF,
    SIGNERS,
    Staff,
    beijing,
    check_csrf,
    message_page,
    not_found,
    open_page,
    page,
    see_other,
)
from laborsign.web.pages.hr_contract_form import (
    Note,
    Placed,
    input_paths,
    parse,
    sections,
    validation_notes,
    values_of,
)
from laborsign.web.pages.hr_views import timeline, worker_identity, workers

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


# ---- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractLine:
    id: str
    number: str
    state: str
    state_name: str
    template: str
    position: str
    term: str
    updated: str


def _line(s: ContractSummary, staff: Staff) -> ContractLine:
    term = s.term_start.isoformat() + (" – " + s.term_end.isoformat() if s.term_end else "")
    return ContractLine(
        s.id,
        s.number,
        s.state.value,
        staff.t.text(STATE_NAMES[s.state]),
        staff.t.text(TEMPLATE_TITLES[TemplateId(s.template)]),
        s.position,
        term,
        beijing(s.updated_at),
    )


def _state(value: str) -> State | None:
    return State(value) if value in State.__members__.values() else None


def _template(value: str) -> TemplateId | None:
    return TemplateId(value) if value in TemplateId.__members__.values() else None


@router.get("/hr/contracts")
def contracts_page(
    request: Request,
    state: Annotated[str, Query(max_length=30)] = "",
    template: Annotated[str, Query(max_length=30)] = "",
    number: Annotated[str, Query(max_length=64)] = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    where = ListFilter(
        state=_state(state),
        template=_template(template),
        number_prefix=number.strip() or None,
    )
    try:
        found = list_page(container_of(request).uow, staff.scope, where, PAGE_SIZE, cursor or None)
    except LaborSignError as exc:
        return message_page(request, exc, status=400)
    # The filters again, for the "next page" link.
    kept = "&".join(
        f"{k}={v}" for k, v in (("state", state), ("template", template), ("number", number)) if v
    )
    return page(
        request,
        "hr/contracts.html",
        staff,
        lines=[_line(s, staff) for s in found.items],
        next_href=(
            f"/hr/contracts?{kept + '&' if kept else ''}cursor={found.next_cursor}"
            if found.next_cursor
            else None
        ),
        first_page=cursor is None,
        states=[(s.value, staff.t.text(STATE_NAMES[s])) for s in State],
        templates=[(t.value, staff.t.text(TEMPLATE_TITLES[t])) for t in TemplateId],
        chosen={"state": state, "template": template, "number": number},
        may_draft=staff.has(DRAFTERS),
    )


# ---- the form ---------------------------------------------------------------------------------


def _employer_values(container: Container, staff: Staff) -> dict[str, str]:
    """The employer block from the organisation's own record."""
    with container.uow(staff.scope) as uow:
        org = uow.session.get(OrganisationRow, staff.org_id)
        if org is None:
            return {}
        out = {
            "employer.name": org.name,
            "employer.credit_code": org.credit_code,
            "employer.legal_representative": org.legal_representative,
            "employer.registered_address": org.registered_address,
            "employer.business_address": org.business_address or org.registered_address,
            "employer.phone": org.phone,
            "employer.agent": "",
        }
        if org.dispatch_licence:
            out["employer.dispatch_licence"] = org.dispatch_licence
        return out


def _starting_values(
    container: Container, staff: Staff, template: TemplateId, worker_id: str | None
) -> dict[str, str]:
    """A new form: the model text's example as a starting point, the organisation's own
    employer block, the chosen worker's identity, and a fresh contract number."""
    values = values_of(example_contract(template).model_dump(mode="json"))
    values.update(_employer_values(container, staff))
    values["number"] = "LS-" + utc_now().strftime("%Y%m%d-%H%M%S")
    if worker_id:
        person = worker_identity(container, staff.scope, worker_id)
        values["worker.name"] = person.name
        values["worker.id_number"] = person.id_number
        values["worker.phone"] = person.phone or ""
    return values


def _form_page(
    request: Request,
    staff: Staff,
    *,
    template: TemplateId,
    values: Mapping[str, str],
    worker_id: str | None,
    placed: Placed | None = None,
    contract: ContractSummary | None = None,
    acknowledged: frozenset[str] = frozenset(),
) -> Response:
    container = container_of(request)
    return page(
        request,
        "hr/contract_form.html",
        staff,
        template_id=template.value,
        template_title=staff.t.text(TEMPLATE_TITLES[template]),
        templates=[(t.value, staff.t.text(TEMPLATE_TITLES[t])) for t in TemplateId],
        sections=sections(template),
        values=values,
        placed=placed or Placed(),
        worker_id=worker_id or "",
        workers=workers(container, staff.scope, ""),
        contract=contract,
        action=f"/hr/contracts/{contract.id}/edit" if contract else "/hr/contracts/new",
        acknowledged=acknowledged | (frozenset(contract.acknowledged) if contract else frozenset()),
    )


@router.get("/hr/contracts/new")
def new_contract_page(
    request: Request,
    template: Annotated[str, Query(max_length=30)] = "general",
    worker_id: Annotated[str, Query(max_length=36)] = "",
) -> Response:
    staff = open_page(request, DRAFTERS)
    if not isinstance(staff, Staff):
        return staff
    chosen = _template(template) or TemplateId.GENERAL
    try:
        values = _starting_values(container_of(request), staff, chosen, worker_id or None)
    except NotFound as exc:
        return not_found(request, exc)
    return _form_page(request, staff, template=chosen, values=values, worker_id=worker_id)


def _notes(findings: list[Finding], inputs: list[str]) -> Placed:
    placed = Placed()
    for f in findings:
        warning = f.severity is Severity.WARNING
        severity = "error" if f.severity is Severity.ERROR else ("warning" if warning else "info")
        note = Note(severity, f.message, f.article, warning_id(f) if warning else None)
        placed.add(f.field, note, inputs)
    return placed


def _submit(
    request: Request,
    staff: Staff,
    form: Mapping[str, str],
    acked: frozenset[str],
    contract_id: str | None,
) -> Response:
    """Validate, save (create or revise), acknowledge, then go on or show the findings."""
    container = container_of(request)
    template = _template(form.get("template", "")) or TemplateId.GENERAL
    inputs = input_paths(template)
    values = {p: form.get(p, "") for p in inputs}
    worker_id = form.get("worker_id", "").strip() or None
    service = container.contracts
    current = None
    try:
        check_csrf(staff, form.get("csrf", ""))
        if contract_id is not None:
            current = service.summary(staff.scope, contract_id)
    except NotFound as exc:
        return not_found(request, exc)
    except LaborSignError as exc:
        return message_page(request, exc, status=exc.http_status)

    def again(placed: Placed, contract: ContractSummary | None = current) -> Response:
        return _form_page(
            request,
            staff,
            template=template,
            values=values,
            worker_id=worker_id,
            placed=placed,
            contract=contract,
            acknowledged=acked,
        )

    try:
        data = Contract.model_validate(parse(form, template))
    except ValidationError as exc:
        placed = Placed()
        for path, note in validation_notes(exc):
            placed.add(path, note, inputs)
        return again(placed)
    now = utc_now()
    try:
        result: DraftResult
        if contract_id is None:
            result = service.create_draft(staff.scope, data, now=now, worker_id=worker_id)
        else:
            version = form.get("version", "")
            result = service.update_draft(
                staff.scope,
                contract_id,
                data,
                now=now,
                worker_id=worker_id,
                expected_version=int(version) if version.isdigit() else None,
            )
    except LaborSignError as exc:
        placed = Placed()
        placed.add(exc.field, Note("error", exc.message), inputs)
        return again(placed)
    summary = result.contract
    to_acknowledge = sorted(acked & set(summary.warnings))
    if to_acknowledge:
        summary = service.acknowledge_warnings(staff.scope, summary.id, to_acknowledge, now=now)
    open_warnings = set(summary.warnings) - set(summary.acknowledged)
    if summary.errors == 0 and not open_warnings:
        return see_other(f"/hr/contracts/{summary.id}?saved=1")
    return again(_notes(result.findings, inputs), summary)


async def _form_of(request: Request) -> tuple[dict[str, str], frozenset[str]]:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    acked = frozenset(v for v in raw.getlist("ack") if isinstance(v, str))
    return form, acked


@router.post("/hr/contracts/new")
async def create_contract(request: Request) -> Response:
    staff = open_page(request, DRAFTERS)
    if not isinstance(staff, Staff):
        return staff
    form, acked = await _form_of(request)
    return await run_in_threadpool(_submit, request, staff, form, acked, None)


@router.get("/hr/contracts/{contract_id}/edit")
def edit_contract_page(request: Request, contract_id: str) -> Response:
    staff = open_page(request, DRAFTERS)
    if not isinstance(staff, Staff):
        return staff
    try:
        detail = container_of(request).contracts.get(staff.scope, contract_id)
    except NotFound as exc:
        return not_found(request, exc)
    if detail.summary.state is not State.DRAFT:
        return see_other(f"/hr/contracts/{contract_id}")
    return _form_page(
        request,
        staff,
        template=detail.data.template,
        values=values_of(detail.data.model_dump(mode="json")),
        worker_id=detail.summary.worker_id,
        contract=detail.summary,
    )


@router.post("/hr/contracts/{contract_id}/edit")
async def update_contract(request: Request, contract_id: str) -> Response:
    staff = open_page(request, DRAFTERS)
    if not isinstance(staff, Staff):
        return staff
    form, acked = await _form_of(request)
    return await run_in_threadpool(_submit, request, staff, form, acked, contract_id)


# ---- the contract page and its actions --------------------------------------------------------


def _employer_may(summary: ContractSummary, action: lc.Action) -> bool:
    return any(
        t.source is summary.state and t.action is action and t.party is Party.EMPLOYER
        for t in lc.transitions(summary.signing_order)
    )


def _contract_page(
    request: Request,
    staff: Staff,
    contract_id: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    findings: list[Finding] | None = None,
    status: int = 200,
    viewed: bool = False,
) -> Response:
    """The contract page; `viewed`: HR opened it, which is recorded as evidence (a view of
    the contract, as the API records its reads)."""
    container = container_of(request)
    try:
        if viewed:  # read and recorded in one transaction, as the API does
            summary, _ = read_contract(
                container, staff.principal, contract_id, utc_now(), data=False
            )
        else:
            summary = container.contracts.summary(staff.scope, contract_id)
    except NotFound as exc:
        return not_found(request, exc)
    waiting = waiting_party(summary.state, summary.signing_order)
    worker = None
    if summary.worker_id:
        worker = worker_identity(container, staff.scope, summary.worker_id).masked
    drafter = staff.has(DRAFTERS)
    open_warnings = sorted(set(summary.warnings) - set(summary.acknowledged))
    return page(
        request,
        "hr/contract.html",
        staff,
        status=status,
        c=summary,
        state_name=staff.t.text(STATE_NAMES[summary.state]),
        template_title=staff.t.text(TEMPLATE_TITLES[TemplateId(summary.template)]),
        worker=worker,
        times={
            "created": beijing(summary.created_at),
            "sent": beijing(summary.sent_at),
            "completed": beijing(summary.completed_at),
            "expires": beijing(summary.expires_at),
        },
        events=timeline(container, summary.id, staff.t.lang),
        may_edit=drafter and summary.state is State.DRAFT,
        may_send=drafter
        and _employer_may(summary, lc.Action.SEND)
        and summary.errors == 0
        and not open_warnings,
        send_blocked=drafter
        and summary.state is State.DRAFT
        and bool(summary.errors or open_warnings),
        may_void=drafter and _employer_may(summary, lc.Action.VOID),
        may_sign=staff.has(SIGNERS) and waiting == "employer",
        may_remind=drafter and waiting is not None,
        may_paper=summary.state is State.EFFECTIVE,
        waiting=staff.t(f"hr.contract.waiting_{waiting}") if waiting else None,
        error=error,
        notice=notice,
        findings=[(f.field, staff.t.text(f.message)) for f in findings or []],
        saved=request.query_params.get("saved") == "1",
    )


@router.get("/hr/contracts/{contract_id}")
def contract_page(request: Request, contract_id: str) -> Response:
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    done = request.query_params.get("done", "")
    notice = staff.t.text(DONE[done]) if done in DONE else None
    return _contract_page(request, staff, contract_id, notice=notice, viewed=True)


def act(
    request: Request,
    contract_id: str,
    csrf: str,
    action: Any,
    done: str | Any,
    policy: Allow = DRAFTERS,
) -> Response:
    """Run `action(staff)` for a contract page's form, then back to the page with the notice
    `done` (or `done(result)`); a refusal is shown on the page, another employer's contract
    is absent."""
    staff = open_page(request, policy)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
        result = action(staff)
    except NotFound as exc:
        return not_found(request, exc)
    except ContractHasErrors as exc:
        return _contract_page(
            request, staff, contract_id, error=staff.t.text(exc.message), findings=exc.findings
        )
    except LaborSignError as exc:
        return _contract_page(request, staff, contract_id, error=staff.t.text(exc.message))
    key = done if isinstance(done, str) else done(result)
    return see_other(f"/hr/contracts/{contract_id}?done={key}")


@router.post("/hr/contracts/{contract_id}/send")
def send_contract(
    request: Request, contract_id: str, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    service = container_of(request).contracts
    return act(
        request,
        contract_id,
        csrf,
        lambda staff: service.send(staff.scope, contract_id, now=utc_now()),
        "sent",
    )


@router.post("/hr/contracts/{contract_id}/void")
def void_contract(
    request: Request,
    contract_id: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    service = container_of(request).contracts

    def void(staff: Staff) -> object:
        if not reason.strip():
            raise InvalidInput(VOID_REASON_NEEDED, field="reason")
        return service.void(staff.scope, contract_id, now=utc_now(), reason=reason.strip())

    return act(request, contract_id, csrf, void, "voided")


VOID_REASON_NEEDED = Text("请填写作废原因", "give the reason for voiding")


DONE: dict[str, Text] = {
    "sent": Text("合同已发送给劳动者。", "The contract was sent to the worker."),
    "voided": Text("合同已作废。", "The contract was voided."),
    "signed": Text("用人单位已签署。", "The employer signed."),
    "effective": Text(
        "用人单位已签署，合同已生效。", "The employer signed; the contract is in effect."
    ),
    "reminded_worker": Text("已提醒劳动者签署。", "The worker was reminded to sign."),
    "reminded_employer": Text(
        "已通知本单位的系统：合同等待用人单位签署。",
        "Your systems were told that the contract awaits the employer's signature.",
    ),
    "not_reminded": Text(
        "本时段内已经提醒过，未再次提醒。",
        "A reminder went out in this period already; none was sent now.",
    ),
}
