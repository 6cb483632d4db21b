"""Web authentication: server-side sessions behind a cookie, CSRF for cookie requests, API
keys as bearer tokens, and the `Allow` policy every API route declares.

`Allow(...)` is both the FastAPI dependency that admits a caller and the route's declared
policy: tests read it from the route table (tests/integration/test_authz_matrix.py), so a
route without one is caught.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fastapi import Request, Response
from sqlalchemy import delete

from laborsign.db.tenancy import Scope
from laborsign.errors import LaborSignError, PermissionDenied
from laborsign.i18n import Text
from laborsign.parties.tables import WebSessionRow

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

COOKIE = "laborsign_session"
CSRF_HEADER = "X-CSRF-Token"
WORKER = "worker"  # the pseudo-role of a logged-in worker (workers are not staff accounts)
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class Unauthenticated(LaborSignError):
    code = "unauthorized"
    http_status = 401


NOT_LOGGED_IN = Text("请先登录", "authentication required")
FORBIDDEN = Text("没有权限", "not allowed")


def utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    kind: str  # staff | worker | apikey
    id: str
    roles: frozenset[str]
    scope: Scope
    org_id: str | None = None
    via_cookie: bool = False
    api_scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> str:
        """Stable name of the caller (idempotency keys are per caller)."""
        return f"{self.kind}:{self.id}"


class SessionStore:
    """Sessions in `web_sessions`: the cookie carries a random id, the table its SHA-256."""

    def __init__(self, container: Container) -> None:
        self._c = container
        s = container.settings
        self.idle = timedelta(minutes=s.session_idle_minutes)
        self.absolute = timedelta(hours=s.session_absolute_hours)
        self.secure = s.base_url.startswith("https://")

    def open(self, kind: str, subject: str, now: datetime, *, pending: bool) -> str:
        raw = secrets.token_urlsafe(32)
        with self._c.uow(Scope.system()) as uow:
            uow.session.add(
                WebSessionRow(
                    id_hash=_hash(raw),
                    subject_kind=kind,
                    subject_id=subject,
                    second_factor_pending=pending,
                    csrf_token=secrets.token_urlsafe(24),
                    created_at=now,
                    last_seen_at=now,
                )
            )
            uow.commit()
        return raw

    def find(self, raw: str, now: datetime) -> WebSessionRow | None:
        """The live session for a cookie value, its idle clock restarted; None if expired."""
        with self._c.uow(Scope.system()) as uow:
            row = uow.session.get(WebSessionRow, _hash(raw))
            if row is None:
                return None
            if (
                _aware(row.last_seen_at) + self.idle < now
                or _aware(row.created_at) + self.absolute < now
            ):
                uow.session.delete(row)
                uow.commit()
                return None
            row.last_seen_at = now
            uow.commit()
            return row

    def close(self, raw: str) -> None:
        with self._c.uow(Scope.system()) as uow:
            uow.session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == _hash(raw)))
            uow.commit()

    def set_cookie(self, response: Response, raw: str) -> None:
        response.set_cookie(
            COOKIE,
            raw,
            max_age=int(self.absolute.total_seconds()),
            secure=self.secure,
            httponly=True,
            samesite="strict",
            path="/",
        )

    def clear_cookie(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", secure=self.secure, httponly=True)


def container_of(request: Request) -> Container:
    found: Container = request.app.state.container
    return found


def sessions_of(request: Request) -> SessionStore:
    store: SessionStore | None = getattr(request.app.state, "sessions", None)
    if store is None:
        store = request.app.state.sessions = SessionStore(container_of(request))
    return store


def _principal(request: Request, now: datetime) -> Principal | None:
    container = container_of(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = container.parties.api_keys.authenticate(header[7:].strip(), now)
        if found is None:
            raise Unauthenticated(NOT_LOGGED_IN)
        key, scope = found
        return Principal(
            "apikey", key.key_id, frozenset({"hr"}), scope, key.org_id, api_scopes=key.scopes
        )
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    row = sessions_of(request).find(raw, now)
    if row is None or row.second_factor_pending:
        return None
    if request.method not in _SAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), row.csrf_token.encode()):
            raise PermissionDenied(Text("CSRF 校验失败", "CSRF token missing or wrong"))
    if row.subject_kind == WORKER:
        return Principal(
            WORKER,
            row.subject_id,
            frozenset({WORKER}),
            Scope.worker(row.subject_id),
            via_cookie=True,
        )
    resolved = container.parties.accounts.scope_for(row.subject_id)
    if resolved is None:
        return None
    account, scope = resolved
    return Principal(
        "staff", account.id, frozenset(account.roles), scope, account.org_id, via_cookie=True
    )


def current_principal(request: Request) -> Principal | None:
    """The caller, resolved once per request; None when anonymous."""
    if not hasattr(request.state, "principal"):
        request.state.principal = _principal(request, utc_now())
    found: Principal | None = request.state.principal
    return found


@dataclass(frozen=True)
class Allow:
    """A route's policy: which roles may call it (`public` routes: anyone, logged in or not).

    `api_scope` is the scope an API key needs; a route without one refuses API keys.
    """

    roles: frozenset[str]
    public: bool = False
    api_scope: str | None = None

    def __call__(self, request: Request) -> Principal | None:
        principal = current_principal(request)
        if self.public:
            return principal
        if principal is None:
            raise Unauthenticated(NOT_LOGGED_IN)
        if principal.kind == "apikey" and (
            self.api_scope is None or self.api_scope not in principal.api_scopes
        ):
            raise PermissionDenied(FORBIDDEN)
        if principal.roles.isdisjoint(self.roles):
            raise PermissionDenied(FORBIDDEN)
        return principal


def allow(*roles: str, api_scope: str | None = None) -> Allow:
    return Allow(frozenset(roles), api_scope=api_scope)


PUBLIC = Allow(frozenset(), public=True)


def authenticated(principal: Principal | None) -> Principal:
    """Narrow the type after an `Allow` that is not public."""
    if principal is None:
        raise Unauthenticated(NOT_LOGGED_IN)
    return principal
