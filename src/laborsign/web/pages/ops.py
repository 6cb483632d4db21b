"""Operator pages: the status of CA, TSA, key store, notification adapters, job queue and
evidence log, and (development mode only) the development SMS/e-mail outbox."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from laborsign.errors import PermissionDenied
from laborsign.notify.dev_outbox import read_dev_outbox
from laborsign.parties.roles import Role
from laborsign.web.auth import Unauthenticated, allow, container_of, utc_now
from laborsign.web.pages.ops_status import collect, when
from laborsign.web.pages.templating import forbidden_page, render

router = APIRouter(include_in_schema=False)
# The platform's system and security administrators; the audit administrator reads the
# audit trail, not the machinery (三员分立).
OPERATORS = allow(Role.SYSADMIN, Role.SECADMIN)
OUTBOX_SHOWN = 50


@dataclass(frozen=True, slots=True)
class OutboxLine:
    time: str
    channel: str
    recipient: str
    subject: str
    body: str


@router.get("/ops")
def ops_page(request: Request) -> Response:
    try:
        OPERATORS(request)
    except Unauthenticated:
        return RedirectResponse("/login", status_code=303)
    except PermissionDenied as exc:
        return forbidden_page(request, exc, "ops.title")
    container = container_of(request)
    settings = container.settings
    outbox = None
    if not settings.is_production:
        outbox = [
            OutboxLine(when(m.created_at), m.channel, m.recipient, m.subject, m.body)
            for m in read_dev_outbox(
                container.uow, container.secret_key, development=True, limit=OUTBOX_SHOWN
            )
        ]
    return render(
        request,
        "ops.html",
        parts=collect(container, utc_now()),
        mode=settings.mode.value,
        outbox=outbox,
        logged_in=True,
    )
