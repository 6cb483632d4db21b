"""FastAPI application factory. Routes stay thin: they call services from the container."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from laborsign import __version__
from laborsign.bootstrap import Container
from laborsign.ceremony import routes as ceremony_routes
from laborsign.errors import LaborSignError
from laborsign.evidence import routes as evidence_routes
from laborsign.filing import routes as filing_routes
from laborsign.parties import routes as parties_routes
from laborsign.pki import routes as pki_routes
from laborsign.watch import routes as watch_routes
from laborsign.web import pages


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="LaborSign 电子劳动合同订立平台",
        version=__version__,
        description="电子劳动合同订立、签署、存证与验证 / Conclude, sign, keep and verify "
        "electronic labor contracts.",
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
        return JSONResponse(
            body, status_code=exc.http_status, media_type="application/problem+json"
        )

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness and database reachability."""
        with container.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": __version__}

    app.include_router(pki_routes.router)
    app.include_router(ceremony_routes.router)
    app.include_router(evidence_routes.router)
    app.include_router(parties_routes.router)
    app.include_router(watch_routes.router)
    app.include_router(filing_routes.router)
    pages.install(app, https=container.settings.base_url.startswith("https://"))
    return app
