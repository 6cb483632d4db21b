"""`laborsign backup` and `laborsign restore`: the whole installation in one file.

A backup is a gzip-compressed tar with:

- `manifest.json`: format, version, time, the schema revisions, and the SHA-256 of every
  other member (checked before anything is restored);
- `db/NNN-<table>.jsonl`: every table, in foreign-key order, one row per line
  (`backup.rows`): portable between SQLite and PostgreSQL, read in one transaction;
- `documents/...`: the local document store's objects as stored (encrypted per tenant);
- `home/...`: the data home's files as stored — the secret, the keyring, the key store, CA,
  TSA and log keys (encrypted where the platform encrypts them) — without the SQLite
  database, which the `db/` members carry.

The backup therefore holds the key material: whoever has it can read everything. Keep it
encrypted and offline (docs/operations.md).

A restore goes only into an empty data home and an empty database: it checks the manifest,
writes the files, migrates the schema, loads the rows (the evidence log's triggers refuse
UPDATE and DELETE, not INSERT), moves PostgreSQL's sequences past the loaded ids, and then
re-checks the evidence log: every leaf's hash, and the root of the last checkpoint
recomputed from the leaves.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Integer, Table, func, inspect, select, text
from sqlalchemy.engine import make_url

from laborsign.backup.rows import decode_row, encode_row, raw_table
from laborsign.db.base import Base
from laborsign.db.migrate import alembic_config, upgrade
from laborsign.errors import Conflict, InvalidInput
from laborsign.evidence.merkle import MemoryHashes, hash_leaf
from laborsign.evidence.tables import EvidenceCheckpointRow, EvidenceHeadRow, EvidenceLeafRow
from laborsign.i18n import Text
from laborsign.settings import Settings

FORMAT = "laborsign-backup"
VERSION = 1
MANIFEST = "manifest.json"
BATCH = 500


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    tables: int
    rows: int
    documents: int
    home_files: int
    sha256: str


@dataclass(frozen=True, slots=True)
class RestoreInfo:
    tables: int
    rows: int
    documents: int
    home_files: int
    log_size: int
    checkpoint_size: int


def _tables() -> list[Table]:
    from laborsign.db import registry  # noqa: F401  (every table in the metadata)

    return list(Base.metadata.sorted_tables)


def _heads(engine: Engine) -> list[str]:
    return sorted(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def _documents_dir(settings: Settings) -> Path | None:
    if settings.storage_backend != "local":
        return None  # an object store has its own backups (docs/operations.md)
    return settings.storage_directory or settings.home / "documents"


def _database_files(settings: Settings) -> set[Path]:
    url = make_url(settings.database)
    if url.get_backend_name() != "sqlite" or not url.database:
        return set()
    db = Path(url.database).resolve()
    return {db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")}


def _files(root: Path, skip: set[Path]) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        resolved = path.resolve()
        if path.is_file() and resolved not in skip and not any(s in resolved.parents for s in skip):
            yield path.relative_to(root).as_posix(), path


def _add(tar: tarfile.TarFile, name: str, data: bytes, digests: dict[str, str]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, 0
    tar.addfile(info, io.BytesIO(data))
    digests[name] = hashlib.sha256(data).hexdigest()


def backup(settings: Settings, engine: Engine, out: Path, now: datetime) -> BackupInfo:
    """Write the installation to `out` (created 0600; refused if it exists)."""
    if out.exists():
        raise Conflict(Text(f"文件已存在：{out}", f"the file exists: {out}"), field="out")
    digests: dict[str, str] = {}
    tables: list[dict[str, object]] = []
    documents_dir = _documents_dir(settings)
    skip = _database_files(settings)
    if documents_dir is not None:
        skip.add(documents_dir.resolve())
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    rows_total = 0
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        # One transaction for every table: a consistent picture of the database.
        with engine.connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            for number, table in enumerate(_tables()):
                stored = raw_table(table)
                order = [stored.c[c.name] for c in stored.primary_key.columns]
                lines = [
                    encode_row(stored, dict(row._mapping))
                    for row in connection.execute(select(stored).order_by(*order))
                ]
                member = f"db/{number:03d}-{stored.name}.jsonl"
                _add(tar, member, b"".join(line + b"\n" for line in lines), digests)
                tables.append({"name": stored.name, "rows": len(lines), "member": member})
                rows_total += len(lines)
        documents = 0
        if documents_dir is not None:
            for name, path in _files(documents_dir, set()):
                _add(tar, f"documents/{name}", path.read_bytes(), digests)
                documents += 1
        home_files = 0
        for name, path in _files(settings.home, skip):
            _add(tar, f"home/{name}", path.read_bytes(), digests)
            home_files += 1
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.astimezone(UTC).isoformat(),
            "source_dialect": engine.dialect.name,
            "schema_heads": _heads(engine),
            "tables": tables,
            "members": digests,
        }
        _add(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), {})
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    return BackupInfo(out, len(tables), rows_total, documents, home_files, sha)


# ---- restore ------------------------------------------------------------------------------


def _refuse(zh: str, en: str) -> InvalidInput:
    return InvalidInput(Text(zh, en), field="backup")


def _read(path: Path) -> tuple[dict[str, object], dict[str, bytes]]:
    """Every member, checked against the manifest (nothing is written before this passes)."""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            members: dict[str, bytes] = {}
            for info in tar.getmembers():
                if not info.isfile() or info.name.startswith("/") or ".." in info.name.split("/"):
                    raise _refuse("备份中有不安全的条目", f"unsafe member {info.name!r}")
                handle = tar.extractfile(info)
                if handle is None:  # pragma: no cover - a regular file always has data
                    raise _refuse("备份条目不可读", f"member {info.name!r} is unreadable")
                members[info.name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _refuse("不是可读的备份文件", "not a readable backup file") from exc
    manifest = json.loads(members.pop(MANIFEST, b"{}"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise _refuse("不是 LaborSign 备份文件", "not a LaborSign backup (format/version)")
    expected: dict[str, str] = manifest["members"]
    if set(expected) != set(members):
        raise _refuse("备份文件缺少或多出条目", "the backup's members do not match its manifest")
    for name, data in members.items():
        if hashlib.sha256(data).hexdigest() != expected[name]:
            raise _refuse(f"备份条目已损坏：{name}", f"member {name} does not match its SHA-256")
    return manifest, members


def _check_empty(settings: Settings, engine: Engine) -> None:
    home = settings.home
    database_files = _database_files(settings)
    if home.exists() and any(p.resolve() not in database_files for p in home.iterdir()):
        raise Conflict(
            Text(f"数据目录不是空的：{home}", f"the data home is not empty: {home}"), field="home"
        )
    documents = _documents_dir(settings)
    if documents is not None and documents.exists() and any(documents.iterdir()):
        raise Conflict(Text("文档目录不是空的", "the document directory is not empty"))
    # A SQLite file that does not exist yet is empty (and inspecting it would create it).
    missing = database_files and not any(path.exists() for path in database_files)
    if not missing and inspect(engine).get_table_names():
        raise Conflict(Text("数据库不是空的", "the database is not empty"), field="database")


def _write(root: Path, name: str, data: bytes) -> None:
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _load(connection: Connection, manifest: dict[str, object], members: dict[str, bytes]) -> int:
    by_name = {t.name: t for t in _tables()}
    total = 0
    for entry in manifest["tables"]:  # type: ignore[attr-defined]
        table = by_name.get(entry["name"])
        if table is None:
            raise _refuse("备份中的表在当前版本中不存在", f"unknown table {entry['name']}")
        stored = raw_table(table)
        rows = [decode_row(line) for line in members[entry["member"]].splitlines() if line]
        if table.name == EvidenceHeadRow.__tablename__:
            # The migration created the head at size 0; the log's size comes from the backup.
            connection.execute(stored.delete())
        for start in range(0, len(rows), BATCH):
            connection.execute(stored.insert(), rows[start : start + BATCH])
        total += len(rows)
    if connection.dialect.name == "postgresql":
        for table in by_name.values():
            for column in table.primary_key.columns:
                if isinstance(column.type, Integer) and column.autoincrement is True:
                    highest = func.max(column)
                    connection.execute(
                        select(
                            func.setval(
                                func.pg_get_serial_sequence(table.name, column.name),
                                func.coalesce(highest, 1),
                                highest.is_not(None),
                            )
                        ).select_from(table)
                    )
    return total


def check_log(connection: Connection) -> tuple[int, int]:
    """Every leaf hashes to its stored hash and the last checkpoint's root is the root of
    the first `size` leaves; returns (log size, checkpoint size)."""
    size = connection.execute(select(EvidenceHeadRow.size)).scalar_one()
    memory = MemoryHashes()
    for entry, leaf in connection.execute(
        select(EvidenceLeafRow.entry, EvidenceLeafRow.leaf_hash).order_by(
            EvidenceLeafRow.leaf_index
        )
    ):
        if hash_leaf(bytes(entry)) != bytes(leaf):
            raise _refuse("存证日志的记录与其哈希不符", "an evidence leaf does not match its hash")
        memory.append(bytes(entry))
    if memory.size != size:
        raise _refuse("存证日志的记录数与日志大小不符", "the evidence log's size does not match")
    last = connection.execute(
        select(EvidenceCheckpointRow.size, EvidenceCheckpointRow.root_hash).where(
            EvidenceCheckpointRow.size
            == select(func.max(EvidenceCheckpointRow.size)).scalar_subquery()
        )
    ).first()
    if last is None:
        return size, 0
    from laborsign.evidence.merkle import MerkleTree

    if MerkleTree(memory).root(last.size) != bytes(last.root_hash):
        raise _refuse(
            "恢复的存证日志与最后一个检查点不一致",
            "the restored evidence log does not match its last checkpoint",
        )
    return size, int(last.size)


def restore(settings: Settings, engine: Engine, path: Path) -> RestoreInfo:
    manifest, members = _read(path)
    _check_empty(settings, engine)
    heads = _heads(engine)
    if manifest.get("schema_heads") != heads:
        raise _refuse(
            "备份的数据库版本与当前程序不同：请用同一版本恢复",
            f"the backup's schema {manifest.get('schema_heads')} is not this version's {heads}",
        )
    home = settings.home
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    documents_dir = _documents_dir(settings)
    documents = home_files = 0
    for name, data in members.items():
        if name.startswith("home/"):
            _write(home, name.removeprefix("home/"), data)
            home_files += 1
        elif name.startswith("documents/"):
            if documents_dir is None:
                raise _refuse(
                    "目标使用对象存储：请单独恢复文档", "documents go to the object store"
                )
            _write(documents_dir, name.removeprefix("documents/"), data)
            documents += 1
    upgrade(engine)
    with engine.begin() as connection:
        rows = _load(connection, manifest, members)
        log_size, checkpoint_size = check_log(connection)
    tables = len(manifest["tables"])  # type: ignore[arg-type]
    return RestoreInfo(tables, rows, documents, home_files, log_size, checkpoint_size)
