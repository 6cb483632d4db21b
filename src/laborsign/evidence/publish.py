"""Publishing checkpoints: sign the tree head, gather witness cosignatures, timestamp it.

Fails closed: without a time-stamping authority, or if a configured witness refuses or
cannot be reached, nothing is published and the caller sees why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from laborsign.errors import ConfigurationError, ServiceUnavailable
from laborsign.evidence.checkpoint import Checkpoint
from laborsign.evidence.cosignature import CosignatureVerifier
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.merkle import MerkleTree, verify_consistency
from laborsign.evidence.note import (
    Ed25519Signer,
    InvalidNote,
    Note,
    Signature,
    open_note,
    sign_note,
)
from laborsign.evidence.tables import EvidenceCheckpointRow
from laborsign.i18n import Text


class TimeStamper(Protocol):
    """An RFC 3161 TSA: a DER TimeStampToken over a SHA-256 message imprint."""

    def timestamp(self, digest: bytes, /) -> bytes: ...


class WitnessConflict(Exception):
    """The witness's last cosigned size is not the one we assumed (tlog-witness 409)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"witness is at size {size}")
        self.size = size


class Witness(Protocol):
    """An outside party that cosigns checkpoints consistent with what it saw before."""

    @property
    def verifier(self) -> CosignatureVerifier: ...

    def add_checkpoint(
        self, old_size: int, proof: Sequence[bytes], checkpoint: Note
    ) -> Sequence[Signature]:
        """The witness's cosignature lines; raises `WitnessConflict` or `ServiceUnavailable`."""
        ...


@dataclass(frozen=True, slots=True)
class PublishedCheckpoint:
    checkpoint: Checkpoint
    note: Note
    timestamp_token: bytes | None
    created_at: datetime

    @property
    def note_bytes(self) -> bytes:
        return self.note.encode()


def _from_row(row: EvidenceCheckpointRow) -> PublishedCheckpoint:
    note = Note.parse(row.note)
    # SQLite hands back naive datetimes; everything stored is UTC.
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return PublishedCheckpoint(Checkpoint.parse(note.text), note, row.timestamp_token, created)


def latest_checkpoint(session: Session) -> PublishedCheckpoint | None:
    row = session.scalars(
        select(EvidenceCheckpointRow).order_by(EvidenceCheckpointRow.size.desc()).limit(1)
    ).first()
    return _from_row(row) if row else None


def checkpoint_at(session: Session, size: int) -> PublishedCheckpoint | None:
    row = session.get(EvidenceCheckpointRow, size)
    return _from_row(row) if row else None


def checkpoint_due(
    latest: PublishedCheckpoint | None,
    size: int,
    now: datetime,
    *,
    every: timedelta,
    every_events: int,
) -> bool:
    """Publish every `every` or every `every_events` new events, whichever comes first."""
    if latest is None:
        return size > 0
    grown = size - latest.checkpoint.size
    return grown > 0 and (grown >= every_events or now - latest.created_at >= every)


def _cosign(
    witness: Witness, tree: MerkleTree, note: Note, size: int, assumed_old: int
) -> Signature:
    old = assumed_old
    for _attempt in range(2):
        proof = tree.consistency_proof(old, size) if 0 < old < size else []
        try:
            lines = witness.add_checkpoint(old, proof, note)
        except WitnessConflict as conflict:
            # The witness tells us what it last cosigned; retry once from there.
            if not 0 <= conflict.size <= size:
                break
            old = conflict.size
            continue
        try:
            verified = open_note(note.with_signatures(lines), [witness.verifier]).verified
        except InvalidNote as exc:
            raise _witness_failed(witness) from exc
        return verified[0]
    raise _witness_failed(witness)


def _witness_failed(witness: Witness) -> ServiceUnavailable:
    name = witness.verifier.name
    return ServiceUnavailable(
        Text(f"见证方 {name} 未给出有效的副署", f"witness {name} gave no valid cosignature")
    )


def publish_checkpoint(
    session: Session,
    *,
    log: EvidenceLog,
    signer: Ed25519Signer,
    stamper: TimeStamper | None,
    witnesses: Sequence[Witness],
    now: datetime,
) -> PublishedCheckpoint:
    """Publish a checkpoint of the log as it is now, in the caller's transaction.

    Returns the latest checkpoint unchanged when the log has not grown since.
    """
    if stamper is None:
        raise ConfigurationError(
            Text(
                "未配置时间戳服务，无法发布存证检查点",
                "no time-stamping authority configured: checkpoints cannot be published",
            )
        )
    latest = latest_checkpoint(session)
    size = log.size(session)
    if latest is not None and latest.checkpoint.size == size:
        return latest
    tree = log.tree(session)
    root = tree.root(size)
    if latest is not None and latest.checkpoint.size > 0:
        # A log must never sign a checkpoint inconsistent with one it signed before.
        old = latest.checkpoint
        proof = tree.consistency_proof(old.size, size)
        verify_consistency(old.size, size, proof, old.root_hash, root)
    checkpoint = Checkpoint(signer.name, size, root)
    note = sign_note(checkpoint.text(), [signer])
    old_size = latest.checkpoint.size if latest else 0
    note = note.with_signatures(_cosign(w, tree, note, size, old_size) for w in witnesses)
    # RFC 3161 imprint: SHA-256 of the whole checkpoint file, signatures included.
    token = stamper.timestamp(hashlib.sha256(note.encode()).digest())
    session.execute(
        insert(EvidenceCheckpointRow).values(
            size=size, root_hash=root, note=str(note), timestamp_token=token, created_at=now
        )
    )
    return PublishedCheckpoint(checkpoint, note, token, now)
