"""What the verification page says for a report: the verdict, masking, headers."""

from __future__ import annotations

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
from laborsign.web.pages.verify_view import Verdict as PageVerdict
from laborsign.web.pages.verify_view import pdf_view
from laborsign.web.security_headers import headers_for

CERT = CertificateInfo("Common Name: 张三丰, Country: CN", "issuer", "1f", "a", "b", "00" * 32)


def _signature(field: str, *reasons: Reason) -> SignatureReport:
    return SignatureReport(
        field=field,
        kind=Kind.SIGNATURE,
        signer="张三丰" if field == "LaborSign-Worker" else "杭州示例科技有限公司",
        chain=(CERT,),
        intact=True,
        valid=True,
        trusted=not reasons,
        coverage="ENTIRE_REVISION",
        signed_bytes=100,
        revision=1,
        modification_level="FORM_FILLING",
        modifications_ok=True,
        certification=None,
        timestamp=TimestampInfo("2025-03-01T01:00:00+00:00", "TSA", True, True),
        ltv=Ltv.EMBEDDED,
        reasons=reasons,
    )


def _report(*signatures: SignatureReport, reasons: tuple[Reason, ...] = ()) -> VerificationReport:
    bad = reasons or any(s.reasons for s in signatures)
    return VerificationReport(
        "00" * 32,
        100,
        Verdict.INVALID if bad else Verdict.VALID,
        signatures,
        reasons=reasons,
    )


UNTRUSTED = Reason("untrusted", "不可信", "untrusted")
ALTERED = Reason("altered", "已改动", "altered")


def test_valid_report_masks_the_worker_everywhere() -> None:
    view = pdf_view(_report(_signature("LaborSign-Worker"), _signature("LaborSign-Employer")))
    assert view.verdict is PageVerdict.VALID
    assert view.worker == "张**"
    assert view.employer == "杭州示例科技有限公司"
    worker = view.signatures[0]
    assert worker.signer == "张**"
    assert worker.time == "2025-03-01 09:00:00"  # Beijing time
    assert "张三丰" not in repr(worker.technical)


def test_untrusted_but_unaltered_cannot_be_verified() -> None:
    view = pdf_view(_report(_signature("LaborSign-Worker", UNTRUSTED)))
    assert view.verdict is PageVerdict.UNVERIFIABLE


def test_altered_is_invalid_even_when_also_untrusted() -> None:
    view = pdf_view(_report(_signature("LaborSign-Worker", UNTRUSTED, ALTERED)))
    assert view.verdict is PageVerdict.INVALID


def test_no_signature_at_all_cannot_be_verified() -> None:
    view = pdf_view(_report(reasons=(Reason("unsigned", "没有签名", "no signature"),)))
    assert view.verdict is PageVerdict.UNVERIFIABLE
    assert view.worker.en == "(unknown)"  # type: ignore[union-attr]


def test_api_docs_get_their_own_policy_and_pages_a_strict_one() -> None:
    page = dict(headers_for("/verify", https=True))
    docs = dict(headers_for("/docs", https=False))
    assert b"unsafe-inline" not in page[b"content-security-policy"]
    assert b"strict-transport-security" in page
    assert b"cdn.jsdelivr.net" in docs[b"content-security-policy"]
    assert b"strict-transport-security" not in docs
