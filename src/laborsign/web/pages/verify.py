"""The public verification page: upload a contract PDF or an evidence package, or arrive
from a paper copy's QR code with the document's SHA-256, and read the report."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from laborsign.bootstrap import Container
from laborsign.contracts.tables import ContractDocumentRow
from laborsign.db.tenancy import Scope
from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.signing.signer import to_asn1
from laborsign.web.auth import container_of, utc_now
from laborsign.web.i18n import Translator
from laborsign.web.pages.ratelimit import SlidingWindow
from laborsign.web.pages.templating import page_lang, render
from laborsign.web.pages.verification import (
    EMPTY,
    MAX_UPLOAD_BYTES,
    MB,
    TOO_LARGE,
    verify_upload,
)
from laborsign.web.pages.verify_view import PackageView, PdfView

router = APIRouter(include_in_schema=False)
SHA256 = re.compile(r"[0-9a-f]{64}")
# The executed contract is what a paper copy's QR code names.
VERIFIABLE_KIND = "completed"
PER_MINUTE = 10
# Room for the multipart envelope around the file.
_ENVELOPE = 64 * 1024
TOO_MANY = Text("验证请求过于频繁，请一分钟后再试", "Too many verifications; try again in a minute")


def _limiter(request: Request) -> SlidingWindow:
    found: SlidingWindow | None = getattr(request.app.state, "verify_limiter", None)
    if found is None:
        found = request.app.state.verify_limiter = SlidingWindow(PER_MINUTE, timedelta(minutes=1))
    return found


def _page(
    request: Request,
    *,
    status: int = 200,
    report: PdfView | PackageView | None = None,
    expected: str | None = None,
    error: Text | None = None,
    mismatch: bool = False,
    not_found: bool = False,
) -> Response:
    t = Translator(page_lang(request))
    return render(
        request,
        "verify.html",
        status=status,
        report=report,
        kind="package" if isinstance(report, PackageView) else "pdf",
        expected=expected,
        error=t.text(error) if error else None,
        mismatch=mismatch,
        not_found=not_found,
        max_mb=MAX_UPLOAD_BYTES // MB,
    )


def _verify(container: Container, data: bytes) -> PdfView | PackageView:
    roots = [to_asn1(c) for c in container.signing.trust_material().roots]
    return verify_upload(data, roots)


def _stored(container: Container, sha256: str) -> bytes | None:
    """The executed contract with this digest, when this platform keeps it."""
    with container.uow(Scope.system("verify-page")) as uow:
        row = uow.session.scalars(
            select(ContractDocumentRow)
            .where(
                ContractDocumentRow.sha256 == sha256,
                ContractDocumentRow.kind == VERIFIABLE_KIND,
            )
            .limit(1)
        ).first()
        org_id = row.org_id if row is not None else None
    return container.document_store.get(org_id, sha256) if org_id is not None else None


@router.get("/verify")
def verify_page(request: Request) -> Response:
    return _page(request)


@router.get("/verify/{sha256}")
def verify_by_hash(request: Request, sha256: str) -> Response:
    """From a paper copy's QR code: the report when the contract is here, else the form."""
    digest = sha256.lower()
    if not SHA256.fullmatch(digest):
        return _page(
            request,
            status=404,
            error=Text(
                "二维码中的文档摘要格式不正确", "The document digest in the link is malformed"
            ),
        )
    container = container_of(request)
    data = _stored(container, digest)
    if data is None:
        return _page(request, expected=digest, not_found=True)
    return _page(request, report=_verify(container, data), expected=digest)


@router.post("/verify")
async def verify_submit(request: Request) -> Response:
    client = request.client.host if request.client else "unknown"
    if not _limiter(request).allow(client, utc_now()):
        return _page(request, status=429, error=TOO_MANY)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + _ENVELOPE:
        return _page(request, status=413, error=TOO_LARGE)
    form = await request.form(max_files=1, max_fields=2)
    upload = form.get("file")
    expected_field = form.get("expected")
    expected = (
        expected_field.lower()
        if isinstance(expected_field, str) and SHA256.fullmatch(expected_field.lower())
        else None
    )
    # Unusable files are answered with the form and the reason (200, like any answered form).
    if not isinstance(upload, UploadFile):
        return _page(request, error=EMPTY, expected=expected)
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    await form.close()
    try:
        report = await run_in_threadpool(_verify, container_of(request), data)
    except InvalidInput as exc:
        return _page(request, error=exc.message, expected=expected)
    mismatch = expected is not None and hashlib.sha256(data).hexdigest() != expected
    return _page(request, report=report, expected=expected, mismatch=mismatch)
