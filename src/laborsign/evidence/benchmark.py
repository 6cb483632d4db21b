"""The evidence log benchmark behind `laborsign bench evidence` (measurements, not tests).

The 1M-leaf tree for the proof figures is loaded by a bulk path (COPY on PostgreSQL) that
writes exactly the rows appends would write; appends, proofs and publishing are then
measured through the normal code paths.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text, update
from sqlalchemy.exc import OperationalError

from laborsign.bench import percentile
from laborsign.bootstrap import Container
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.log import HEAD_ID, EvidenceLog
from laborsign.evidence.merkle import CompactRange, hash_leaf
from laborsign.evidence.tables import EvidenceHeadRow
from laborsign.settings import Settings

ADMIN_URL = os.environ.get(
    "LABORSIGN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _event(i: int) -> Event:
    return Event(
        type=EventType.WORKER_SIGNED,
        contract=f"c-{i // 8:08d}",
        actor=pseudonym(b"bench", "worker", str(i)),
        at=T0 + timedelta(milliseconds=i),
        artifacts={
            "document": hashlib.sha256(b"doc %d" % i).hexdigest(),
            "signature": hashlib.sha256(b"sig %d" % i).hexdigest(),
        },
        extra={"otp": "sms", "order": "worker-first"},
    )


@contextmanager
def _database(url: str) -> Iterator[str]:
    """The given URL, else a throw-away PostgreSQL database, else SQLite in a temp dir."""
    if url:
        yield url
        return
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"laborsign_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        admin.dispose()
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _bulk_load(container: Container, leaves: int) -> float:
    """Write `leaves` leaves and their subtrees directly; returns seconds taken."""
    started = time.perf_counter()
    template = _event(0).entry()
    edge = CompactRange.empty()
    leaf_rows: list[tuple[object, ...]] = []
    subtree_rows: list[tuple[object, ...]] = []
    for i in range(leaves):
        # Distinct, valid canonical entries of realistic size, without paying canonical
        # JSON serialisation a million times.
        entry = template.replace(b'"c-00000000"', b'"c-%08d"' % (i // 8), 1).replace(
            b'"worker-first"', b'"w-%010d"' % i, 1
        )
        leaf = hash_leaf(entry)
        leaf_rows.append((i, entry, leaf, f"c-{i // 8:08d}", EventType.WORKER_SIGNED.value, T0))
        subtree_rows.extend((s.level, s.position, h) for s, h in edge.append(leaf))
    engine = container.engine
    with engine.begin() as connection:
        raw = connection.connection.dbapi_connection
        if raw is None:
            raise RuntimeError("no database connection")
        if engine.dialect.name == "postgresql":
            cursor = raw.cursor()
            with cursor.copy(
                "COPY evidence_leaves (leaf_index, entry, leaf_hash, contract_id, event_type, "
                "created_at) FROM STDIN"
            ) as copy:
                for row in leaf_rows:
                    copy.write_row(row)
            with cursor.copy("COPY evidence_subtrees (level, position, hash) FROM STDIN") as copy:
                for row in subtree_rows:
                    copy.write_row(row)
        else:
            cursor = raw.cursor()
            cursor.executemany("INSERT INTO evidence_leaves VALUES (?, ?, ?, ?, ?, ?)", leaf_rows)
            cursor.executemany("INSERT INTO evidence_subtrees VALUES (?, ?, ?)", subtree_rows)
        connection.execute(
            update(EvidenceHeadRow).where(EvidenceHeadRow.id == HEAD_ID).values(size=leaves)
        )
    return time.perf_counter() - started


def run(database_url: str, leaves: int) -> Iterator[str]:
    log = EvidenceLog()
    with _database(database_url) as url, tempfile.TemporaryDirectory() as home:
        container = Container(Settings(home=Path(home), database_url=url))
        container.init()
        dialect = container.engine.dialect.name
        yield f"database: {dialect}"

        seconds = _bulk_load(container, leaves)
        yield f"bulk load of {leaves:,} leaves (fast path, not an append figure): {seconds:.1f} s"
        started = time.perf_counter()
        container.evidence.publish(datetime.now(UTC))
        took = (time.perf_counter() - started) * 1000
        yield f"publish first checkpoint at {leaves:,}: {took:.0f} ms"

        batch, batches = 1000, 10
        events = [_event(leaves + i) for i in range(batch * batches)]
        started = time.perf_counter()
        for b in range(batches):
            with container.uow() as uow:
                log.append_many(uow.session, events[b * batch : (b + 1) * batch])
                uow.commit()
        rate = batch * batches / (time.perf_counter() - started)
        yield f"appends, {batch} per transaction (append_many), committed: {rate:,.0f}/s"

        started = time.perf_counter()
        with container.uow() as uow:
            for i in range(batch):
                log.append(uow.session, _event(leaves + batch * batches + i))
            uow.commit()
        rate = batch / (time.perf_counter() - started)
        yield f"appends, {batch} append() calls in one transaction, committed: {rate:,.0f}/s"

        singles = 300
        started = time.perf_counter()
        for i in range(singles):
            with container.uow() as uow:
                log.append(uow.session, _event(leaves + batch * (batches + 1) + i))
                uow.commit()
        rate = singles / (time.perf_counter() - started)
        yield f"appends, one per transaction, committed: {rate:,.0f}/s"

        started = time.perf_counter()
        published = container.evidence.publish(datetime.now(UTC))
        yield (
            f"publish checkpoint at {published.checkpoint.size:,} (consistency self-check, "
            f"Ed25519, built-in TSA): {(time.perf_counter() - started) * 1000:.0f} ms"
        )

        size = published.checkpoint.size
        rng = random.Random(7)  # noqa: S311 - benchmark sampling, not security
        samples = []
        with container.uow() as uow:
            tree = log.tree(uow.session)
            for _ in range(2000):
                index = rng.randrange(size)
                began = time.perf_counter()
                tree.inclusion_proof(index, size)
                samples.append((time.perf_counter() - began) * 1000)
        yield (
            f"inclusion proof at {size:,} leaves: p50 {percentile(samples, 0.5):.2f} ms, "
            f"p99 {percentile(samples, 0.99):.2f} ms"
        )
        container.engine.dispose()
