"""The evidence log in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from laborsign.bootstrap import Container
from laborsign.db.engine import make_engine
from laborsign.db.uow import UnitOfWork
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.log import DatabaseHashes, EvidenceLog
from laborsign.evidence.merkle import (
    MemoryHashes,
    MerkleTree,
    Subtree,
    hash_leaf,
    verify_consistency,
    verify_inclusion,
)
from laborsign.evidence.tables import EvidenceLeafRow, EvidenceSubtreeRow

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def event(i: int, contract: str = "c-1") -> Event:
    return Event(
        type=EventType.SENT if i % 2 else EventType.CREATED,
        contract=contract,
        actor=pseudonym(b"test", "hr", f"staff-{i % 3}"),
        at=T0 + timedelta(seconds=i),
        artifacts={"document": hashlib.sha256(f"doc {i}".encode()).hexdigest()},
    )


def append(container: Container, events: Sequence[Event]) -> range:
    with container.uow() as uow:
        added = EvidenceLog().append_many(uow.session, events)
        uow.commit()
    return added


def test_an_append_in_a_rolled_back_transaction_leaves_no_trace(container: Container) -> None:
    log = EvidenceLog()
    with container.uow() as uow:
        assert log.append(uow.session, event(0)) == 0
        assert log.size(uow.session) == 1
        # no commit: the caller's unit of work decides, and here it rolls back
    with container.uow() as uow:
        assert log.size(uow.session) == 0
        assert uow.session.scalar(select(func.count()).select_from(EvidenceLeafRow)) == 0
        assert log.append(uow.session, event(1)) == 0


def test_proofs_from_the_database_verify(container: Container) -> None:
    reference = MemoryHashes()
    events = [event(i) for i in range(37)]
    for e in events:
        reference.append(e.entry())
    append(container, events[:5])
    for e in events[5:]:
        append(container, [e])
    with container.uow() as uow:
        tree = EvidenceLog().tree(uow.session)
        expected = MerkleTree(reference)
        for size in (1, 5, 16, 37):
            root = tree.root(size)
            assert root == expected.root(size)
            for index in range(size):
                proof = tree.inclusion_proof(index, size)
                verify_inclusion(hash_leaf(events[index].entry()), index, size, proof, root)
        for first in range(1, 37):
            proof = tree.consistency_proof(first, 37)
            verify_consistency(first, 37, proof, expected.root(first), expected.root(37))
        assert EvidenceLog().entries(uow.session, 3, 6) == [e.entry() for e in events[3:6]]
        stored = uow.session.scalar(select(func.count()).select_from(EvidenceSubtreeRow))
        assert stored == 37 - bin(37).count("1")  # one per merge: n - popcount(n)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE evidence_leaves SET event_type = 'contract.voided'",
        "DELETE FROM evidence_leaves WHERE leaf_index = 0",
        "UPDATE evidence_subtrees SET hash = leaf_hash FROM evidence_leaves",
        "DELETE FROM evidence_subtrees",
    ],
)
def test_the_database_refuses_to_change_log_rows(container: Container, statement: str) -> None:
    append(container, [event(i) for i in range(4)])
    if container.engine.dialect.name == "sqlite" and "FROM evidence_leaves" in statement:
        statement = "UPDATE evidence_subtrees SET hash = X'00'"
    with pytest.raises(DBAPIError, match="append-only"), container.engine.begin() as connection:
        connection.execute(text(statement))
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(EvidenceLeafRow)) == 4


def test_a_restart_reads_stored_subtrees_and_recomputes_nothing(container: Container) -> None:
    events = [event(i) for i in range(100)]
    append(container, events)
    container.engine.dispose()
    fresh = UnitOfWork(make_engine(container.settings.database))
    reads: list[Subtree] = []

    class CountingReader(DatabaseHashes):
        def read_hashes(self, subtrees: Sequence[Subtree]) -> list[bytes]:
            reads.extend(subtrees)
            return super().read_hashes(subtrees)

    reference = MemoryHashes()
    for e in events:
        reference.append(e.entry())
    with fresh as uow:
        root = MerkleTree(CountingReader(uow.session)).root(100)
    assert root == MerkleTree(reference).root(100)
    assert len(reads) == bin(100).count("1")  # 64 + 32 + 4: three stored subtrees
    with fresh as uow:
        assert EvidenceLog().append(uow.session, event(100)) == 100
        uow.commit()


def test_concurrent_appends_serialise(container: Container) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(8):
                append(container, [event(100 * n + i, contract=f"c-{n}")])
        except BaseException as exc:  # reported below, a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    log = EvidenceLog()
    with container.uow() as uow:
        size = log.size(uow.session)
        entries = log.entries(uow.session, 0, size)
        root = log.tree(uow.session).root(size)
    assert size == 32
    reference = MemoryHashes()
    for entry in entries:
        reference.append(entry)
    assert root == MerkleTree(reference).root(size)
