"""API v1 routes of the contracts domain: templates, drafts, sending, reading, documents.

Routes parse, call the contract service, and answer; the service owns every transaction.
Every read of a contract through the API (summary, data, PDF, verification report, evidence
package) is recorded as an evidence event first (`contracts.access`), so the worker can
see who looked at his contract.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from laborsign.contracts.access import AccessKind, read_contract, record_access
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.listing import ListFilter, list_page
from laborsign.contracts.model import Contract, TemplateId
from laborsign.errors import Conflict, NotFound
from laborsign.i18n import Text
from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import Role
from laborsign.web.auth import WORKER, Principal, allow, authenticated, container_of, utc_now
from laborsign.web.idempotency import idempotent

router = APIRouter(prefix="/api/v1", tags=["contracts"])

Caller = Principal | None
DRAFTERS = (Role.EMPLOYER_ADMIN, Role.HR)
EMPLOYER_STAFF = (Role.EMPLOYER_ADMIN, Role.HR, Role.SIGNER)
# Who may read a contract; the data layer narrows it to the rows each may see (an
# authority: only what a recorded legal basis covers; a worker: his own).
READERS = (*EMPLOYER_STAFF, WORKER, Role.AUTHORITY)

Draft = Annotated[Caller, Depends(allow(*DRAFTERS, api_scope=ApiScope.CONTRACTS_WRITE))]
Reader = Annotated[Caller, Depends(allow(*READERS, api_scope=ApiScope.CONTRACTS_READ))]
TemplateReader = Annotated[
    Caller, Depends(allow(*EMPLOYER_STAFF, api_scope=ApiScope.CONTRACTS_READ))
]

NOT_EFFECTIVE = Text(
    "合同生效后才有证据包（签署过程完整后才能离线验证）",
    "a contract has an evidence package once it is effective (a complete signing)",
)
TEMPLATE_TITLES = {
    TemplateId.GENERAL: Text("劳动合同（通用）", "Labor contract (general)"),
    TemplateId.DISPATCH: Text("劳动合同（劳务派遣）", "Labor contract (labor dispatch)"),
}


# -- templates --------------------------------------------------------------------------------


def _template(template: TemplateId) -> dict[str, Any]:
    return {
        "id": template.value,
        "title": TEMPLATE_TITLES[template].zh,
        "title_en": TEMPLATE_TITLES[template].en,
        "schema": Contract.model_json_schema(mode="validation"),
        "example": example_contract(template).model_dump(mode="json"),
    }


@router.get("/templates")
def list_templates(_: TemplateReader) -> list[dict[str, Any]]:
    """The model contract texts of the guideline, each with its JSON Schema and an example."""
    return [_template(t) for t in TemplateId]


@router.get("/templates/{template_id}")
def get_template(template_id: str, _: TemplateReader) -> dict[str, Any]:
    try:
        return _template(TemplateId(template_id))
    except ValueError:
        raise NotFound(Text("没有这个合同范本", "no such template"), field="template_id") from None


# -- drafts -----------------------------------------------------------------------------------


class CreateBody(BaseModel):
    data: Contract
    worker_id: str | None = Field(default=None, max_length=36)
    signing_order: SigningOrder = SigningOrder.WORKER_FIRST


class UpdateBody(BaseModel):
    data: Contract
    worker_id: str | None = Field(default=None, max_length=36)
    # The `version` the caller read: a change made meanwhile by someone else is refused.
    expected_version: int | None = Field(default=None, ge=1)


class AcknowledgeBody(BaseModel):
    warning_ids: list[Annotated[str, Field(max_length=300)]] = Field(max_length=200)


class SendBody(BaseModel):
    deadline: datetime | None = None


def _draft_json(result: Any) -> dict[str, Any]:
    return {
        "contract": result.contract.to_json(),
        "findings": [f.as_dict() for f in result.findings],
    }


@router.post("/contracts", status_code=201)
def create_contract(request: Request, body: CreateBody, caller: Draft) -> JSONResponse:
    """A new draft from a template's data; the labor-law findings come back with it (a draft
    may be saved with errors; it cannot be sent until they are fixed)."""
    principal, now = authenticated(caller), utc_now()
    service = container_of(request).contracts
    return idempotent(
        request,
        principal,
        body.model_dump(mode="json"),
        lambda: _draft_json(
            service.create_draft(
                principal.scope,
                body.data,
                now=now,
                worker_id=body.worker_id,
                signing_order=body.signing_order,
            )
        ),
        now,
    )


@router.put("/contracts/{contract_id}")
def update_contract(
    request: Request, contract_id: str, body: UpdateBody, caller: Draft
) -> dict[str, Any]:
    """A new revision of a draft, checked and rendered like the first."""
    principal = authenticated(caller)
    result = container_of(request).contracts.update_draft(
        principal.scope,
        contract_id,
        body.data,
        now=utc_now(),
        worker_id=body.worker_id,
        expected_version=body.expected_version,
    )
    return _draft_json(result)


@router.post("/contracts/{contract_id}/acknowledge")
def acknowledge_warnings(
    request: Request, contract_id: str, body: AcknowledgeBody, caller: Draft
) -> dict[str, object]:
    """Acknowledge warnings of the current draft by id (as the findings list them)."""
    summary = container_of(request).contracts.acknowledge_warnings(
        authenticated(caller).scope, contract_id, body.warning_ids, now=utc_now()
    )
    return summary.to_json()


@router.post("/contracts/{contract_id}/send")
def send_contract(
    request: Request, contract_id: str, caller: Draft, body: SendBody | None = None
) -> dict[str, object]:
    """Send to the worker: the rules run again; errors or unacknowledged warnings refuse."""
    summary = container_of(request).contracts.send(
        authenticated(caller).scope,
        contract_id,
        now=utc_now(),
        deadline=body.deadline if body else None,
    )
    return summary.to_json()


@router.post("/contracts/{contract_id}/void")
def void_contract(request: Request, contract_id: str, caller: Draft) -> dict[str, object]:
    summary = container_of(request).contracts.void(
        authenticated(caller).scope, contract_id, now=utc_now()
    )
    return summary.to_json()


# -- reading ----------------------------------------------------------------------------------


@router.get("/contracts")
def list_contracts(
    request: Request,
    caller: Reader,
    state: State | None = None,
    template: TemplateId | None = None,
    number: Annotated[str | None, Query(max_length=64, description="number prefix")] = None,
    worker_id: Annotated[str | None, Query(max_length=36)] = None,
    term_end_before: datetime | None = None,
    term_end_after: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """Contracts the caller may see, newest first (ties by id): a stable order, so that
    `next_cursor` pages through a list that grows meanwhile without repeats or gaps."""
    found = ListFilter(
        state=state,
        template=template,
        number_prefix=number,
        worker_id=worker_id,
        term_end_before=term_end_before.date() if term_end_before else None,
        term_end_after=term_end_after.date() if term_end_after else None,
    )
    page = list_page(container_of(request).uow, authenticated(caller).scope, found, limit, cursor)
    return {
        "items": [s.to_json() for s in page.items],
        "limit": limit,
        "next_cursor": page.next_cursor,
    }


@router.get("/contracts/{contract_id}")
async def get_contract(
    request: Request,
    contract_id: str,
    caller: Reader,
    include_data: Annotated[bool, Query(description="also the contract's data")] = False,
) -> dict[str, Any]:
    """The contract's state and clear facts; with `include_data`, its full (personal) data,
    which costs a decryption."""
    principal, container = authenticated(caller), container_of(request)

    def read() -> dict[str, Any]:
        summary, data = read_contract(
            container, principal, contract_id, utc_now(), data=include_data
        )
        out = summary.to_json()
        if data is not None:
            out["data"] = data.model_dump(mode="json")
        return out

    # The busiest read of the API: one worker thread for the database work, where a plain
    # `def` route would take a second one just to check its return value.
    return await run_in_threadpool(read)


@router.get("/contracts/{contract_id}/pdf", response_class=Response)
def download_pdf(request: Request, contract_id: str, caller: Reader) -> Response:
    """The current revision of the contract's PDF (the signed one once signed)."""
    principal, container = authenticated(caller), container_of(request)
    current = container.contracts.current_document(principal.scope, contract_id)
    record_access(container, principal, current.contract, AccessKind.PDF, utc_now())
    return Response(
        current.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": _attachment(f"{current.contract.number}.pdf")},
    )


