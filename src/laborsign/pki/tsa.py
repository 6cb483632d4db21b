"""The time-stamping port and its pyHanko adapter.

`TimeStamper.timestamp` returns an RFC 3161 TimeStampToken (a CMS ContentInfo, DER) over a
SHA-256 message imprint, or raises `ServiceUnavailable` — never anything else, and never a
bare clock time (fail closed). Implementations: the built-in TSA (`pki.tsa_server`) called
in-process, and the client for an external TSA (`pki.tsa_client`).
"""

from __future__ import annotations

import secrets
from typing import Protocol, runtime_checkable

from asn1crypto import cms
from pyhanko.sign.timestamps import TimeStamper as PyHankoTimeStamper

from laborsign.errors import InvalidInput, ServiceUnavailable
from laborsign.i18n import Text

SHA256_LENGTH = 32


@runtime_checkable
class TimeStamper(Protocol):
    def timestamp(self, message_imprint_sha256: bytes, nonce: int | None = None) -> bytes:
        """A TimeStampToken (ContentInfo DER) whose TSTInfo carries this imprint and nonce."""
        ...


def check_imprint(message_imprint_sha256: bytes) -> bytes:
    if len(message_imprint_sha256) != SHA256_LENGTH:
        raise InvalidInput(
            Text(
                "时间戳请求的摘要必须是 SHA-256", "the time-stamp imprint must be a SHA-256 digest"
            ),
            field="message_imprint",
        )
    return message_imprint_sha256


def new_nonce() -> int:
    # 64 random bits: enough to match a reply to its request, small for any TSA.
    return secrets.randbits(63) | 1


class PortTimeStamper(PyHankoTimeStamper):
    """pyHanko `TimeStamper` over our port: pyHanko asks, the port answers (in-process for the
    built-in TSA, over a persistent HTTP session for an external one)."""

    def __init__(self, port: TimeStamper) -> None:
        super().__init__(include_nonce=True)  # type: ignore[no-untyped-call]
        self._port = port

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        if md_algorithm.lower().replace("-", "") != "sha256":
            raise ServiceUnavailable(
                Text(
                    "时间戳服务只接受 SHA-256 摘要（收到 {a}）",
                    "the time-stamping service takes SHA-256 digests only (got {a})",
                ).format(a=md_algorithm)
            )
        token = self._port.timestamp(message_digest, new_nonce())
        return cms.ContentInfo.load(token)
