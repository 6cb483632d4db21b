"""The one error hierarchy of LaborSign.

Every error the platform raises on purpose derives from `LaborSignError` and carries a
bilingual message; boundaries (CLI, HTTP) translate it into an exit code or an RFC 9457
problem document. Anything else reaching a boundary is a bug.
"""

from __future__ import annotations

from laborsign.i18n import Text


class LaborSignError(Exception):
    """Root of all expected failures. `message` explains it to a human in both languages."""

    code = "error"
    http_status = 500

    def __init__(self, message: Text, *, field: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.message.zh}{where} — {self.message.en}"


class InvalidInput(LaborSignError):
    """Input that is not what it claims to be (wrong type, impossible date, not a PDF...)."""

    code = "invalid-input"
    http_status = 422


class NotFound(LaborSignError):
    code = "not-found"
    http_status = 404


class Conflict(LaborSignError):
    """The request is valid but not in the current state (e.g. signing a voided contract)."""

    code = "conflict"
    http_status = 409


class PermissionDenied(LaborSignError):
    code = "forbidden"
    http_status = 403


class ConfigurationError(LaborSignError):
    """The platform is configured in a way it refuses to run with."""

    code = "configuration"
    http_status = 500


class ServiceUnavailable(LaborSignError):
    """An outside part (TSA, CA, key store, SMS) failed; nothing was changed (fail closed)."""

    code = "service-unavailable"
    http_status = 503


class RenderError(LaborSignError):
    """A document could not be rendered faithfully (e.g. a character no font has)."""

    code = "render"
    http_status = 422
