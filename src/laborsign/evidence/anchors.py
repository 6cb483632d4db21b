"""Anchors: outside parties that receive a checkpoint's hash and give back a signed receipt.

An anchor is a second, independent record that a checkpoint existed at a time: a court's
evidence chain, a notarisation service, or an RFC 3161 TSA at another authority. The port
is `Anchor.submit`; every adapter verifies the receipt before returning it, and the same
verification runs offline on the receipt in an evidence package (`verify_receipt`), so a
receipt is stored only if a stranger could check it too. With no anchor configured nothing
is anchored and nothing is claimed.

Receipt kinds:

- `json-ledger`: RFC 8785 canonical JSON `{"receipt": {...}, "signature": base64}` where the
  inner receipt names `hash` (hex SHA-256 of the checkpoint file), `origin`, `size`,
  `receipt_id`, `received_at` and `ledger`, and `signature` is the ledger's signature over
  the canonical JSON of the inner receipt (Ed25519, or ECDSA P-256 with SHA-256), checked
  with the ledger's pinned public key or certificate.
- `rfc3161`: a DER TimeStampToken whose message imprint is the checkpoint hash, signed by a
  TSA certificate that chains to the pinned certificates.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.pki.tsa_verify import TokenInvalid, verify_token

ANCHOR_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


class Kind(StrEnum):
    JSON_LEDGER = "json-ledger"
    RFC3161 = "rfc3161"


class ReceiptInvalid(InvalidInput):
    """A receipt that does not prove what it should: never stored, never accepted."""

    code = "anchor-receipt-invalid"


def _invalid(zh: str, en: str) -> ReceiptInvalid:
    return ReceiptInvalid(Text(zh, en))


@dataclass(frozen=True, slots=True)
class AnchorReceipt:
    """What an anchor returned for one checkpoint, already verified.

    `verifier_pem` is what verifies `receipt` (the ledger's key or certificate, or the
    outside TSA's CA certificates); it is kept with the receipt so that the receipt stays
    checkable after the anchor's configuration changes.
    """

    anchor: str
    kind: Kind
    receipt_id: str
    receipt: bytes
    received_at: datetime
    verifier_pem: bytes


class Anchor(Protocol):
    """An outside ledger. `submit` returns a verified receipt or raises
    `ServiceUnavailable` (unreachable, refused) or `ReceiptInvalid` (receipt does not check)."""

    @property
    def name(self) -> str: ...

    def submit(self, checkpoint_hash: bytes, origin: str, size: int) -> AnchorReceipt: ...


def check_anchor_name(name: str) -> str:
    if not ANCHOR_NAME.fullmatch(name):
        raise InvalidInput(
            Text("锚定方名称只能含小写字母、数字和连字符", "anchor names are [a-z0-9-], 1-32"),
            field="name",
        )
    return name


# -- json-ledger receipts -------------------------------------------------------------------


def receipt_body(
    *, ledger: str, checkpoint_hash: bytes, origin: str, size: int, receipt_id: str, at: datetime
) -> dict[str, Any]:
    """The inner receipt a ledger signs (documented in docs/evidence-log.md)."""
    return {
        "hash": checkpoint_hash.hex(),
        "ledger": ledger,
        "origin": origin,
        "receipt_id": receipt_id,
        "received_at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "size": size,
    }


def canonical(value: Any) -> bytes:
    data: bytes = rfc8785.dumps(value)
    return data


def _public_key(pem: bytes) -> Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """A PEM public key, or the key of the first PEM certificate."""
    try:
        key: object = (
            x509.load_pem_x509_certificate(pem).public_key()
            if b"CERTIFICATE" in pem
            else load_pem_public_key(pem)
        )
    except ValueError as exc:
        raise _invalid("锚定方公钥无法读取", "the ledger's key cannot be read") from exc
    if not isinstance(key, Ed25519PublicKey | ec.EllipticCurvePublicKey):
        raise _invalid("锚定方公钥类型不受支持", "ledger key must be Ed25519 or ECDSA")
    return key


def _check_signature(pem: bytes, signature: bytes, message: bytes) -> None:
    key = _public_key(pem)
    try:
        if isinstance(key, Ed25519PublicKey):
            key.verify(signature, message)
        else:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise _invalid("锚定回执的签名无效", "the ledger's signature does not verify") from exc


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    receipt_id: str
    received_at: datetime
    details: str


def _ledger_facts(
    receipt: bytes, pem: bytes, checkpoint_hash: bytes, origin: str, size: int
) -> ReceiptFacts:
    try:
        outer = json.loads(receipt)
        if canonical(outer) != receipt or set(outer) != {"receipt", "signature"}:
            raise ValueError("not the canonical receipt envelope")
        inner = outer["receipt"]
        signature = base64.b64decode(outer["signature"], validate=True)
        keys = {"hash", "ledger", "origin", "receipt_id", "received_at", "size"}
        if not isinstance(inner, dict) or set(inner) != keys:
            raise ValueError("unexpected receipt fields")
        at = datetime.strptime(inner["received_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise _invalid("锚定回执格式错误", f"malformed ledger receipt: {exc}") from exc
    _check_signature(pem, signature, canonical(inner))
    if inner["hash"] != checkpoint_hash.hex():
        raise _invalid("锚定回执针对的是另一个哈希", "the receipt is for another checkpoint hash")
    if inner["origin"] != origin or inner["size"] != size:
        raise _invalid("锚定回执的日志或大小不符", "the receipt names another log or tree size")
    receipt_id = inner["receipt_id"]
    if not isinstance(receipt_id, str) or not receipt_id:
        raise _invalid("锚定回执没有编号", "the receipt has no id")
    return ReceiptFacts(receipt_id, at, f"ledger {inner['ledger']} receipt {receipt_id}")


def _tsa_facts(token: bytes, pem: bytes, checkpoint_hash: bytes) -> ReceiptFacts:
    try:
        pinned = x509.load_pem_x509_certificates(pem)
        info = verify_token(token, checkpoint_hash, None, pinned)
    except (TokenInvalid, ValueError, TypeError, KeyError) as exc:
        raise _invalid("外部时间戳回执无效", f"the outside TSA's token is invalid: {exc}") from exc
    serial = format(info.serial, "x")
    issuer = info.signer.subject.rfc4514_string()
    return ReceiptFacts(serial, info.gen_time, f"TSA {issuer} serial {serial}")


def verify_receipt(
    kind: Kind,
    receipt: bytes,
    verifier_pem: bytes,
    *,
    checkpoint_hash: bytes,
    origin: str,
    size: int,
) -> ReceiptFacts:
    """Check a receipt against the checkpoint it claims to anchor; raises `ReceiptInvalid`."""
    if kind is Kind.JSON_LEDGER:
        return _ledger_facts(receipt, verifier_pem, checkpoint_hash, origin, size)
    return _tsa_facts(receipt, verifier_pem, checkpoint_hash)
