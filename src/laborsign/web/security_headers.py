"""Security headers on every response, as a plain ASGI middleware.

The pages load scripts and styles only from the platform itself (no inline script, no CDN), so
the content security policy can forbid everything else. FastAPI's interactive API
documentation (/docs, /redoc) is the one exception: it is served from a CDN by FastAPI and
gets a policy that allows exactly that, so it keeps working where the network permits.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
_CDN = "https://cdn.jsdelivr.net"
API_DOCS_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {_CDN}",
        f"style-src 'self' 'unsafe-inline' {_CDN}",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
API_DOCS_PATHS = ("/docs", "/redoc")
HSTS = "max-age=31536000; includeSubDomains"


def headers_for(path: str, *, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers a response to `path` carries (pure, for tests and the middleware)."""
    policy = API_DOCS_POLICY if path.startswith(API_DOCS_PATHS) else PAGE_POLICY
    found = [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if https:
        # Only when the public address is https: HSTS on plain http would be ignored at
        # best, and would lock a development machine's browser out of it at worst.
        found.append((b"strict-transport-security", HSTS.encode()))
    return found


class SecurityHeaders:
    """Adds `headers_for(path)` to every HTTP response unless a route already set one."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https
        # The two sets there are, built once rather than on every response.
        self._pages = headers_for("/", https=https)
        self._api_docs = headers_for(API_DOCS_PATHS[0], https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        extra = self._api_docs if path.startswith(API_DOCS_PATHS) else self._pages

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend((k, v) for k, v in extra if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
