"""The optional `anchors/` folder of an evidence package (format version 2).

For each anchor that gave a receipt for the package's checkpoint:

    anchors/<name>.json     RFC 8785 JSON {"anchor","kind","received_at","receipt_id"}
    anchors/<name>.receipt  the receipt, byte for byte as stored
    anchors/<name>.pem      the anchor's key or certificates the receipt verifies with
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from laborsign.evidence.anchors import (
    ANCHOR_NAME,
    AnchorReceipt,
    Kind,
    ReceiptInvalid,
    canonical,
    verify_receipt,
)
from laborsign.i18n import Text

ANCHORS = "anchors/"
_TIME = "%Y-%m-%dT%H:%M:%SZ"


def anchor_files(receipts: Sequence[AnchorReceipt]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for receipt in sorted(receipts, key=lambda r: r.anchor):
        files[f"{ANCHORS}{receipt.anchor}.json"] = canonical(
            {
                "anchor": receipt.anchor,
                "kind": receipt.kind.value,
                "received_at": receipt.received_at.astimezone(UTC).strftime(_TIME),
                "receipt_id": receipt.receipt_id,
            }
        )
        files[f"{ANCHORS}{receipt.anchor}.receipt"] = receipt.receipt
        files[f"{ANCHORS}{receipt.anchor}.pem"] = receipt.verifier_pem
    return files


def _invalid(zh: str, en: str) -> ReceiptInvalid:
    return ReceiptInvalid(Text(zh, en))


def verify_anchor_files(
    files: Mapping[str, bytes], *, checkpoint: bytes, origin: str, size: int
) -> list[str]:
    """Verify every anchor in `files` against the package's checkpoint file; one detail
    line per anchor. Raises `ReceiptInvalid` on the first that does not check."""
    names = sorted({n[len(ANCHORS) :].rsplit(".", 1)[0] for n in files if n.startswith(ANCHORS)})
    details = []
    digest = hashlib.sha256(checkpoint).digest()
    for name in names:
        parts = {ext: files.get(f"{ANCHORS}{name}.{ext}") for ext in ("json", "receipt", "pem")}
        descriptor, receipt, pem = parts["json"], parts["receipt"], parts["pem"]
        if descriptor is None or receipt is None or pem is None or not ANCHOR_NAME.fullmatch(name):
            raise _invalid(f"锚定方 {name} 的文件不全", f"anchor {name}: .json, .receipt and .pem")
        try:
            meta = json.loads(descriptor)
            if canonical(meta) != descriptor or set(meta) != {
                "anchor",
                "kind",
                "received_at",
                "receipt_id",
            }:
                raise ValueError("not the canonical descriptor")
            kind = Kind(meta["kind"])
            claimed_at = datetime.strptime(meta["received_at"], _TIME).replace(tzinfo=UTC)
        except (ValueError, TypeError) as exc:
            raise _invalid(f"锚定方 {name} 的说明文件格式错误", f"anchor {name}: {exc}") from exc
        if meta["anchor"] != name:
            raise _invalid(f"锚定方 {name} 的名称不符", f"anchor {name}: name differs")
        facts = verify_receipt(kind, receipt, pem, checkpoint_hash=digest, origin=origin, size=size)
        if (
            facts.receipt_id != meta["receipt_id"]
            or facts.received_at.replace(microsecond=0) != claimed_at
        ):
            raise _invalid(
                f"锚定方 {name} 的说明与回执不符", f"anchor {name}: descriptor differs from receipt"
            )
        key = hashlib.sha256(pem).hexdigest()
        details.append(
            f"anchor {name} [{kind.value}] {facts.details} at {claimed_at.isoformat()} "
            f"(verifier sha256={key})"
        )
    return details
