"""What the worker's pages share: the ceremony cookie and its form token, which page fits
the contract's state, refusals shown as pages, and the page images' cache."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from laborsign.bootstrap import Container
from laborsign.contracts.lifecycle import SigningOrder, State
from laborsign.contracts.records import ContractSummary
from laborsign.errors import LaborSignError, PermissionDenied
from laborsign.i18n import Text
from laborsign.web.auth import container_of
from laborsign.web.i18n import Translator
from laborsign.web.pages.templating import page_lang, render

# The pages' own cookie: SameSite=Strict and limited to the ceremony's pages.
CEREMONY_COOKIE = "laborsign_ceremony"
CEREMONY_PATH = "/ceremony"
FORM_FIELD = "csrf"
_FORM_PURPOSE = b"ceremony-form:"
FORM_EXPIRED = Text(
    "页面已过期或来源不明，请返回上一步重试",
    "The page expired or came from elsewhere; go back and try again",
)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def form_token(container: Container, session_token: str) -> str:
    """The ceremony forms' CSRF token: bound to the session, so nothing to store."""
    return hmac.new(
        container.secret_key, _FORM_PURPOSE + session_token.encode(), hashlib.sha256
    ).hexdigest()


def check_form_token(container: Container, session_token: str, sent: str) -> None:
    if not hmac.compare_digest(form_token(container, session_token).encode(), sent.encode()):
        raise PermissionDenied(FORM_EXPIRED)


def step_url(summary: ContractSummary) -> str:
    """The page that fits the contract's state in the worker's ceremony."""
    state, order = summary.state, summary.signing_order
    if state is State.SENT:
        return "/ceremony/notice"
    if state is State.NOTICE_ACKNOWLEDGED:
        return "/ceremony/identity"
    worker_first = order is SigningOrder.WORKER_FIRST
    if state is State.IDENTITY_VERIFIED:
        return "/ceremony/read"
    if state is State.INTENT_CONFIRMED and worker_first:
        return "/ceremony/read"
    if state is State.EMPLOYER_SIGNED and not worker_first:
        return "/ceremony/read"
    return "/ceremony/done"


def refusal_page(request: Request, exc: LaborSignError, *, back: str = "/") -> Response:
    """A refusal the worker cannot fix on the same form (a used link, an ended session)."""
    t = Translator(page_lang(request))
    return render(
        request,
        "message.html",
        status=exc.http_status,
        logged_in=False,
        heading=t("worker.refused.title"),
        kind="error",
        message=t.text(exc.message),
        back_href=back,
        back_label=t("worker.refused.back"),
    )


def page_cache(request: Request) -> Path:
    return container_of(request).settings.home / "cache"
