"""The verification report: frozen, JSON-serialisable, with bilingual reasons.

A report explains every signature it found (who, which chain, trusted or not, intact, what it
covers, what changed after it, when it was timestamped and by whom, whether it carries its
own validation data) and gives one verdict for the document.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from laborsign.i18n import Text


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"


class Kind(StrEnum):
    SIGNATURE = "signature"
    DOCUMENT_TIMESTAMP = "document-timestamp"


class Ltv(StrEnum):
    """Long-term validation status of one signature."""

    # Certificates and revocation data for the whole chain are embedded in the document.
    EMBEDDED = "embedded"
    MISSING = "missing"


@dataclass(frozen=True)
class Reason:
    """Why something is not valid (or a notable fact), in Chinese and English."""

    code: str
    zh: str
    en: str

    @classmethod
    def of(cls, code: str, text: Text) -> Reason:
        return cls(code, text.zh, text.en)


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    sha256: str


@dataclass(frozen=True)
class TimestampInfo:
    time: str
    tsa: str
    valid: bool
    trusted: bool


@dataclass(frozen=True)
class SignatureReport:
    field: str
    kind: Kind
    signer: str
    chain: tuple[CertificateInfo, ...]
    intact: bool
    valid: bool
    trusted: bool
    # pyHanko's coverage level (ENTIRE_FILE, ENTIRE_REVISION, ...) and the signed bytes.
    coverage: str
    signed_bytes: int
    revision: int
    # Difference analysis of everything appended after this signature.
    modification_level: str
    modifications_ok: bool
    certification: str | None
    timestamp: TimestampInfo | None
    ltv: Ltv
    reasons: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class VerificationReport:
    sha256: str
    size: int
    verdict: Verdict
    signatures: tuple[SignatureReport, ...]
    unsigned_fields: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["valid"] = self.valid
        for sig, report in zip(data["signatures"], self.signatures, strict=True):
            sig["ok"] = report.ok
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
