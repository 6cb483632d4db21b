"""Refusals of the identity steps. Each says what happened and what to do, and is raised
only after anything it must keep (a counted wrong try) has been committed."""

from __future__ import annotations

from laborsign.errors import LaborSignError, PermissionDenied
from laborsign.i18n import Text


class Refused(PermissionDenied):
    """A verification step refused; `reason` is a stable machine-readable word."""

    code = "identity-refused"

    def __init__(self, message: Text, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class LinkRefused(Refused):
    code = "link-refused"


class OtpRefused(Refused):
    code = "otp-refused"


class AuthorisationRefused(Refused):
    code = "authorisation-refused"


class RateLimited(LaborSignError):
    code = "rate-limited"
    http_status = 429

    def __init__(self, message: Text, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
