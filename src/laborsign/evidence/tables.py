"""Tables of the evidence log. Leaves, subtree hashes and checkpoints are append-only: the
migration installs triggers that make the database itself refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from laborsign.db.base import Base


class EvidenceHeadRow(Base):
    """The one row that appends lock and advance: the number of leaves in the log."""

    __tablename__ = "evidence_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)


class EvidenceLeafRow(Base):
    """One leaf: `entry` is the canonical JSON event, exactly the bytes that are hashed."""

    __tablename__ = "evidence_leaves"

    leaf_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    contract_id: Mapped[str] = mapped_column(String(64), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EvidenceSubtreeRow(Base):
    """The hash of the complete subtree of 2**level leaves starting at position * 2**level.

    Level 0 (leaf hashes) lives in `evidence_leaves`; every higher level is written once,
    when its last leaf is appended, so nothing is recomputed at start-up.
    """

    __tablename__ = "evidence_subtrees"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class EvidenceCheckpointRow(Base):
    """A published checkpoint: the signed note (log signature and cosignatures) and the
    RFC 3161 token over SHA-256 of exactly those note bytes."""

    __tablename__ = "evidence_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    timestamp_token: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


APPEND_ONLY_TABLES = (
    "evidence_leaves",
    "evidence_subtrees",
    "evidence_checkpoints",
    "evidence_anchor_receipts",
)


class EvidenceAnchorReceiptRow(Base):
    """An outside anchor's verified receipt for a published checkpoint (one per anchor).

    `verifier_pem` is the key or certificates the receipt was verified with when it was
    stored, so the receipt stays checkable after the anchor's configuration changes.
    """

    __tablename__ = "evidence_anchor_receipts"

    size: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("evidence_checkpoints.size"), primary_key=True, autoincrement=False
    )
    anchor: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    receipt_id: Mapped[str] = mapped_column(String(200))
    receipt: Mapped[bytes] = mapped_column(LargeBinary)
    verifier_pem: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
