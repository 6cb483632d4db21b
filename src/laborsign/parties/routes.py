"""API v1 routes of the parties domain. Each route declares its policy with `Allow`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from laborsign.db.tenancy import Scope
from laborsign.parties.accounts import LOGIN_FAILED, AuthenticationFailed
from laborsign.parties.apikeys import ApiScope
from laborsign.parties.organisations import NewOrganisation
from laborsign.parties.roles import Role
from laborsign.parties.tables import SecurityEventRow
from laborsign.parties.workers import NewWorker
from laborsign.web.auth import (
    COOKIE,
    PUBLIC,
    WORKER,
    Principal,
    allow,
    authenticated,
    container_of,
    sessions_of,
    utc_now,
)
from laborsign.web.idempotency import idempotent

router = APIRouter(prefix="/api/v1", tags=["parties"])

ACCOUNT_ADMINS = (Role.SYSADMIN, Role.SECADMIN)
EMPLOYER_STAFF = (Role.EMPLOYER_ADMIN, Role.HR, Role.SIGNER)
ANYONE_LOGGED_IN = (*Role, WORKER)

Caller = Principal | None


def _source(request: Request) -> str | None:
    return request.client.host if request.client else None


def _create(
    request: Request,
    caller: Caller,
    body: BaseModel,
    make: Callable[[Scope, datetime], object],
) -> JSONResponse:
    """Creates once per Idempotency-Key, in the caller's scope, with the request's clock."""
    principal, now = authenticated(caller), utc_now()
    return idempotent(
        request, principal, body.model_dump(), lambda: make(principal.scope, now), now
    )


# -- authentication --------------------------------------------------------------------------


class LoginBody(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class TotpBody(BaseModel):
    code: str = Field(max_length=10)


@router.post("/auth/login")
def login(request: Request, body: LoginBody, _: Annotated[Caller, Depends(PUBLIC)]) -> JSONResponse:
    """Password step. Staff with a second factor get a pending session; POST /auth/totp next."""
    now = utc_now()
    result = container_of(request).parties.accounts.login(
        body.username, body.password, now, _source(request)
    )
    sessions = sessions_of(request)
    raw = sessions.open("staff", result.user_id, now, pending=result.second_factor)
    response = JSONResponse(
        {
            "status": "totp_required" if result.second_factor else "ok",
            "password_expired": result.password_expired,
        }
    )
    sessions.set_cookie(response, raw)
    return response


@router.post("/auth/totp")
def totp_step(
    request: Request, body: TotpBody, _: Annotated[Caller, Depends(PUBLIC)]
) -> JSONResponse:
    """Second step: a TOTP code turns the pending session into a new, full one."""
    now = utc_now()
    sessions = sessions_of(request)
    raw = request.cookies.get(COOKIE, "")
    row = sessions.find(raw, now) if raw else None
    if row is None or not row.second_factor_pending:
        raise AuthenticationFailed(LOGIN_FAILED)
    container_of(request).parties.accounts.verify_totp(
        row.subject_id, body.code, now, _source(request)
    )
    # A fresh session id after login: a session id fixed before it is worthless.
    sessions.close(raw)
    new = sessions.open("staff", row.subject_id, now, pending=False)
    response = JSONResponse({"status": "ok"})
    sessions.set_cookie(response, new)
    return response


@router.post("/auth/logout", status_code=204)
def logout(request: Request, _: Annotated[Caller, Depends(allow(*ANYONE_LOGGED_IN))]) -> Response:
    sessions = sessions_of(request)
    raw = request.cookies.get(COOKIE)
    if raw:
        sessions.close(raw)
    response = Response(status_code=204)
    sessions.clear_cookie(response)
    return response


@router.get("/auth/me")
def me(
    request: Request,
    caller: Annotated[Caller, Depends(allow(*ANYONE_LOGGED_IN, api_scope=ApiScope.WORKERS_READ))],
) -> dict[str, object]:
    principal = authenticated(caller)
    csrf = None
    raw = request.cookies.get(COOKIE)
    if raw and principal.via_cookie:
        row = sessions_of(request).find(raw, utc_now())
        csrf = row.csrf_token if row else None
    return {
        "kind": principal.kind,
        "id": principal.id,
        "roles": sorted(principal.roles),
        "org_id": principal.org_id,
        "csrf_token": csrf,
    }


# -- organisations ---------------------------------------------------------------------------


class OrganisationBody(BaseModel):
    kind: str = "employer"
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=30)
    legal_representative: str = Field(max_length=100)
    registered_address: str = Field(max_length=300)
    phone: str = Field(max_length=40)
    business_address: str | None = Field(default=None, max_length=300)
    dispatch_licence: str | None = Field(default=None, max_length=100)


@router.post("/organisations", status_code=201)
def create_organisation(
    request: Request,
    body: OrganisationBody,
    caller: Annotated[Caller, Depends(allow(Role.SYSADMIN))],
) -> JSONResponse:
    service = container_of(request).parties.organisations
    return _create(
        request,
        caller,
        body,
        lambda scope, now: service.create(scope, NewOrganisation(**body.model_dump()), now),
    )


@router.get("/organisations")
def list_organisations(
    request: Request,
    caller: Annotated[Caller, Depends(allow(*ACCOUNT_ADMINS, *EMPLOYER_STAFF))],
) -> list[dict[str, object]]:
    return container_of(request).parties.organisations.list_for(authenticated(caller).scope)


@router.get("/organisations/{org_id}")
def get_organisation(
    request: Request,
    org_id: str,
    caller: Annotated[Caller, Depends(allow(*ACCOUNT_ADMINS, *EMPLOYER_STAFF))],
) -> dict[str, object]:
    return container_of(request).parties.organisations.get(authenticated(caller).scope, org_id)


# -- staff accounts --------------------------------------------------------------------------


class UserBody(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=100)
    password: str = Field(max_length=256)
    roles: list[Role]
    org_id: str | None = None


class RolesBody(BaseModel):
    roles: list[Role]


@router.post("/users", status_code=201)
def create_user(
    request: Request,
    body: UserBody,
    caller: Annotated[Caller, Depends(allow(Role.SYSADMIN, Role.EMPLOYER_ADMIN))],
) -> JSONResponse:
    principal, now = authenticated(caller), utc_now()
    accounts = container_of(request).parties.accounts

    def create() -> dict[str, object]:
        made = accounts.create(
            principal.scope,
            username=body.username,
            display_name=body.display_name,
            password=body.password,
            roles=body.roles,
            org_id=body.org_id,
            now=now,
        )
        # The TOTP secret is shown once, to the administrator who hands it over.
        return {"id": made.id, "totp_secret": made.totp_secret, "totp_uri": made.totp_uri}

    # The password is not part of the stored request digest's input in clear.
    digest_body = body.model_dump(exclude={"password"})
    return idempotent(request, principal, digest_body, create, now)


@router.get("/users")
def list_users(
    request: Request,
    caller: Annotated[Caller, Depends(allow(*ACCOUNT_ADMINS, Role.EMPLOYER_ADMIN))],
) -> list[dict[str, object]]:
    accounts = container_of(request).parties.accounts.list_for(authenticated(caller).scope)
    return [a.to_json() for a in accounts]


@router.get("/users/{user_id}")
def get_user(
    request: Request,
    user_id: str,
    caller: Annotated[Caller, Depends(allow(*ACCOUNT_ADMINS, Role.EMPLOYER_ADMIN))],
) -> dict[str, object]:
    account = container_of(request).parties.accounts.get(authenticated(caller).scope, user_id)
    return account.to_json()


@router.put("/users/{user_id}/roles")
def set_roles(
    request: Request,
    user_id: str,
    body: RolesBody,
    caller: Annotated[Caller, Depends(allow(Role.SECADMIN, Role.EMPLOYER_ADMIN))],
) -> dict[str, object]:
    account = container_of(request).parties.accounts.set_roles(
        authenticated(caller).scope, user_id, body.roles, utc_now()
    )
    return account.to_json()


# -- API keys --------------------------------------------------------------------------------


class ApiKeyBody(BaseModel):
    name: str = Field(max_length=100)
    scopes: list[str]


@router.post("/api-keys", status_code=201)
def create_api_key(
    request: Request,
    body: ApiKeyBody,
    caller: Annotated[Caller, Depends(allow(Role.EMPLOYER_ADMIN))],
) -> JSONResponse:
    keys = container_of(request).parties.api_keys
    return _create(
        request, caller, body, lambda scope, now: keys.create(scope, body.name, body.scopes, now)
    )


@router.get("/api-keys")
def list_api_keys(
    request: Request, caller: Annotated[Caller, Depends(allow(Role.EMPLOYER_ADMIN))]
) -> list[dict[str, object]]:
    return container_of(request).parties.api_keys.list_for(authenticated(caller).scope)


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(
    request: Request, key_id: str, caller: Annotated[Caller, Depends(allow(Role.EMPLOYER_ADMIN))]
) -> Response:
    container_of(request).parties.api_keys.revoke(authenticated(caller).scope, key_id, utc_now())
    return Response(status_code=204)


# -- workers ---------------------------------------------------------------------------------


class WorkerBody(BaseModel):
    name: str = Field(max_length=100)
    id_number: str = Field(max_length=30)
    phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=300)


@router.post("/workers", status_code=201)
def create_worker(
    request: Request,
    body: WorkerBody,
    caller: Annotated[
        Caller,
        Depends(allow(Role.EMPLOYER_ADMIN, Role.HR, api_scope=ApiScope.WORKERS_WRITE)),
    ],
) -> JSONResponse:
    workers = container_of(request).parties.workers
    return _create(
        request,
        caller,
        body,
        lambda scope, now: workers.register(scope, NewWorker(**body.model_dump()), now),
    )


@router.get("/workers")
def list_workers(
    request: Request,
    caller: Annotated[Caller, Depends(allow(*EMPLOYER_STAFF, api_scope=ApiScope.WORKERS_READ))],
) -> list[dict[str, object]]:
    return container_of(request).parties.workers.list_for(authenticated(caller).scope)


@router.get("/workers/{worker_id}")
def get_worker(
    request: Request,
    worker_id: str,
    caller: Annotated[
        Caller,
        Depends(allow(*EMPLOYER_STAFF, WORKER, Role.AUTHORITY, api_scope=ApiScope.WORKERS_READ)),
    ],
) -> dict[str, object]:
    return container_of(request).parties.workers.get(authenticated(caller).scope, worker_id)


# -- authority grants and the security audit -------------------------------------------------


class GrantBody(BaseModel):
    worker_id: str | None = None
    contract_id: str | None = None
    case_number: str = Field(max_length=100)
    legal_document: str = Field(max_length=500)


@router.post("/authority-grants", status_code=201)
def record_grant(
    request: Request, body: GrantBody, caller: Annotated[Caller, Depends(allow(Role.AUTHORITY))]
) -> JSONResponse:
    workers = container_of(request).parties.workers
    return _create(
        request,
        caller,
        body,
        lambda scope, now: workers.record_grant(scope, now=now, **body.model_dump()),
    )


@router.get("/authority-grants")
def list_grants(
    request: Request,
    caller: Annotated[Caller, Depends(allow(Role.AUTHORITY, WORKER, Role.AUDITADMIN))],
) -> list[dict[str, object]]:
    """An authority's own grants; a worker sees who recorded a basis to read his data."""
    return container_of(request).parties.workers.grants(authenticated(caller).scope)


@router.get("/security-events")
def security_events(
    request: Request, caller: Annotated[Caller, Depends(allow(Role.AUDITADMIN))]
) -> list[dict[str, object]]:
    """The security audit trail; the audit administrator alone reads it."""
    scope: Scope = authenticated(caller).scope
    with container_of(request).uow(scope) as uow:
        rows = uow.session.scalars(
            select(SecurityEventRow).order_by(SecurityEventRow.id.desc()).limit(1000)
        )
        return [
            {
                "at": r.at.isoformat(),
                "kind": r.kind,
                "actor": r.actor,
                "subject": r.subject,
                "outcome": r.outcome,
                "source": r.source,
            }
            for r in rows
        ]
