"""Evidence events: what one leaf of the log says, as canonical JSON (RFC 8785).

A leaf is public to whoever verifies a package and lives forever, so it carries only
digests and pseudonyms. The checks below refuse anything that looks like an identity
number or a mobile number in clear: defence in depth behind the callers, who are expected
to pass pseudonyms from `pseudonym()` and SHA-256 digests only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import rfc8785

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

VERSION = 1
# tlog-tiles entry bundles prefix each entry with a uint16 length.
MAX_ENTRY_BYTES = 0xFFFF
MAX_EXTRA_ITEMS = 16
MAX_TEXT = 200

_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_ARTIFACT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# A resident identity number (18 digits, the last may be X; or the old 15 digits) or a
# mainland mobile number, as a run of digits that no Latin letter or digit touches. A digit
# run inside an identifier (a UUID's hex, a hash) is not personal data: about one random
# UUID in a hundred holds eleven digits in a row that look like a mobile number. Text such as
# "电话13812345678" or "call 13812345678" is still caught.
_PERSONAL = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")

ExtraValue = str | int | bool | None


class EventType(StrEnum):
    """Each step of a contract's life that the log records (the flow in the design)."""

    CREATED = "contract.created"
    RULES_CHECKED = "contract.rules-checked"
    SENT = "contract.sent"
    NOTICE_ACKNOWLEDGED = "notice.acknowledged"
    IDENTITY_VERIFIED = "identity.verified"
    OTP_VERIFIED = "otp.verified"
    INTENT_CONFIRMED = "intent.confirmed"
    WORKER_SIGNED = "worker.signed"
    EMPLOYER_SIGNED = "employer.signed"
    EFFECTIVE = "contract.effective"
    DOCUMENT_TIMESTAMPED = "document.timestamped"
    DOWNLOADED = "contract.downloaded"
    FILED = "contract.filed"
    # An export of personal data for a labor department (one event per export).
    FILING_EXPORTED = "filing.exported"
    RENEWED = "contract.renewed"
    AMENDED = "contract.amended"
    TERMINATED = "contract.terminated"
    DECLINED = "contract.declined"
    VOIDED = "contract.voided"
    EXPIRED = "contract.expired"
    ARCHIVED = "contract.archived"
    # After signing (docs/lifecycle.md, docs/retention.md); each names its document by digest.
    AMENDMENT_DRAFTED = "amendment.drafted"
    AMENDMENT_SIGNED = "amendment.signed"
    CERTIFICATE_DELIVERED = "termination-certificate.delivered"
    LEGAL_HOLD_PLACED = "legal-hold.placed"
    LEGAL_HOLD_LIFTED = "legal-hold.lifted"
    PERSONAL_DATA_ERASED = "personal-data.erased"
    # The signing ceremony and retrieval (docs/ceremony.md).
    VIEWED = "contract.viewed"
    REMINDED = "contract.reminded"
    PAPER_COPY_ISSUED = "paper_copy.issued"
    AUTHORITY_ACCESSED = "contract.accessed_by_authority"


def _fail(zh: str, en: str, field_name: str) -> InvalidInput:
    return InvalidInput(Text(zh, en), field=field_name)


def pseudonym(secret: bytes, kind: str, identifier: str) -> str:
    """A stable pseudonym for a person or account: `<kind>:<base32 of an HMAC>`.

    Lower-case base32 has no digits 0, 1, 8, 9, so a pseudonym can never look like an
    identity or phone number to the check above.
    """
    mac = hmac.new(secret, f"{kind}\n{identifier}".encode(), hashlib.sha256).digest()[:20]
    return f"{kind}:{base64.b32encode(mac).decode('ascii').lower()}"


def format_time(at: datetime) -> str:
    """UTC, ISO 8601 with milliseconds and a Z: one spelling for one instant."""
    if at.tzinfo is None:
        raise _fail("事件时间必须带时区", "event time must be timezone-aware", "at")
    utc = at.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def canonical_json(value: dict[str, Any]) -> bytes:
    """RFC 8785 for what an event holds: ASCII keys, strings, integers, booleans and null.

    For these the standard library's sorted, compact JSON is byte for byte the canonical
    form (keys of ASCII sort the same by UTF-16 unit and by code point; both escape only the
    quote, the backslash and control characters, with the same short forms), and it is
    twenty times faster than the general encoder, which a bulk run calls for every event.
    Text that UTF-8 cannot encode (a lone surrogate) goes to the general encoder, which
    refuses it as it should."""
    if _outside_fast_path(value):
        data: bytes = rfc8785.dumps(value)
        return data
    try:
        return json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
    except UnicodeEncodeError:
        data = rfc8785.dumps(value)
        return data


