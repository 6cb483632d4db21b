"""Verify a signed contract PDF and explain the result (a structured, bilingual report)."""

from laborsign.verification.pdf import Limits, verify_pdf
from laborsign.verification.report import (
    CertificateInfo,
    Reason,
    SignatureReport,
    TimestampInfo,
    VerificationReport,
)

__all__ = [
    "CertificateInfo",
    "Limits",
    "Reason",
    "SignatureReport",
    "TimestampInfo",
    "VerificationReport",
    "verify_pdf",
]
