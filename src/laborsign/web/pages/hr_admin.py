"""HR console: the employer administrator's pages — staff accounts and roles, API keys,
webhook subscriptions with their deliveries, and the organisation's security events.

Secrets (a new account's TOTP secret, an API key, a webhook signing secret) are shown once,
in the answer to the form that made them, and never again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import or_, select

from laborsign.db.tenancy import Scope
from laborsign.errors import LaborSignError, NotFound
from laborsign.i18n import Text
from laborsign.parties import audit
from laborsign.parties.apikeys import ApiScope
from laborsign.parties.roles import EMPLOYER_ROLES, Role
from laborsign.parties.tables import ApiKeyRow, SecurityEventRow, StaffUserRow
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
ROLE_ORDER = (Role.EMPLOYER_ADMIN, Role.HR, Role.SIGNER)
AUDIT_SHOWN = 200


# ---- staff accounts ---------------------------------------------------------------------------


def _users_page(request: Request, staff: Staff, **context: Any) -> Response:
    accounts = container_of(request).parties.accounts.list_for(staff.scope)
    defaults: dict[str, Any] = {"error": None, "made": None, "form": {}}
    return page(
        request,
        "hr/users.html",
        staff,
        accounts=accounts,
        roles=[(r.value, staff.t(f"role.{r.value}")) for r in ROLE_ORDER],
        **(defaults | context),
    )


@router.get("/hr/admin/users")
def users_page(request: Request) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    return _users_page(request, staff)


def _roles(values: list[str]) -> list[Role]:
    return [Role(v) for v in values if v in EMPLOYER_ROLES]


@router.post("/hr/admin/users")
def create_user(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=256)],
    roles: Annotated[list[str] | None, Form()] = None,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    form = {"username": username, "display_name": display_name}
    try:
        check_csrf(staff, csrf)
        made = container_of(request).parties.accounts.create(
            staff.scope,
            username=username,
            display_name=display_name,
            password=password,
            roles=_roles(roles or []),
            org_id=staff.org_id,
            now=utc_now(),
        )
    except LaborSignError as exc:
        return _users_page(request, staff, error=staff.t.text(exc.message), form=form)
    return _users_page(request, staff, made={"username": username.strip().lower(), "new": made})


@router.post("/hr/admin/users/{user_id}/roles")
def set_user_roles(
    request: Request,
    user_id: str,
    roles: Annotated[list[str] | None, Form()] = None,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
        container_of(request).parties.accounts.set_roles(
            staff.scope, user_id, _roles(roles or []), utc_now()
        )
    except NotFound as exc:
        return not_found(request, exc)
    except LaborSignError as exc:
        return _users_page(request, staff, error=staff.t.text(exc.message))
    return see_other("/hr/admin/users")


# ---- API keys ---------------------------------------------------------------------------------


def _keys_page(request: Request, staff: Staff, **context: Any) -> Response:
    defaults: dict[str, Any] = {"error": None, "made": None}
    return page(
        request,
        "hr/api_keys.html",
        staff,
        keys=container_of(request).parties.api_keys.list_for(staff.scope),
        scopes=[s.value for s in ApiScope],
        **(defaults | context),
    )


@router.get("/hr/admin/api-keys")
def api_keys_page(request: Request) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    return _keys_page(request, staff)


@router.post("/hr/admin/api-keys")
def create_api_key(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    scopes: Annotated[list[str] | None, Form()] = None,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
        made = container_of(request).parties.api_keys.create(
            staff.scope, name, scopes or [], utc_now()
        )
    except LaborSignError as exc:
        return _keys_page(request, staff, error=staff.t.text(exc.message))
    return _keys_page(request, staff, made=made)


@router.post("/hr/admin/api-keys/{key_id}/revoke")
def revoke_api_key(
    request: Request, key_id: str, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
        container_of(request).parties.api_keys.revoke(staff.scope, key_id, utc_now())
    except NotFound as exc:
        return not_found(request, exc)
    except LaborSignError as exc:
        return _keys_page(request, staff, error=staff.t.text(exc.message))
    return see_other("/hr/admin/api-keys")


# ---- webhooks ---------------------------------------------------------------------------------


def _hooks_page(request: Request, staff: Staff, **context: Any) -> Response:
    defaults: dict[str, Any] = {"error": None, "made": None, "form": {"url": "", "events": "*"}}
    return page(
        request,
        "hr/webhooks.html",
        staff,
        subscriptions=container_of(request).webhooks.subscriptions(staff.org_id),
        **(defaults | context),
    )


@router.get("/hr/admin/webhooks")
def webhooks_page(request: Request) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    return _hooks_page(request, staff)


@router.post("/hr/admin/webhooks")
def subscribe(
    request: Request,
    url: Annotated[str, Form(max_length=500)],
    events: Annotated[str, Form(max_length=500)] = "*",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    kinds = [e for e in events.replace(",", " ").split() if e]
    try:
        check_csrf(staff, csrf)
        subscription, secret = container_of(request).webhooks.subscribe(
            staff.org_id, url.strip(), kinds, now=utc_now()
        )
    except LaborSignError as exc:
        return _hooks_page(
            request, staff, error=staff.t.text(exc.message), form={"url": url, "events": events}
        )
    return _hooks_page(request, staff, made={"url": subscription.url, "secret": secret})


@router.post("/hr/admin/webhooks/{subscription_id}/deactivate")
def deactivate(
    request: Request, subscription_id: str, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
        container_of(request).webhooks.deactivate(staff.org_id, subscription_id)
    except NotFound as exc:
        return not_found(request, exc)
    except LaborSignError as exc:
        return _hooks_page(request, staff, error=staff.t.text(exc.message))
    return see_other("/hr/admin/webhooks")


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    id: str
    event_type: str
    status: str
    attempts: int
    status_code: int | None
    next_retry: str
    delivered: str


@router.get("/hr/admin/webhooks/{subscription_id}")
def deliveries_page(request: Request, subscription_id: str) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    hooks = container_of(request).webhooks
    mine = [s for s in hooks.subscriptions(staff.org_id) if s.id == subscription_id]
    if not mine:
        return not_found(request, NotFound(staff_absent()))
    lines = [
        DeliveryLine(
            d.id,
            d.event_type,
            d.status,
            d.attempts,
            d.status_code,
            beijing(d.next_retry_at),
            beijing(d.delivered_at),
        )
        for d in hooks.deliveries(staff.org_id, subscription_id)
    ]
    return page(request, "hr/deliveries.html", staff, subscription=mine[0], lines=lines)


def staff_absent() -> Text:
    return Text("没有这个 webhook 订阅", "no such webhook subscription")


@router.post("/hr/admin/webhooks/{subscription_id}/deliveries/{delivery_id}/replay")
def replay(
    request: Request,
    subscription_id: str,
    delivery_id: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    try:
        check_csrf(staff, csrf)
        container_of(request).webhooks.replay(staff.org_id, delivery_id, utc_now())
    except NotFound as exc:
        return not_found(request, exc)
    return see_other(f"/hr/admin/webhooks/{subscription_id}")


# ---- audit ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: str
    kind: str
    actor: str
    subject: str
    outcome: str
    source: str


def organisation_events(request: Request, staff: Staff) -> list[AuditLine]:
    """Security events whose actor or subject is one of the organisation's accounts or API
    keys, newest first. The table is the audit administrator's: it is read in the system
    scope, narrowed here to the organisation's own names, so no other employer's event and
    no platform event shows."""
    container = container_of(request)
    with container.uow(staff.scope) as uow:
        users = list(uow.session.scalars(select(StaffUserRow.id)))
        keys = list(uow.session.scalars(select(ApiKeyRow.id)))
    names = [audit.staff(u) for u in users] + users + [f"apikey:{k}" for k in keys]
    if not names:
        return []
    with container.uow(Scope.system("hr-audit-view")) as uow:
        rows = uow.session.scalars(
            select(SecurityEventRow)
            .where(or_(SecurityEventRow.actor.in_(names), SecurityEventRow.subject.in_(names)))
            .order_by(SecurityEventRow.at.desc(), SecurityEventRow.id.desc())
            .limit(AUDIT_SHOWN)
        )
        return [
            AuditLine(beijing(r.at), r.kind, r.actor, r.subject or "", r.outcome, r.source or "")
            for r in rows
        ]


@router.get("/hr/admin/audit")
def audit_page(request: Request) -> Response:
    staff = open_page(request, ADMINS)
    if not isinstance(staff, Staff):
        return staff
    return page(request, "hr/audit.html", staff, lines=organisation_events(request, staff))