@router.get("/contracts/{contract_id}/verification")
def verification_report(request: Request, contract_id: str, caller: Reader) -> dict[str, Any]:
    """The platform verifier's report on the current document (signatures, timestamps,
    long-term validation), against the platform's trust roots."""
    from laborsign.signing.signer import to_asn1
    from laborsign.verification.pdf import verify_pdf

    principal, container = authenticated(caller), container_of(request)
    current = container.contracts.current_document(principal.scope, contract_id)
    now = utc_now()
    record_access(container, principal, current.contract, AccessKind.VERIFICATION, now)
    roots = [to_asn1(c) for c in container.signing.trust_material().roots]
    report: dict[str, Any] = verify_pdf(current.pdf, roots, now).to_dict()
    # Enums and tuples as plain JSON.
    return dict(json.loads(json.dumps(report, default=str)))


@router.get("/contracts/{contract_id}/evidence", response_class=Response)
def evidence_package(request: Request, contract_id: str, caller: Reader) -> Response:
    """The evidence package (ZIP) of the contract with its stored PDF; it verifies offline
    with `laborsign evidence verify`."""
    from laborsign.evidence.package_wiring import export_for

    principal, container = authenticated(caller), container_of(request)
    current = container.contracts.current_document(principal.scope, contract_id)
    if current.contract.completed_at is None:
        raise Conflict(NOT_EFFECTIVE, field="contract_id")
    now = utc_now()
    # Recorded before the export, so that the package shows its own download.
    record_access(container, principal, current.contract, AccessKind.EVIDENCE, now)
    package = export_for(container, contract_id, current.pdf, utc_now())
    return Response(
        package,
        media_type="application/zip",
        headers={"Content-Disposition": _attachment(f"{current.contract.number}-evidence.zip")},
    )


def _attachment(filename: str) -> str:
    """RFC 6266 with an RFC 8187 name: contract numbers may hold Chinese characters."""
    plain = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"
