"""FastAPI application factory. Routes stay thin: they call services from the container."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from laborsign import __version__
from laborsign.bootstrap import Container
from laborsign.bulk import routes as bulk_routes
from laborsign.ceremony import routes as ceremony_routes
from laborsign.contracts import routes as contract_routes
from laborsign.errors import LaborSignError
from laborsign.evidence import routes as evidence_routes
from laborsign.filing import routes as filing_routes
from laborsign.lifecycle import routes as lifecycle_routes
from laborsign.notify import webhook_routes
from laborsign.parties import routes as parties_routes
from laborsign.pki import routes as pki_routes
from laborsign.retention import routes as retention_routes
from laborsign.watch import routes as watch_routes
from laborsign.web import api_docs, pages
from laborsign.web.problems import validation_problem


def create_app(container: Container) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Routes and dependencies written as plain functions run on anyio's worker threads
        # (40 by default), and each holds a pooled database connection while it works: no
        # more threads than pooled connections, so that under load requests wait for a
        # thread instead of opening connections beyond the pool, one per request.
        limiter = to_thread.current_default_thread_limiter()
        limiter.total_tokens = container.settings.database_pool_size
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="LaborSign 电子劳动合同订立平台",
        version=__version__,
        description="电子劳动合同订立、签署、存证与验证 / Conclude, sign, keep and verify "
        "electronic labor contracts.",
        # FastAPI's own docs pages load their scripts from a CDN; ours are served locally.
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container

    @app.exception_handler(LaborSignError)
    async def _problem(_request: Request, exc: LaborSignError) -> JSONResponse:
        # RFC 9457 problem details, bilingual.
        body = {
            "type": f"https://laborsign.org/problems/{exc.code}",
            "title": exc.message.zh,
            "title_en": exc.message.en,
            "status": exc.http_status,
        }
        if exc.field:
            body["field"] = exc.field
        retry = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry)} if isinstance(retry, int) else None
        return JSONResponse(
            body,
            status_code=exc.http_status,
            media_type="application/problem+json",
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        body = validation_problem(exc.errors())
        return JSONResponse(body, status_code=422, media_type="application/problem+json")

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness and database reachability."""
        with container.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": __version__}

    # FastAPI tries routes one by one in this order, at a few microseconds each: the
    # contracts API, which HR systems call most, comes first. No route shadows another
    # (tests/unit/web/test_route_order.py), so the order changes nothing else.
    app.include_router(contract_routes.router)
    app.include_router(pki_routes.router)
    app.include_router(evidence_routes.router)
    app.include_router(parties_routes.router)
    app.include_router(watch_routes.router)
    app.include_router(filing_routes.router)
    app.include_router(ceremony_routes.router)
    app.include_router(lifecycle_routes.router)
    app.include_router(retention_routes.router)
    app.include_router(bulk_routes.router)
    app.include_router(webhook_routes.router)
    api_docs.install(app)
    pages.install(app, https=container.settings.base_url.startswith("https://"))
    return app
