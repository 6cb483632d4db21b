"""What the public verification page shows, computed from the verifiers' reports (pure).

The page speaks to someone holding a contract, not to a PDF engineer: one verdict (有效 /
无效 / 无法验证), the parties, each signature with who, when and whether it is trusted and
unchanged; the technical facts go into a folded section. The worker's name is masked to
the surname, as in the evidence package's report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from laborsign.evidence.package_report import beijing, mask_name
from laborsign.evidence.package_verify import PackageReport
from laborsign.i18n import Text
from laborsign.verification.report import Kind, SignatureReport, VerificationReport

WORKER_FIELD = "LaborSign-Worker"
EMPLOYER_FIELD = "LaborSign-Employer"
UNKNOWN = Text("（未知）", "(unknown)")


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    # Nothing was found altered, but trust cannot be established (no signature, a root this
    # platform does not trust, no timestamp): the page must not call that valid or forged.
    UNVERIFIABLE = "unverifiable"


# Reasons that prove something is wrong with the document itself.
_BROKEN = frozenset(
    {
        "altered",
        "bad-signature",
        "modified-after",
        "partial-coverage",
        "unreadable-signature",
        "revoked",
        "incomplete",
        "bad-timestamp",
    }
)

VERDICT_TEXT = {
    Verdict.VALID: Text("有效", "Valid"),
    Verdict.INVALID: Text("无效", "Invalid"),
    Verdict.UNVERIFIABLE: Text("无法验证", "Cannot be verified"),
}
VERDICT_EXPLAINED = {
    Verdict.VALID: Text(
        "所有签名和时间戳均完好、可信，签署后文档未被改动。",
        "Every signature and timestamp is intact and trusted; nothing changed after signing.",
    ),
    Verdict.INVALID: Text(
        "文档在签署后被改动，或签名、时间戳有误。请勿依赖此文件。",
        "The document was changed after signing, or a signature or timestamp is wrong. "
        "Do not rely on this file.",
    ),
    Verdict.UNVERIFIABLE: Text(
        "未发现改动，但无法确认签名可信（例如没有签名，或签名证书不属于本平台信任的机构）。",
        "Nothing was found changed, but the signatures cannot be trusted (for example there "
        "is none, or the certificate is from an authority this platform does not trust).",
    ),
}
ROLE_TEXT = {
    WORKER_FIELD: Text("劳动者签名", "Worker's signature"),
    EMPLOYER_FIELD: Text("用人单位签章", "Employer's signature and seal"),
}
DOCUMENT_TIMESTAMP = Text("文档时间戳", "Document timestamp")
OTHER_SIGNATURE = Text("签名", "Signature")


@dataclass(frozen=True, slots=True)
class SignatureView:
    role: Text
    signer: str
    time: str | None
    tsa: str | None
    trusted: bool
    intact: bool
    unchanged: bool
    ok: bool
    reasons: tuple[Text, ...]
    technical: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PdfView:
    verdict: Verdict
    employer: str | Text
    worker: str | Text
    signatures: tuple[SignatureView, ...]
    reasons: tuple[Text, ...]
    sha256: str
    size: int

    @property
    def verdict_text(self) -> Text:
        return VERDICT_TEXT[self.verdict]

    @property
    def explained(self) -> Text:
        return VERDICT_EXPLAINED[self.verdict]


@dataclass(frozen=True, slots=True)
class CheckView:
    number: int
    title: Text
    status: str  # passed | failed | skipped
    details: tuple[str, ...]
    reason: Text | None


@dataclass(frozen=True, slots=True)
class PackageView:
    verdict: Verdict
    contract: str
    checks: tuple[CheckView, ...]
    # The contained contract checked against this platform's trust roots (None: unreadable).
    pdf: PdfView | None

    @property
    def verdict_text(self) -> Text:
        return VERDICT_TEXT[self.verdict]

    @property
    def explained(self) -> Text:
        if self.verdict is Verdict.VALID:
            return Text(
                "证据包中的每一项检查均通过：存证记录完整、顺序正确，合同签名有效。",
                "Every check of the package passed: the records are complete and in order, "
                "and the contract's signatures are valid.",
            )
        if self.verdict is Verdict.UNVERIFIABLE:
            return Text(
                "证据包自身完整，但其中的合同签名不能追溯到本平台信任的根证书，无法确认其可信。",
                "The package is consistent in itself, but the contract's signatures do not "
                "chain to a root this platform trusts.",
            )
        return Text(
            "证据包未通过检查，见下方第一项未通过的检查。",
            "The package failed a check; see the first failed check below.",
        )


def _time(value: str | None) -> str | None:
    return beijing(datetime.fromisoformat(value)) if value else None


def _signature(s: SignatureReport) -> SignatureView:
    if s.kind is Kind.DOCUMENT_TIMESTAMP:
        role = DOCUMENT_TIMESTAMP
    else:
        role = ROLE_TEXT.get(s.field, OTHER_SIGNATURE)
    signer = mask_name(s.signer) if s.field == WORKER_FIELD else s.signer
    technical = [
        ("field", s.field),
        ("kind", s.kind.value),
        ("coverage", s.coverage),
        ("revision", str(s.revision)),
        ("signed bytes", str(s.signed_bytes)),
        ("modification level", s.modification_level),
        ("long-term validation", s.ltv.value),
    ]
    for n, c in enumerate(s.chain, start=1):
        subject = c.subject
        if s.field == WORKER_FIELD and s.signer:
            # The worker's certificate names him; the folded details must not undo the mask.
            subject = subject.replace(s.signer, signer)
        technical.append((f"certificate {n}", f"{subject} · serial {c.serial} · sha256 {c.sha256}"))
    return SignatureView(
        role=role,
        signer=signer or UNKNOWN.zh,
        time=_time(s.timestamp.time if s.timestamp else None),
        tsa=s.timestamp.tsa if s.timestamp else None,
        trusted=s.trusted,
        intact=s.intact,
        unchanged=s.modifications_ok,
        ok=s.ok,
        reasons=tuple(Text(r.zh, r.en) for r in s.reasons),
        technical=tuple(technical),
    )


def pdf_verdict(report: VerificationReport) -> Verdict:
    if report.valid:
        return Verdict.VALID
    codes = {r.code for r in report.reasons} | {
        r.code for s in report.signatures for r in s.reasons
    }
    return Verdict.INVALID if codes & _BROKEN else Verdict.UNVERIFIABLE


def pdf_view(report: VerificationReport) -> PdfView:
    by_field = {s.field: s.signer for s in report.signatures if s.kind is Kind.SIGNATURE}
    worker = by_field.get(WORKER_FIELD)
    # The document-level "some signature is invalid" reason repeats the signatures' own.
    reasons = tuple(Text(r.zh, r.en) for r in report.reasons if r.code != "signature-invalid")
    return PdfView(
        verdict=pdf_verdict(report),
        employer=by_field.get(EMPLOYER_FIELD) or UNKNOWN,
        worker=mask_name(worker) if worker else UNKNOWN,
        signatures=tuple(_signature(s) for s in report.signatures),
        reasons=reasons,
        sha256=report.sha256,
        size=report.size,
    )


def package_view(report: PackageReport, contract: VerificationReport | None) -> PackageView:
    checks = tuple(
        CheckView(c.number, c.title, c.status.value, c.details, c.reason) for c in report.checks
    )
    pdf = pdf_view(contract) if contract is not None else None
    if not report.valid:
        verdict = Verdict.INVALID
    elif pdf is None or pdf.verdict is not Verdict.VALID:
        # Valid against the roots the package carries, which anyone can make: without this
        # platform's roots behind the contract the page cannot call it valid.
        verdict = Verdict.UNVERIFIABLE
    else:
        verdict = Verdict.VALID
    return PackageView(
        verdict=verdict,
        contract=report.contract,
        checks=checks,
        pdf=pdf,
    )
