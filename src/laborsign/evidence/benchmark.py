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
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, event, text, update
from sqlalchemy.exc import OperationalError

from laborsign.bench import percentile
from laborsign.bootstrap import Container
from laborsign.evidence.events import Event, EventType, pseudonym
from laborsign.evidence.log import HEAD_ID, EvidenceLog, hashes_query
from laborsign.evidence.merkle import CompactRange, complete_subtrees, hash_leaf, inclusion_ranges
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


def _append_rate(
    container: Container, first: int, *, per_transaction: int, transactions: int, threads: int
) -> float:
    """Events/s committed by `threads` writers, each committing `transactions` transactions
    of `per_transaction` events (every commit durable: synchronous commit as configured)."""
    log = EvidenceLog()
    barrier = threading.Barrier(threads)

    def writer(number: int) -> None:
        base = first + number * per_transaction * transactions
        barrier.wait()
        for t in range(transactions):
            start = base + t * per_transaction
            events = [_event(start + i) for i in range(per_transaction)]
            with container.uow() as uow:
                log.append_many(uow.session, events)
                uow.commit()

    pool = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return per_transaction * transactions * threads / (time.perf_counter() - started)


def _count_queries(container: Container, action: Callable[[], object]) -> int:
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(container.engine, "before_cursor_execute", counted)
    try:
        action()
    finally:
        event.remove(container.engine, "before_cursor_execute", counted)
    return count


def _explain(container: Container, index: int, size: int) -> list[str]:
    """The plan of the one query a proof makes, with real parameters."""
    if container.engine.dialect.name != "postgresql":
        return []
    subtrees = [s for r in inclusion_ranges(index, size) for s in complete_subtrees(*r)]
    query = hashes_query(subtrees)
    with container.engine.connect() as connection:
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        plan = connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars()
        return [str(line) for line in plan]


def _latencies(action: Callable[[int], object], size: int, samples: int) -> list[float]:
    rng = random.Random(7)  # noqa: S311 - benchmark sampling, not security
    for _ in range(50):  # warm caches and the statement cache
        action(rng.randrange(size))
    out = []
    for _ in range(samples):
        index = rng.randrange(size)
        began = time.perf_counter()
        action(index)
        out.append((time.perf_counter() - began) * 1000)
    return out


def _p(samples: list[float]) -> str:
    return f"p50 {percentile(samples, 0.5):.2f} ms, p99 {percentile(samples, 0.99):.2f} ms"


def run(database_url: str, leaves: int) -> Iterator[str]:
    wall, cpu = time.perf_counter(), time.process_time()
    log = EvidenceLog()
    with _database(database_url) as url, tempfile.TemporaryDirectory() as home:
        container = Container(Settings(home=Path(home), database_url=url))
        container.init()
        dialect = container.engine.dialect.name
        yield f"database: {dialect}"
        if dialect == "postgresql":
            with container.engine.connect() as connection:
                sync = connection.execute(text("SHOW synchronous_commit")).scalar()
                fsync = connection.execute(text("SHOW fsync")).scalar()
            yield f"durability: synchronous_commit={sync}, fsync={fsync} (commits wait for the WAL)"

        seconds = _bulk_load(container, leaves)
        yield f"bulk load of {leaves:,} leaves (fast path, not an append figure): {seconds:.1f} s"
        started = time.perf_counter()
        container.evidence.publish(datetime.now(UTC))
        took = (time.perf_counter() - started) * 1000
        yield f"publish first checkpoint at {leaves:,}: {took:.0f} ms"

        # Appends: realistic event records, each transaction committed before the next.
        next_index = leaves
        runs = (
            ("1 event per transaction, 1 writer", 1, 400, 1),
            ("1 event per transaction, 8 concurrent writers", 1, 100, 8),
            ("10 events per transaction, 8 concurrent writers", 10, 50, 8),
            ("100 events per transaction (batched), 1 writer", 100, 50, 1),
            ("1000 events per transaction (batched), 1 writer", 1000, 10, 1),
        )
        for label, per, count, threads in runs:
            rate = _append_rate(
                container, next_index, per_transaction=per, transactions=count, threads=threads
            )
            next_index += per * count * threads
            yield f"appends, {label}: {rate:,.0f}/s committed ({per * count * threads:,} events)"

        started = time.perf_counter()
        published = container.evidence.publish(datetime.now(UTC))
        yield (
            f"publish checkpoint at {published.checkpoint.size:,} (consistency self-check, "
            f"Ed25519, built-in TSA): {(time.perf_counter() - started) * 1000:.0f} ms"
        )

        size = published.checkpoint.size
        with container.uow() as uow:
            tree = log.tree(uow.session)
            queries = _count_queries(container, lambda: tree.inclusion_proof(size // 3, size))
            raw = _latencies(lambda i: tree.inclusion_proof(i, size), size, 5000)
        yield f"inclusion proof at {size:,} leaves ({queries} query each, one session): {_p(raw)}"
        service = container.evidence
        served = _latencies(lambda i: service.inclusion(i, size), size, 2000)
        yield f"inclusion proof + entry + checkpoint, a transaction each (API work): {_p(served)}"
        plan = _explain(container, size // 3, size)
        if plan:
            scans = sorted({w for line in plan for w in line.split() if w.startswith("pk_")})
            timing = [line.strip() for line in plan if line.startswith(("Planning", "Execution"))]
            yield f"proof query plan (EXPLAIN ANALYZE): index scans on {', '.join(scans)}; " + (
                "; ".join(timing)
            )
        container.engine.dispose()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    yield (
        f"log benchmark: wall {time.perf_counter() - wall:.1f} s, "
        f"CPU {time.process_time() - cpu:.1f} s (this process), "
        f"load average {load}, {os.cpu_count()} CPUs"
    )
