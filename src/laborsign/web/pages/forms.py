"""CSRF protection for HTML forms, which cannot send the API's X-CSRF-Token header.

Forms of a logged-in (or half logged-in) session carry the session's own CSRF token in a
hidden field. The login form comes before any session, so it uses a double-submit token: a
random value in a SameSite=Strict cookie that the form must repeat.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from laborsign.errors import PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.tables import WebSessionRow
from laborsign.web.auth import COOKIE, sessions_of, utc_now

FORM_COOKIE = "laborsign_form"
FORM_FIELD = "csrf"
CSRF_FAILED = Text(
    "表单已过期或来源不明，请刷新页面后重试",
    "The form expired or came from elsewhere; reload and retry",
)


def login_token(request: Request) -> str:
    """The double-submit token for the login form: the cookie's, or a new one."""
    return request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)


def keep_login_token(request: Request, response: Response, token: str, *, secure: bool) -> None:
    if request.cookies.get(FORM_COOKIE) != token:
        response.set_cookie(
            FORM_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/"
        )


def _same(sent: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def check_login_token(request: Request, sent: str) -> None:
    if not _same(sent, request.cookies.get(FORM_COOKIE, "")):
        raise PermissionDenied(CSRF_FAILED)


def session_row(request: Request) -> WebSessionRow | None:
    """The live session of the cookie (pending or complete), its idle clock restarted."""
    raw = request.cookies.get(COOKIE)
    return sessions_of(request).find(raw, utc_now()) if raw else None


def check_session_token(row: WebSessionRow, sent: str) -> None:
    if not _same(sent, row.csrf_token):
        raise PermissionDenied(CSRF_FAILED)
