"""Server-rendered pages (Jinja2), their static files and the security headers.

`install(app)` adds everything to the FastAPI app; see docs/web.md for adding a page.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from laborsign.web.pages import hr, login, ops, verify, worker, worker_me
from laborsign.web.pages.templating import STATIC, render
from laborsign.web.security_headers import SecurityHeaders

home = APIRouter(include_in_schema=False)
# Static URLs carry a content digest (`static()` in templates), so a year is safe.
STATIC_CACHE = "public, max-age=31536000, immutable"


@home.get("/")
def home_page(request: Request) -> Response:
    return render(request, "home.html")


class CachedStatic(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = STATIC_CACHE
        return response


def install(app: FastAPI, *, https: bool) -> None:
    """Pages, static files and security headers on every response of `app`."""
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    for router in (
        home,
        verify.router,
        login.router,
        ops.router,
        *hr.ROUTERS,
        worker_me.router,
        *worker.ROUTERS,
    ):
        app.include_router(router)
    app.add_middleware(SecurityHeaders, https=https)
