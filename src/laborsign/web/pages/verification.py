"""The public verification use case: uploaded bytes in, a page view out.

The uploaded file is recognised by its first bytes, not by its name: a PDF is verified with
the platform's verification library, a ZIP as an evidence package with the offline
verifier (and its contract once more against this platform's trust roots).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from asn1crypto import x509 as asn1_x509

from laborsign.errors import InvalidInput, LaborSignError
from laborsign.evidence.package_format import CONTRACT, PackageLimits, read_zip
from laborsign.evidence.package_verify import verify_package
from laborsign.i18n import Text
from laborsign.verification import Limits, VerificationReport, verify_pdf
from laborsign.web.pages.verify_view import PackageView, PdfView, package_view, pdf_view

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 25 * MB
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"

NOT_SUPPORTED = Text(
    "无法识别的文件：请上传签署后的合同 PDF，或证据包（.zip）",
    "Unrecognised file: upload the signed contract PDF or an evidence package (.zip)",
)
TOO_LARGE = Text("文件过大：上限 {mb} MB", "The file is too large: the limit is {mb} MB").format(
    mb=MAX_UPLOAD_BYTES // MB
)
EMPTY = Text("请选择要验证的文件", "Choose a file to verify")


def verify_upload(
    data: bytes,
    trust_roots: Sequence[asn1_x509.Certificate],
    now: datetime | None = None,
) -> PdfView | PackageView:
    """Verify an uploaded PDF or evidence package; `InvalidInput` for anything else."""
    if not data:
        raise InvalidInput(EMPTY, field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(TOO_LARGE, field="file")
    limits = Limits(max_bytes=MAX_UPLOAD_BYTES)
    if data[:1024].lstrip().startswith(PDF_MAGIC):
        return pdf_view(verify_pdf(data, trust_roots, now, limits))
    if data.startswith(ZIP_MAGIC):
        return _package(data, trust_roots, now)
    raise InvalidInput(NOT_SUPPORTED, field="file")


def _package(
    data: bytes, trust_roots: Sequence[asn1_x509.Certificate], now: datetime | None
) -> PackageView:
    package_limits = PackageLimits()
    report = verify_package(data, now=now, limits=package_limits)
    contract: VerificationReport | None = None
    pdf = read_zip(data, package_limits).get(CONTRACT)
    if pdf is not None:
        try:
            contract = verify_pdf(pdf, trust_roots, now, Limits(max_bytes=MAX_UPLOAD_BYTES))
        except LaborSignError:
            contract = None  # the package's own checks already say what is wrong with it
    return package_view(report, contract)