_SAFE_INTEGER = 2**53 - 1  # beyond it RFC 8785 (IEEE doubles) has no exact spelling


def _outside_fast_path(value: object) -> bool:
    if isinstance(value, dict):
        return any(
            not (isinstance(k, str) and k.isascii()) or _outside_fast_path(v)
            for k, v in value.items()
        )
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return False
    if isinstance(value, int):
        return abs(value) > _SAFE_INTEGER
    return True  # floats, lists, anything else: the general encoder decides


def _check_clear(value: str, field_name: str) -> None:
    if _PERSONAL.search(value):
        raise _fail(
            "存证记录中不得出现身份证号或手机号明文",
            "evidence records must not hold an identity or phone number in clear",
            field_name,
        )


@dataclass(frozen=True, slots=True)
class Event:
    type: EventType
    contract: str
    actor: str
    at: datetime
    artifacts: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, ExtraValue] = field(default_factory=dict)
    v: int = VERSION

    def __post_init__(self) -> None:
        EventType(self.type)
        for name, ident in (("contract", self.contract), ("actor", self.actor)):
            if not _IDENT.fullmatch(ident):
                raise _fail("标识格式无效", f"{name} is not a valid identifier", name)
            _check_clear(ident, name)
        format_time(self.at)
        for name, digest in self.artifacts.items():
            if not _ARTIFACT_NAME.fullmatch(name) or not _SHA256_HEX.fullmatch(digest):
                raise _fail(
                    "文件摘要必须是小写十六进制 SHA-256",
                    f"artifact {name!r} must map a short name to a lower-case SHA-256 hex digest",
                    "artifacts",
                )
            _check_clear(name, "artifacts")
        if len(self.extra) > MAX_EXTRA_ITEMS:
            raise _fail("附加信息过多", "too many extra items", "extra")
        for key, value in self.extra.items():
            if not _ARTIFACT_NAME.fullmatch(key):
                raise _fail("附加信息的键无效", f"extra key {key!r} is not valid", "extra")
            if isinstance(value, str):
                if len(value) > MAX_TEXT:
                    raise _fail("附加信息过长", f"extra {key!r} is too long", "extra")
                _check_clear(value, "extra")
            elif isinstance(value, int) and not isinstance(value, bool):
                _check_clear(str(value), "extra")
            elif not (value is None or isinstance(value, bool)):
                raise _fail("附加信息的值类型无效", f"extra {key!r} has a bad type", "extra")
        # Freeze the mappings: an event is a value.
        object.__setattr__(self, "artifacts", MappingProxyType(dict(self.artifacts)))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def to_json(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "type": self.type.value,
            "contract": self.contract,
            "actor": self.actor,
            "at": format_time(self.at),
            "artifacts": dict(self.artifacts),
            "extra": dict(self.extra),
        }

    def entry(self) -> bytes:
        """The leaf entry: RFC 8785 canonical JSON, the exact bytes that are hashed."""
        data = canonical_json(self.to_json())
        if len(data) > MAX_ENTRY_BYTES:
            raise _fail("存证记录过大", "evidence record too large", "extra")
        return data

    @classmethod
    def from_entry(cls, entry: bytes) -> Event:
        """Read a leaf back; refuses bytes that are not this event's canonical form."""
        try:
            data = json.loads(entry)
            event = cls(
                type=EventType(data["type"]),
                contract=data["contract"],
                actor=data["actor"],
                at=datetime.fromisoformat(data["at"].replace("Z", "+00:00")),
                artifacts=data["artifacts"],
                extra=data["extra"],
                v=data["v"],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _fail("不是有效的存证记录", "not a valid evidence record", "entry") from exc
        if event.entry() != entry:
            raise _fail("存证记录不是规范形式", "evidence record is not canonical", "entry")
        return event
