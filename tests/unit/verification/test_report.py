"""The report model: verdicts, reasons and JSON."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from laborsign.i18n import Text
from laborsign.verification.report import (
    Kind,
    Ltv,
    Reason,
    SignatureReport,
    Verdict,
    VerificationReport,
)


def _signature(reasons: tuple[Reason, ...] = ()) -> SignatureReport:
    return SignatureReport(
        field="LaborSign-Worker",
        kind=Kind.SIGNATURE,
        signer="张三",
        chain=(),
        intact=True,
        valid=True,
        trusted=not reasons,
        coverage="ENTIRE_REVISION",
        signed_bytes=100,
        revision=1,
        modification_level="FORM_FILLING",
        modifications_ok=True,
        certification="FILL_FORMS",
        timestamp=None,
        ltv=Ltv.EMBEDDED,
        reasons=reasons,
    )


def test_a_signature_with_a_reason_is_not_ok() -> None:
    reason = Reason.of("untrusted", Text("不受信任", "untrusted"))
    assert _signature().ok
    assert not _signature((reason,)).ok


@given(st.text(), st.text())
def test_json_keeps_both_languages(zh: str, en: str) -> None:
    report = VerificationReport(
        sha256="00",
        size=1,
        verdict=Verdict.INVALID,
        signatures=(_signature((Reason.of("x", Text(zh, en)),)),),
        reasons=(Reason.of("signature-invalid", Text(zh, en)),),
    )
    data = json.loads(report.to_json())
    assert data["valid"] is False
    assert data["reasons"][0] == {"code": "signature-invalid", "zh": zh, "en": en}
    assert data["signatures"][0]["ok"] is False
    assert data["signatures"][0]["ltv"] == "embedded"
