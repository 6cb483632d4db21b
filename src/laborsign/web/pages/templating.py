"""The Jinja2 environment of the pages and the one function routes render with.

Templates get a translator `t`, the page language, a `static()` URL helper that adds a
content digest (so static files can be cached for a long time and still change with a
release), and whether a staff session is open (for the navigation). Autoescaping is on for
every template and undefined names fail loudly.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from laborsign.errors import LaborSignError
from laborsign.i18n import Lang
from laborsign.web.auth import COOKIE, sessions_of, utc_now
from laborsign.web.i18n import COOKIE as LANG_COOKIE
from laborsign.web.i18n import Translator, as_lang, negotiate

WEB = Path(__file__).resolve().parent.parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


@cache
def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """`/static/NAME?v=DIGEST`; a missing file fails while rendering, not in the browser."""
    return f"/static/{name}?v={_digest(name)}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    return env


def page_lang(request: Request) -> Lang:
    return negotiate(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def staff_session_open(request: Request) -> bool:
    """Whether a fully logged-in session cookie came with the request (navigation only)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return False
    row = sessions_of(request).find(raw, utc_now())
    return row is not None and not row.second_factor_pending


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    logged_in: bool | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render `template`; `logged_in` is looked up from the session cookie unless given."""
    lang = page_lang(request)
    if logged_in is None:
        logged_in = staff_session_open(request)
    page = environment().get_template(template)
    body = page.render(
        t=Translator(lang), lang=lang, path=request.url.path, logged_in=logged_in, **context
    )
    response = HTMLResponse(body, status_code=status)
    remember_lang(request, response)
    # Pages may show personal data (masked) or session-bound forms: never cache them.
    response.headers["Cache-Control"] = "no-store"
    return response


def forbidden_page(request: Request, exc: LaborSignError, heading: str) -> HTMLResponse:
    """A staff page this account may not use: the reason, and the way back to the workspace.
    `heading` is the message key of the page's title."""
    t = Translator(page_lang(request))
    return render(
        request,
        "message.html",
        status=403,
        heading=t(heading),
        kind="error",
        message=t.text(exc.message),
        back_href="/staff",
        back_label=t("nav.workspace"),
    )


def remember_lang(request: Request, response: Response) -> None:
    """An explicit `?lang=` choice is kept in a cookie for the next pages."""
    chosen = as_lang(request.query_params.get("lang"))
    if chosen and chosen != request.cookies.get(LANG_COOKIE):
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=LANG_COOKIE_SECONDS, samesite="lax", path="/"
        )
