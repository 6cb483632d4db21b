"""Backup and restore into an empty data home and database: on SQLite, on PostgreSQL, and
from SQLite to PostgreSQL. The restored contract is the same bytes and verifies; its
evidence package verifies; the log continues with a checkpoint consistent with the last."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.conftest import POSTGRES_ADMIN_URL
from tests.integration import test_contract_service as base
from tests.integration.test_lifecycle import effective, roots

from laborsign.backup.service import backup, restore
from laborsign.bootstrap import Container
from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict, InvalidInput
from laborsign.evidence.package_verify import verify_package
from laborsign.evidence.package_wiring import export_for
from laborsign.settings import Settings
from laborsign.verification import verify_pdf

platform = base.platform


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"laborsign_restore_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _round_trip(p: base.Platform, target_url: str, tmp_path: Path) -> None:
    cid = effective(p)
    source = p.container
    source.evidence.publish(datetime.now(UTC))
    final = p.service.current_document(Scope.system(), cid).pdf
    file = tmp_path / "laborsign.backup"
    info = backup(source.settings, source.engine, file, datetime.now(UTC))
    assert info.rows > 0 and info.documents > 0 and info.home_files > 0
    assert file.stat().st_mode & 0o777 == 0o600

    target = Container(Settings(home=tmp_path / "restored", database_url=target_url))
    try:
        restored = restore(target.settings, target.engine, file)
        assert restored.checkpoint_size > 0 and restored.log_size >= restored.checkpoint_size
        # The same bytes, decrypted with the restored keys, and still valid.
        again = target.contracts.current_document(Scope.system(), cid).pdf
        assert again == final
        report = verify_pdf(again, roots(p))
        assert report.valid, report.to_json()
        package = export_for(target, cid, again, datetime.now(UTC))
        assert verify_package(package, now=datetime.now(UTC)).valid
        # The log continues: a new checkpoint is published consistent with the restored one.
        before = target.evidence.latest().checkpoint.size
        target.contracts.create_draft(
            p.hr, base.contract(), now=datetime.now(UTC), worker_id=p.worker_id
        )
        after = target.evidence.publish(datetime.now(UTC)).checkpoint.size
        assert after > before
        # Restoring twice is refused: the target is no longer empty.
        with pytest.raises(Conflict):
            restore(target.settings, target.engine, file)
    finally:
        target.engine.dispose()


def test_round_trip_on_the_same_database(
    platform: base.Platform,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if platform.container.engine.dialect.name == "sqlite":
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        target = request.getfixturevalue("empty_postgres")
    _round_trip(platform, target, tmp_path)


def test_sqlite_backup_restores_into_postgresql(
    platform: base.Platform, tmp_path: Path, empty_postgres: str
) -> None:
    if platform.container.engine.dialect.name != "sqlite":
        pytest.skip("the cross-database case starts from SQLite")
    _round_trip(platform, empty_postgres, tmp_path)


def test_a_tampered_backup_is_refused_before_anything_is_written(
    platform: base.Platform, tmp_path: Path
) -> None:
    source = platform.container
    file = tmp_path / "b.backup"
    backup(source.settings, source.engine, file, datetime.now(UTC))
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    target = Settings(home=tmp_path / "t", database_url=f"sqlite:///{tmp_path / 't.db'}")
    container = Container(target)
    with pytest.raises(InvalidInput):
        restore(target, container.engine, file)
    assert not target.home.exists()
    container.engine.dispose()
