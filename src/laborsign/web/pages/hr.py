"""The HR console: dashboard and workers. Contracts are in `hr_contracts`, the employer
administrator's pages in `hr_admin`; `ROUTERS` lists them all for `pages.install`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from laborsign.errors import LaborSignError
from laborsign.parties.workers import NewWorker
from laborsign.web.auth import container_of, utc_now
from laborsign.web.pages import hr_admin, hr_bulk, hr_contracts, hr_seals, hr_signing
from laborsign.web.pages.hr_common import (
    DRAFTERS,
    EMPLOYER_STAFF,
    Staff,
    check_csrf,
    open_page,
    page,
)
from laborsign.web.pages.hr_views import dashboard, workers

router = APIRouter(include_in_schema=False)


@router.get("/hr")
def dashboard_page(request: Request) -> Response:
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    view = dashboard(container_of(request), staff.scope, utc_now(), staff.t.lang)
    return page(request, "hr/dashboard.html", staff, view=view)


def _workers_page(
    request: Request,
    staff: Staff,
    *,
    query: str = "",
    error: str | None = None,
    added: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        "hr/workers.html",
        staff,
        status=status,
        workers=workers(container_of(request), staff.scope, query),
        query=query,
        error=error,
        added=added,
        form=form or {"name": "", "id_number": "", "phone": ""},
        may_add=staff.has(DRAFTERS),
    )


@router.get("/hr/workers")
def workers_page(request: Request, q: Annotated[str, Query(max_length=64)] = "") -> Response:
    staff = open_page(request, EMPLOYER_STAFF)
    if not isinstance(staff, Staff):
        return staff
    return _workers_page(request, staff, query=q)


@router.post("/hr/workers")
def add_worker(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    id_number: Annotated[str, Form(max_length=32)],
    phone: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, DRAFTERS)
    if not isinstance(staff, Staff):
        return staff
    form = {"name": name, "id_number": id_number, "phone": phone}
    try:
        check_csrf(staff, csrf)
        made = container_of(request).parties.workers.register(
            staff.scope,
            NewWorker(name=name, id_number=id_number.strip(), phone=phone.strip() or None),
            utc_now(),
        )
    except LaborSignError as exc:
        return _workers_page(request, staff, error=staff.t.text(exc.message), form=form)
    return _workers_page(request, staff, added=str(made["name"]))


ROUTERS = (
    router,
    hr_contracts.router,
    hr_signing.router,
    hr_bulk.router,
    hr_admin.router,
    hr_seals.router,
)
