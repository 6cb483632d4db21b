"""What every page of the HR console shares: who may open it, the navigation for the
caller's roles, CSRF on its forms, rendering with the console's layout, and Beijing time.

Page routes call `open_page(request, POLICY)` first: it answers with a redirect to /login
for anonymous visitors and a 403 page for callers without the role, or hands back the
logged-in `Staff` with its session's CSRF token.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from laborsign.db.tenancy import Scope
from laborsign.errors import LaborSignError, NotFound, PermissionDenied
from laborsign.parties.roles import Role
from laborsign.web.auth import FORBIDDEN, Allow, Principal, allow, container_of
from laborsign.web.i18n import Translator
from laborsign.web.pages.forms import CSRF_FAILED, session_row
from laborsign.web.pages.templating import page_lang, render

BEIJING = ZoneInfo("Asia/Shanghai")

# Employer staff: everyone of the employer sees the console; drafting is HR's; the
# administration pages are the employer administrator's.
EMPLOYER_STAFF = allow(Role.EMPLOYER_ADMIN, Role.HR, Role.SIGNER)
DRAFTERS = allow(Role.EMPLOYER_ADMIN, Role.HR)
ADMINS = allow(Role.EMPLOYER_ADMIN)
# The employer's signature is an authorised signer's act (with his TOTP code).
SIGNERS = allow(Role.SIGNER)

# (href, catalogue key, roles that see it), in the order of the navigation.
NAV: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("/hr", "hr.nav.dashboard", EMPLOYER_STAFF.roles),
    ("/hr/workers", "hr.nav.workers", EMPLOYER_STAFF.roles),
    ("/hr/contracts", "hr.nav.contracts", EMPLOYER_STAFF.roles),
    ("/hr/signing", "hr.nav.signing", SIGNERS.roles),
    ("/hr/imports", "hr.nav.imports", EMPLOYER_STAFF.roles),
    ("/hr/admin/users", "hr.nav.users", ADMINS.roles),
    ("/hr/admin/api-keys", "hr.nav.api_keys", ADMINS.roles),
    ("/hr/admin/webhooks", "hr.nav.webhooks", ADMINS.roles),
    ("/hr/admin/seal", "hr.nav.seal", ADMINS.roles),
    ("/hr/admin/audit", "hr.nav.audit", ADMINS.roles),
)


@dataclass(frozen=True, slots=True)
class Staff:
    """The logged-in employer staff member a console page is for."""

    principal: Principal
    csrf: str
    t: Translator

    @property
    def scope(self) -> Scope:
        return self.principal.scope

    @property
    def org_id(self) -> str:
        # `open_page` admits accounts of an organisation only.
        return self.principal.org_id or ""

    def has(self, policy: Allow) -> bool:
        return not self.principal.roles.isdisjoint(policy.roles)


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label: str
    current: bool


def nav_for(staff: Staff, path: str) -> list[NavItem]:
    items = [(href, key) for href, key, roles in NAV if not staff.principal.roles.isdisjoint(roles)]
    # The longest matching prefix is the current page (/hr would match every page).
    current = max((h for h, _ in items if path == h or path.startswith(h + "/")), key=len)
    return [NavItem(h, staff.t(k), h == current) for h, k in items]


def open_page(request: Request, policy: Allow) -> Staff | Response:
    """The caller as `Staff`, or the response that turns him away.

    The session is read here rather than through `current_principal`, which wants the
    API's X-CSRF-Token header on a POST: the console's forms send the token as a form
    field instead, and each handler checks it (`check_csrf`).
    """
    row = session_row(request)
    if row is None or row.second_factor_pending or row.subject_kind != "staff":
        return RedirectResponse("/login", status_code=303)
    resolved = container_of(request).parties.accounts.scope_for(row.subject_id)
    if resolved is None:
        return RedirectResponse("/login", status_code=303)
    account, scope = resolved
    if account.org_id is None or policy.roles.isdisjoint(account.roles):
        return message_page(request, PermissionDenied(FORBIDDEN), status=403)
    principal = Principal(
        "staff", account.id, frozenset(account.roles), scope, account.org_id, via_cookie=True
    )
    return Staff(principal, row.csrf_token, Translator(page_lang(request)))


def message_page(request: Request, exc: LaborSignError, *, status: int) -> HTMLResponse:
    t = Translator(page_lang(request))
    return render(
        request,
        "message.html",
        status=status,
        heading=t("hr.refused"),
        kind="error",
        message=t.text(exc.message),
        back_href="/hr" if status != 403 else "/staff",
        back_label=t("hr.nav.dashboard") if status != 403 else t("nav.workspace"),
    )


def not_found(request: Request, exc: NotFound) -> HTMLResponse:
    """Another organisation's record is absent, not forbidden (nothing about it leaks)."""
    return message_page(request, exc, status=404)


def check_csrf(staff: Staff, sent: str) -> None:
    """The session's CSRF token must come back with every form that changes something."""
    if not sent or not hmac.compare_digest(sent.encode(), staff.csrf.encode()):
        raise PermissionDenied(CSRF_FAILED)


def page(
    request: Request, template: str, staff: Staff, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a console page with the navigation for the caller's roles."""
    return render(
        request,
        template,
        status=status,
        logged_in=True,
        nav=nav_for(staff, request.url.path),
        csrf=staff.csrf,
        **context,
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def beijing(moment: datetime | None) -> str:
    """A stored (UTC) time as Beijing time, to the minute; empty for None."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
