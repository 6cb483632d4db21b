"""The append-only log in the database.

`EvidenceLog.append` writes inside the caller's session, so the leaf commits or rolls back
with the state change it records. Appends serialise on the head row: the first statement
of an append is an UPDATE of that row, which takes its row lock on PostgreSQL (held until
the transaction ends) and the writer lock on SQLite, so two appends never compute the
same leaf index or read a stale edge of the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import (
    CompoundSelect,
    Select,
    SmallInteger,
    insert,
    literal,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from laborsign.errors import LaborSignError, NotFound
from laborsign.evidence.events import Event
from laborsign.evidence.merkle import CompactRange, MerkleTree, Subtree, hash_leaf
from laborsign.evidence.tables import EvidenceHeadRow, EvidenceLeafRow, EvidenceSubtreeRow
from laborsign.i18n import Text

T = TypeVar("T")
HEAD_ID = 1
_EDGE_KEY = "laborsign.evidence.edge"
# Keep IN lists well below every driver's parameter limit.
_CHUNK = 400


class LogCorrupted(LaborSignError):
    """A hash the tree structure says must be stored is missing: never guess, stop."""

    code = "evidence-log-corrupted"


class DatabaseHashes:
    """`HashReader` over the stored tree, in one session (one snapshot)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def read_hashes(self, subtrees: Sequence[Subtree]) -> list[bytes]:
        found: dict[Subtree, bytes] = {}
        # One round trip per proof: leaves and inner nodes in one UNION ALL, each side an
        # index lookup on its primary key (a proof has at most 2 * 63 nodes, one chunk).
        for chunk in _chunks(list(dict.fromkeys(subtrees))):
            found.update(
                (Subtree(level, position), h)
                for level, position, h in self._session.execute(hashes_query(chunk))
            )
        missing = [s for s in subtrees if s not in found]
        if missing:
            where = f"evidence log is missing subtree hashes {missing[:3]}"
            raise LogCorrupted(Text("存证日志缺少子树哈希", where))
        return [found[s] for s in subtrees]


def hashes_query(
    subtrees: Sequence[Subtree],
) -> Select[int, int, bytes] | CompoundSelect[int, int, bytes]:
    leaves = [s.position for s in subtrees if s.level == 0]
    inner = [(s.level, s.position) for s in subtrees if s.level > 0]
    parts: list[Select[int, int, bytes]] = []
    if leaves:
        parts.append(
            select(
                literal(0, SmallInteger).label("level"),
                EvidenceLeafRow.leaf_index.label("position"),
                EvidenceLeafRow.leaf_hash.label("hash"),
            ).where(EvidenceLeafRow.leaf_index.in_(leaves))
        )
    if inner:
        parts.append(
            select(
                EvidenceSubtreeRow.level, EvidenceSubtreeRow.position, EvidenceSubtreeRow.hash
            ).where(tuple_(EvidenceSubtreeRow.level, EvidenceSubtreeRow.position).in_(inner))
        )
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class EvidenceLog:
    """Appends events and reads the tree; holds no state between calls."""

    def append(self, session: Session, event: Event) -> int:
        """Append one event in the caller's transaction; returns its leaf index."""
        return self.append_many(session, [event]).start

    def append_many(self, session: Session, events: Sequence[Event]) -> range:
        """Append events in order in the caller's transaction; returns their leaf indexes."""
        if not events:
            raise ValueError("nothing to append")
        new_size = session.execute(
            update(EvidenceHeadRow)
            .where(EvidenceHeadRow.id == HEAD_ID)
            .values(size=EvidenceHeadRow.size + len(events))
            .returning(EvidenceHeadRow.size)
        ).scalar_one()
        first = new_size - len(events)
        edge = self._edge(session, first)
        leaves: list[dict[str, object]] = []
        subtrees: list[dict[str, object]] = []
        for offset, event in enumerate(events):
            entry = event.entry()
            leaf = hash_leaf(entry)
            leaves.append(
                {
                    "leaf_index": first + offset,
                    "entry": entry,
                    "leaf_hash": leaf,
                    "contract_id": event.contract,
                    "event_type": event.type.value,
                    "created_at": event.at,
                }
            )
            subtrees.extend(
                {"level": s.level, "position": s.position, "hash": h} for s, h in edge.append(leaf)
            )
        session.execute(insert(EvidenceLeafRow), leaves)
        if subtrees:
            session.execute(insert(EvidenceSubtreeRow), subtrees)
        return range(first, new_size)

    def _edge(self, session: Session, size: int) -> CompactRange:
        """The right edge of the tree, kept in the session for the rest of this transaction.

        Only the transaction that holds the head lock can have appended since, so the cached
        edge is valid exactly while the same transaction object is current; a new
        transaction (after commit or rollback) reloads it from the stored subtrees.
        """
        transaction = session.get_transaction()
        cached = session.info.get(_EDGE_KEY)
        if cached is not None and cached[0] is transaction and cached[1].size == size:
            edge: CompactRange = cached[1]
        else:
            edge = CompactRange.load(size, DatabaseHashes(session))
            session.info[_EDGE_KEY] = (transaction, edge)
        return edge

    def size(self, session: Session) -> int:
        """The number of leaves visible to this session."""
        return session.execute(
            select(EvidenceHeadRow.size).where(EvidenceHeadRow.id == HEAD_ID)
        ).scalar_one()

    def tree(self, session: Session) -> MerkleTree:
        return MerkleTree(DatabaseHashes(session))

    def entries(self, session: Session, start: int, end: int) -> list[bytes]:
        """The leaf entries [start, end), in order; all must exist."""
        rows = session.scalars(
            select(EvidenceLeafRow.entry)
            .where(EvidenceLeafRow.leaf_index >= start, EvidenceLeafRow.leaf_index < end)
            .order_by(EvidenceLeafRow.leaf_index)
        ).all()
        if len(rows) != end - start:
            raise NotFound(Text("存证记录不存在", "evidence entries not found"))
        return list(rows)

    def subtree_hashes(self, session: Session, level: int, start: int, end: int) -> list[bytes]:
        """Hashes of the complete subtrees at `level` with positions [start, end), in order."""
        if level == 0:
            query = (
                select(EvidenceLeafRow.leaf_hash)
                .where(EvidenceLeafRow.leaf_index >= start, EvidenceLeafRow.leaf_index < end)
                .order_by(EvidenceLeafRow.leaf_index)
            )
        else:
            query = (
                select(EvidenceSubtreeRow.hash)
                .where(
                    EvidenceSubtreeRow.level == level,
                    EvidenceSubtreeRow.position >= start,
                    EvidenceSubtreeRow.position < end,
                )
                .order_by(EvidenceSubtreeRow.position)
            )
        hashes = list(session.scalars(query).all())
        if len(hashes) != end - start:
            raise NotFound(Text("子树哈希不存在", "subtree hashes not found"))
        return hashes
