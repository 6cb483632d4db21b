"""Verify a signed PDF: every signature and document timestamp, and one verdict.

Steps, in order:
1. refuse oversized, non-PDF, truncated, bomb-like and encrypted input (`limits`);
2. read the document security store (DSS) embedded for long-term validation;
3. validate each signature with pyHanko against the given trust roots only — first with the
   embedded revocation data alone (success means the signature is LTV-enabled), else with
   revocation checking relaxed, to tell "untrusted" from "no embedded validation data";
4. run pyHanko's difference analysis on everything appended after each signature: anything
   beyond form filling, signing and annotations (e.g. drawing on a page) invalidates;
5. the document is valid when it has at least one signature, no empty signature field, and
   every signature and timestamp is intact, valid, trusted and unmodified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import (
    SignatureValidationError,
    ValidationInfoReadingError,
)
from pyhanko.sign.validation.status import (
    DocumentTimestampStatus,
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.verification.limits import Limits, check_envelope, check_pages, check_streams
from laborsign.verification.report import (
    CertificateInfo,
    Kind,
    Ltv,
    Reason,
    SignatureReport,
    TimestampInfo,
    Verdict,
    VerificationReport,
)

__all__ = ["Limits", "verify_pdf"]

# After a signature, only these kinds of change are acceptable.
_ALLOWED_AFTER = ModificationLevel.FORM_FILLING
_PARSE_ERRORS = (PdfError, ValueError, KeyError, IndexError, TypeError, RecursionError)


def _open(data: bytes, limits: Limits) -> PdfFileReader:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
    except _PARSE_ERRORS as exc:
        raise InvalidInput(
            Text("无法读取 PDF 文件：结构损坏", "cannot read the PDF: damaged structure")
        ) from exc
    if reader.encrypted:
        raise InvalidInput(
            Text(
                "PDF 已加密，无法验证；请提供未加密的合同文件",
                "the PDF is encrypted and cannot be verified; provide the unencrypted contract",
            )
        )
    try:
        check_pages(int(reader.root["/Pages"]["/Count"]), limits)
    except _PARSE_ERRORS as exc:
        raise InvalidInput(Text("无法读取 PDF 页面树", "cannot read the PDF's page tree")) from exc
    return reader


def _name(name: asn1_x509.Name) -> str:
    native = name.native
    common = native.get("common_name")
    return str(common) if common else str(name.human_friendly)


def _cert(cert: asn1_x509.Certificate) -> CertificateInfo:
    validity = cert["tbs_certificate"]["validity"]
    return CertificateInfo(
        subject=str(cert.subject.human_friendly),
        issuer=str(cert.issuer.human_friendly),
        serial=format(cert.serial_number, "x"),
        not_before=validity["not_before"].native.isoformat(),
        not_after=validity["not_after"].native.isoformat(),
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )


def _chain(status: Any, embedded: EmbeddedPdfSignature) -> tuple[CertificateInfo, ...]:
    path = status.validation_path
    if path is not None:
        return tuple(_cert(c) for c in reversed(list(path.iter_certs(include_root=True))))
    return (_cert(embedded.signer_cert),)


class _Contexts:
    """Validation contexts for one document: DSS-only strict, and relaxed revocation.

    The relaxed one is built only when a signature fails the strict pass: a valid contract
    never needs it."""

    def __init__(
        self,
        reader: PdfFileReader,
        roots: Sequence[asn1_x509.Certificate],
        now: datetime | None,
    ) -> None:
        self._base: dict[str, Any] = {
            "trust_roots": list(roots),
            "allow_fetching": False,
            "moment": now,
        }
        self._dss: DocumentSecurityStore | None
        try:
            self._dss = DocumentSecurityStore.read_dss(reader)
        except (ValidationInfoReadingError, *_PARSE_ERRORS):
            self._dss = None
        if self._dss is not None:
            self.strict = self._dss.as_validation_context(
                {**self._base, "revocation_mode": "hard-fail"}
            )
        else:
            # No embedded revocation data: the strict pass can only fail, which is the point.
            self.strict = ValidationContext(
                **self._base, crls=[], ocsps=[], revocation_mode="hard-fail"
            )
        self._relaxed: ValidationContext | None = None

    @property
    def relaxed(self) -> ValidationContext:
        if self._relaxed is None:
            if self._dss is not None:
                self._relaxed = self._dss.as_validation_context(
                    {**self._base, "revocation_mode": "soft-fail"}
                )
            else:
                self._relaxed = ValidationContext(**self._base, revocation_mode="soft-fail")
        return self._relaxed


def _validate(
    embedded: EmbeddedPdfSignature, vc: ValidationContext
) -> PdfSignatureStatus | DocumentTimestampStatus:
    if embedded.sig_object_type == "/DocTimeStamp":
        return validate_pdf_timestamp(embedded, validation_context=vc)
    return validate_pdf_signature(embedded, signer_validation_context=vc)


def _timestamp_info(status: Any) -> TimestampInfo | None:
    if isinstance(status, DocumentTimestampStatus):
        return TimestampInfo(
            time=status.timestamp.isoformat(),
            tsa=_name(status.signing_cert.subject),
            valid=status.intact and status.valid,
            trusted=status.trusted,
        )
    ts = status.timestamp_validity
    if ts is None:
        return None
    return TimestampInfo(
        time=ts.timestamp.isoformat(),
        tsa=_name(ts.signing_cert.subject),
        valid=ts.intact and ts.valid,
        trusted=ts.trusted,
    )


def _reasons(status: Any, kind: Kind, stamp: TimestampInfo | None) -> list[Reason]:
    reasons: list[Reason] = []
    if not status.intact:
        reasons.append(
            Reason.of(
                "altered",
                Text("签名覆盖的内容已被改动", "the signed content was altered"),
            )
        )
    elif not status.valid:
        reasons.append(
            Reason.of("bad-signature", Text("签名值无效", "the signature value is invalid"))
        )
    if not status.trusted:
        detail = "revoked" if status.revocation_details else "untrusted"
        reasons.append(
            Reason.of(
                detail,
                Text("签名证书已被吊销", "the signer's certificate was revoked")
                if status.revocation_details
                else Text(
                    "签名证书不能追溯到受信任的根证书",
                    "the signer's certificate does not chain to a trusted root",
                ),
            )
        )
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        reasons.append(
            Reason.of(
                "partial-coverage",
                Text("签名未覆盖其所在版本的全部内容", "the signature does not cover its revision"),
            )
        )
    level = status.modification_level
    if level is None or level > _ALLOWED_AFTER or status.docmdp_ok is False:
        reasons.append(
            Reason.of(
                "modified-after",
                Text(
                    "签名之后文档被修改（{level}），超出填写表单和签名的范围",
                    "the document was modified after this signature ({level}), beyond form "
                    "filling and signing",
                ).format(level=level.name if level is not None else "UNKNOWN"),
            )
        )
    if kind is Kind.SIGNATURE:
        if stamp is None:
            reasons.append(
                Reason.of(
                    "no-timestamp", Text("签名没有可信时间戳", "the signature has no timestamp")
                )
            )
        elif not (stamp.valid and stamp.trusted):
            reasons.append(
                Reason.of(
                    "bad-timestamp",
                    Text(
                        "签名时间戳无效或不受信任",
                        "the signature timestamp is invalid or untrusted",
                    ),
                )
            )
    return reasons


def _report_signature(embedded: EmbeddedPdfSignature, contexts: _Contexts) -> SignatureReport:
    kind = (
        Kind.DOCUMENT_TIMESTAMP if embedded.sig_object_type == "/DocTimeStamp" else Kind.SIGNATURE
    )
    status = _validate(embedded, contexts.strict)
    ltv = Ltv.EMBEDDED
    if not status.trusted:
        # Untrusted with embedded data only: find out whether the chain itself is the problem.
        ltv = Ltv.MISSING
        relaxed = _validate(embedded, contexts.relaxed)
        if relaxed.trusted or relaxed.revocation_details:
            status = relaxed
    stamp = _timestamp_info(status)
    docmdp = embedded.docmdp_level
    level = status.modification_level
    return SignatureReport(
        field=str(embedded.field_name),
        kind=kind,
        signer=_name(status.signing_cert.subject),
        chain=_chain(status, embedded),
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        coverage=status.coverage.name if status.coverage is not None else "UNKNOWN",
        signed_bytes=int(embedded.byte_range[1]) + int(embedded.byte_range[3]),
        revision=int(embedded.signed_revision),
        modification_level=level.name if level is not None else "UNKNOWN",
        modifications_ok=level is not None
        and level <= _ALLOWED_AFTER
        and status.docmdp_ok is not False,
        certification=docmdp.name if docmdp is not None else None,
        timestamp=stamp,
        ltv=ltv,
        reasons=tuple(_reasons(status, kind, stamp)),
    )


def _broken_signature(name: str, error: Exception) -> SignatureReport:
    return SignatureReport(
        field=name,
        kind=Kind.SIGNATURE,
        signer="",
        chain=(),
        intact=False,
        valid=False,
        trusted=False,
        coverage="UNKNOWN",
        signed_bytes=0,
        revision=-1,
        modification_level="UNKNOWN",
        modifications_ok=False,
        certification=None,
        timestamp=None,
        ltv=Ltv.MISSING,
        reasons=(
            Reason.of(
                "unreadable-signature",
                Text("签名数据无法读取：{e}", "the signature data cannot be read: {e}").format(
                    e=type(error).__name__
                ),
            ),
        ),
    )


def verify_pdf(
    data: bytes,
    trust_roots: Sequence[asn1_x509.Certificate],
    now: datetime | None = None,
    limits: Limits | None = None,
) -> VerificationReport:
    """Verify every signature of `data` against `trust_roots` at `now` (default: the clock)."""
    if not trust_roots:
        raise InvalidInput(
            Text("至少需要一个受信任的根证书", "at least one trusted root certificate is needed"),
            field="trust",
        )
    limits = limits or Limits()
    check_envelope(data, limits)
    check_streams(data, limits)
    reader = _open(data, limits)
    contexts = _Contexts(reader, trust_roots, now)
    signatures: list[SignatureReport] = []
    unsigned: list[str] = []
    try:
        found = list(enumerate_sig_fields(reader, filled_status=None))
    except _PARSE_ERRORS as exc:
        raise InvalidInput(
            Text("无法读取 PDF 表单域", "cannot read the PDF's form fields")
        ) from exc
    embedded_list: list[tuple[int, SignatureReport | EmbeddedPdfSignature]] = []
    for name, value, field_ref in found:
        if value is None:
            unsigned.append(str(name))
            continue
        try:
            embedded = EmbeddedPdfSignature(reader, field_ref.get_object(), name)
            embedded_list.append((int(embedded.signed_revision), embedded))
        except (SignatureValidationError, *_PARSE_ERRORS) as exc:
            embedded_list.append((-1, _broken_signature(str(name), exc)))
    for _, item in sorted(embedded_list, key=lambda pair: pair[0]):
        if isinstance(item, SignatureReport):
            signatures.append(item)
            continue
        try:
            signatures.append(_report_signature(item, contexts))
        except (SignatureValidationError, *_PARSE_ERRORS) as exc:
            signatures.append(_broken_signature(str(item.field_name), exc))
    reasons: list[Reason] = []
    if not any(s.kind is Kind.SIGNATURE for s in signatures):
        reasons.append(Reason.of("unsigned", Text("文档没有签名", "the document has no signature")))
    if unsigned:
        reasons.append(
            Reason.of(
                "incomplete",
                Text("尚未签署的签名域：{f}", "signature fields not yet signed: {f}").format(
                    f="、".join(unsigned)
                ),
            )
        )
    if any(not s.ok for s in signatures):
        reasons.append(
            Reason.of(
                "signature-invalid",
                Text("至少一个签名或时间戳无效", "at least one signature or timestamp is invalid"),
            )
        )
    return VerificationReport(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        verdict=Verdict.INVALID if reasons else Verdict.VALID,
        signatures=tuple(signatures),
        unsigned_fields=tuple(unsigned),
        reasons=tuple(reasons),
    )
