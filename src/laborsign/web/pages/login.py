"""Staff login as HTML forms (password, then TOTP) and the landing page after it.

The steps are the API's (`/api/v1/auth/login`, `/auth/totp`) with the same services and the
same session store: a pending session after the password, a fresh session id after the
second factor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from laborsign.errors import LaborSignError, PermissionDenied
from laborsign.parties.roles import Role
from laborsign.web.auth import (
    COOKIE,
    current_principal,
    sessions_of,
    utc_now,
)
from laborsign.web.i18n import Translator
from laborsign.web.pages.forms import (
    FORM_COOKIE,
    check_login_token,
    check_session_token,
    keep_login_token,
    login_token,
    session_row,
)
from laborsign.web.pages.templating import forbidden_page, page_lang, render

router = APIRouter(include_in_schema=False)
OPERATORS = (Role.SYSADMIN, Role.SECADMIN)


def _source(request: Request) -> str | None:
    return request.client.host if request.client else None


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _login_form(
    request: Request, *, username: str = "", error: str | None = None, status: int = 200
) -> Response:
    token = login_token(request)
    response = render(
        request, "login.html", status=status, csrf=token, username=username, error=error
    )
    keep_login_token(request, response, token, secure=sessions_of(request).secure)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    if current_principal(request) is not None:
        return _see_other("/staff")
    return _login_form(request)


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    t = Translator(page_lang(request))
    try:
        check_login_token(request, csrf)
        now = utc_now()
        result = request.app.state.container.parties.accounts.login(
            username, password, now, _source(request)
        )
    except LaborSignError as exc:
        # A refused login is an answered form, not a failed request: 200 with the message
        # (a 4xx would also count as a failed load in the browser's console).
        status = exc.http_status if isinstance(exc, PermissionDenied) else 200
        return _login_form(request, username=username, error=t.text(exc.message), status=status)
    sessions = sessions_of(request)
    raw = sessions.open("staff", result.user_id, now, pending=result.second_factor)
    if result.second_factor:
        target = "/login/totp"
    else:
        target = "/staff?expired=1" if result.password_expired else "/staff"
    response = _see_other(target)
    sessions.set_cookie(response, raw)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


@router.get("/login/totp")
def totp_page(request: Request) -> Response:
    row = session_row(request)
    if row is None or not row.second_factor_pending:
        return _see_other("/login")
    return render(request, "totp.html", csrf=row.csrf_token, error=None, logged_in=False)


@router.post("/login/totp")
def totp_submit(
    request: Request,
    code: Annotated[str, Form(max_length=10)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    row = session_row(request)
    if row is None or not row.second_factor_pending:
        return _see_other("/login")
    t = Translator(page_lang(request))
    now = utc_now()
    try:
        check_session_token(row, csrf)
        request.app.state.container.parties.accounts.verify_totp(
            row.subject_id, code.strip(), now, _source(request)
        )
    except LaborSignError as exc:
        return render(
            request,
            "totp.html",
            status=exc.http_status if isinstance(exc, PermissionDenied) else 200,
            csrf=row.csrf_token,
            error=t.text(exc.message),
            logged_in=False,
        )
    # A fresh session id after the second factor, as the API does.
    sessions = sessions_of(request)
    sessions.close(request.cookies.get(COOKIE, ""))
    response = _see_other("/staff")
    sessions.set_cookie(response, sessions.open("staff", row.subject_id, now, pending=False))
    return response


@router.get("/staff")
def staff_page(request: Request) -> Response:
    principal = current_principal(request)
    row = session_row(request)
    if principal is None or principal.kind != "staff" or row is None:
        return _see_other("/login")
    parties = request.app.state.container.parties
    resolved = parties.accounts.scope_for(principal.id)
    if resolved is None:
        return _see_other("/login")
    account, scope = resolved
    organisation = None
    if account.org_id is not None:
        organisation = str(parties.organisations.get(scope, account.org_id)["name"])
    t = Translator(page_lang(request))
    return render(
        request,
        "staff.html",
        account=account,
        roles=[t(f"role.{role}") for role in sorted(account.roles)],
        organisation=organisation,
        can_ops=not account.roles.isdisjoint(OPERATORS),
        csrf=row.csrf_token,
        password_expired=request.query_params.get("expired") == "1",
        logged_in=True,
    )


@router.post("/logout")
def logout_submit(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    row = session_row(request)
    sessions = sessions_of(request)
    if row is not None:
        try:
            check_session_token(row, csrf)
        except PermissionDenied as exc:
            return forbidden_page(request, exc, "staff.logout")
        sessions.close(request.cookies.get(COOKIE, ""))
    response = _see_other("/")
    sessions.clear_cookie(response)
    return response
