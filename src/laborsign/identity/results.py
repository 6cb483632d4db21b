"""What every verification method returns: method, provider, outcome, whether the source is
authoritative, and the provider's reference (kept in the platform's table, not in a leaf)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from laborsign.i18n import Text

NOT_AUTHORITATIVE = Text("非权威", "not authoritative")


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # the source says the data do not match / the check did not pass
    ERROR = "error"  # the source could not answer; nothing is known (fail closed)


class Method(StrEnum):
    REAL_NAME = "real-name-3"  # name + ID number + phone
    SMS_OTP = "sms-otp"
    FACE = "face-liveness"
    SOCIAL_SECURITY_CARD = "e-ssc"  # 电子社保卡


@dataclass(frozen=True, slots=True)
class VerificationResult:
    method: Method
    provider: str
    outcome: Outcome
    authoritative: bool
    reference: str | None = None
    label: Text | None = None  # shown beside the result, e.g. NOT_AUTHORITATIVE

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED
