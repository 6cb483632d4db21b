"""Anchoring published checkpoints and keeping the receipts (table evidence_anchor_receipts).

The outside call happens outside any transaction (a slow ledger must not hold database
locks); the verified receipt is then recorded in its own short transaction. Anchoring the
latest checkpoint is enough: every earlier one is consistent with it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from laborsign.db.uow import UnitOfWork
from laborsign.errors import LaborSignError, ServiceUnavailable
from laborsign.evidence.anchors import Anchor, AnchorReceipt, Kind
from laborsign.evidence.publish import PublishedCheckpoint, latest_checkpoint
from laborsign.evidence.tables import EvidenceAnchorReceiptRow
from laborsign.i18n import Text

log = logging.getLogger(__name__)


def checkpoint_hash(published: PublishedCheckpoint) -> bytes:
    """What anchors receive: SHA-256 of the checkpoint file, as the TSA's imprint is."""
    return hashlib.sha256(published.note_bytes).digest()


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def receipts_for(session: Session, size: int) -> list[AnchorReceipt]:
    rows = session.scalars(
        select(EvidenceAnchorReceiptRow)
        .where(EvidenceAnchorReceiptRow.size == size)
        .order_by(EvidenceAnchorReceiptRow.anchor)
    ).all()
    return [
        AnchorReceipt(
            r.anchor, Kind(r.kind), r.receipt_id, r.receipt, _utc(r.received_at), r.verifier_pem
        )
        for r in rows
    ]


def record_receipt(session: Session, size: int, receipt: AnchorReceipt, now: datetime) -> None:
    session.execute(
        insert(EvidenceAnchorReceiptRow).values(
            size=size,
            anchor=receipt.anchor,
            kind=receipt.kind.value,
            receipt_id=receipt.receipt_id,
            receipt=receipt.receipt,
            verifier_pem=receipt.verifier_pem,
            received_at=receipt.received_at,
            recorded_at=now,
        )
    )


def anchor_latest(
    uow: Callable[[], UnitOfWork], anchors: Sequence[Anchor], now: datetime
) -> list[AnchorReceipt]:
    """Submit the latest checkpoint to every anchor that has no receipt for it yet.

    Idempotent. Tries every anchor; if any failed, raises `ServiceUnavailable` after
    recording the others, so a periodic job retries only what is missing.
    """
    if not anchors:
        return []
    with uow() as work:
        latest = latest_checkpoint(work.session)
        if latest is None:
            return []
        size = latest.checkpoint.size
        done = {r.anchor for r in receipts_for(work.session, size)}
    recorded: list[AnchorReceipt] = []
    failed: list[str] = []
    for anchor in anchors:
        if anchor.name in done:
            continue
        try:
            receipt = anchor.submit(checkpoint_hash(latest), latest.checkpoint.origin, size)
        except LaborSignError as exc:
            log.warning("anchor %s: %s", anchor.name, exc)
            failed.append(anchor.name)
            continue
        with uow() as work:
            record_receipt(work.session, size, receipt, now)
            work.commit()
        recorded.append(receipt)
    if failed:
        names = ", ".join(failed)
        raise ServiceUnavailable(
            Text(f"以下锚定方未给出有效回执：{names}", f"no valid receipt from anchors: {names}")
        )
    return recorded
