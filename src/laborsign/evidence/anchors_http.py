"""The anchor adapters: a generic JSON notarisation endpoint and an RFC 3161 TSA elsewhere.

Both verify what comes back with the pinned verifier before returning it: a receipt that
does not check is refused (`ReceiptInvalid`), never stored.
"""

from __future__ import annotations

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from laborsign.errors import ServiceUnavailable
from laborsign.evidence.anchors import (
    AnchorReceipt,
    Kind,
    ReceiptInvalid,
    canonical,
    check_anchor_name,
    verify_receipt,
)
from laborsign.i18n import Text
from laborsign.pki.tsa_client import HttpTsaClient

MAX_RECEIPT = 64 * 1024


def _unavailable(name: str, why: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        Text(f"锚定方 {name} 不可用：{why}", f"anchor {name} unavailable: {why}")
    )


class JsonLedgerAnchor:
    """POST `{"hash", "hash_alg", "origin", "size"}` as JSON to `url` (with a bearer token
    when one is configured); the answer is `{"receipt": {...}, "signature": base64}`."""

    def __init__(
        self,
        name: str,
        url: str,
        verifier_pem: bytes,
        client: httpx.Client,
        token: str = "",
    ) -> None:
        self.name = check_anchor_name(name)
        self._url = url
        self._pem = verifier_pem
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def submit(self, checkpoint_hash: bytes, origin: str, size: int) -> AnchorReceipt:
        body = {
            "hash": checkpoint_hash.hex(),
            "hash_alg": "sha-256",
            "origin": origin,
            "size": size,
        }
        try:
            response = self._client.post(self._url, json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            raise _unavailable(self.name, type(exc).__name__) from exc
        if response.status_code != 200:
            raise _unavailable(self.name, f"HTTP {response.status_code}")
        if len(response.content) > MAX_RECEIPT:
            raise _unavailable(self.name, "receipt too large")
        try:
            answer = response.json()
            receipt = canonical({"receipt": answer["receipt"], "signature": answer["signature"]})
        except (ValueError, TypeError, KeyError) as exc:
            raise ReceiptInvalid(
                Text("锚定方的回执格式错误", f"anchor {self.name}: malformed receipt")
            ) from exc
        facts = verify_receipt(
            Kind.JSON_LEDGER,
            receipt,
            self._pem,
            checkpoint_hash=checkpoint_hash,
            origin=origin,
            size=size,
        )
        return AnchorReceipt(
            self.name, Kind.JSON_LEDGER, facts.receipt_id, receipt, facts.received_at, self._pem
        )


class TsaAnchor:
    """An RFC 3161 TSA at another authority than the one that timestamps checkpoints."""

    def __init__(self, name: str, client: HttpTsaClient, pinned: list[x509.Certificate]) -> None:
        self.name = check_anchor_name(name)
        self._client = client  # verifies status, nonce, imprint and the pinned chain
        self._pem = b"".join(c.public_bytes(Encoding.PEM) for c in pinned)

    def submit(self, checkpoint_hash: bytes, origin: str, size: int) -> AnchorReceipt:
        token = self._client.timestamp(checkpoint_hash)
        facts = verify_receipt(
            Kind.RFC3161,
            token,
            self._pem,
            checkpoint_hash=checkpoint_hash,
            origin=origin,
            size=size,
        )
        return AnchorReceipt(
            self.name, Kind.RFC3161, facts.receipt_id, token, facts.received_at, self._pem
        )
