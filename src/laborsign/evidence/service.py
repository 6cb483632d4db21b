"""Use cases of the evidence log for routes, jobs and the CLI; each owns its transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from laborsign.db.uow import UnitOfWork
from laborsign.errors import InvalidInput, NotFound
from laborsign.evidence.log import EvidenceLog
from laborsign.evidence.note import Ed25519Signer, b64
from laborsign.evidence.pending import integrate_pending
from laborsign.evidence.publish import (
    PublishedCheckpoint,
    TimeStamper,
    Witness,
    checkpoint_at,
    latest_checkpoint,
    publish_checkpoint,
)
from laborsign.evidence.tiles import Tile, entry_bundle
from laborsign.i18n import Text


class EvidenceService:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        signer: Callable[[], Ed25519Signer],
        stamper: Callable[[], TimeStamper | None],
        witnesses: Sequence[Witness],
        log: EvidenceLog | None = None,
    ) -> None:
        # Key and TSA are fetched only when publishing: reading the log needs neither.
        self._uow = uow
        self._signer = signer
        self._stamper = stamper
        self._witnesses = witnesses
        self.log = log or EvidenceLog()

    def publish(self, now: datetime) -> PublishedCheckpoint:
        # Every access recorded before now is in the log before it is signed, so a package
        # (which publishes first) always contains them.
        integrate_pending(self._uow, self.log)
        with self._uow() as uow:
            published = publish_checkpoint(
                uow.session,
                log=self.log,
                signer=self._signer(),
                stamper=self._stamper(),
                witnesses=self._witnesses,
                now=now,
            )
            uow.commit()
        return published

    def log_vkey(self) -> str:
        """The log's verifier key, as verifiers pin it (`evidence verify --log-vkey`)."""
        return self._signer().verifier.vkey

    def witness_vkeys(self) -> list[str]:
        return [w.verifier.vkey for w in self._witnesses]

    def latest(self) -> PublishedCheckpoint:
        with self._uow() as uow:
            latest = latest_checkpoint(uow.session)
        if latest is None:
            raise NotFound(Text("尚未发布检查点", "no checkpoint has been published yet"))
        return latest

    def inclusion(self, index: int, size: int) -> dict[str, object]:
        """An inclusion proof at the size of a published checkpoint, with that checkpoint."""
        with self._uow() as uow:
            published = checkpoint_at(uow.session, size)
            if published is None:
                raise NotFound(Text("该大小没有已发布的检查点", f"no checkpoint of size {size}"))
            if not 0 <= index < size:
                raise InvalidInput(
                    Text("叶子序号超出范围", "leaf index out of range"), field="index"
                )
            proof = self.log.tree(uow.session).inclusion_proof(index, size)
            entry = self.log.entries(uow.session, index, index + 1)[0]
        return {
            "index": index,
            "size": size,
            "entry": b64(entry),
            "proof": [b64(h) for h in proof],
            "checkpoint": str(published.note),
        }

    def consistency(self, first: int, second: int) -> dict[str, object]:
        with self._uow() as uow:
            latest = latest_checkpoint(uow.session)
            if latest is None or not 0 < first <= second <= latest.checkpoint.size:
                raise InvalidInput(
                    Text(
                        "需要 0 < first ≤ second ≤ 最新检查点的大小",
                        "need 0 < first <= second <= the latest checkpoint's size",
                    ),
                    field="second",
                )
            proof = self.log.tree(uow.session).consistency_proof(first, second)
        return {"first": first, "second": second, "proof": [b64(h) for h in proof]}

    def tile(self, tile: Tile) -> bytes:
        """A tile or entry bundle within the latest published checkpoint."""
        with self._uow() as uow:
            latest = latest_checkpoint(uow.session)
            tile.check_within(latest.checkpoint.size if latest else 0)
            end = tile.first + tile.width
            if tile.level is None:
                return entry_bundle(self.log.entries(uow.session, tile.first, end))
            hashes = self.log.subtree_hashes(uow.session, tile.binary_level, tile.first, end)
        return b"".join(hashes)
