"""The dump test on the platform's real tables, and a guard for tables still to come."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from tests.integration.dump import assert_not_in_dump, dump_database

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.db.base import all_metadata
from laborsign.db.tenancy import Scope
from laborsign.parties.roles import Role
from laborsign.parties.tables import OrganisationRow
from laborsign.parties.workers import NewWorker
from laborsign.privacy.sqltypes import EncryptedString

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ID, MOBILE, HOME = "110105199003071239", "13912345678", "北京市朝阳区建国路 88 号"

# Columns whose names look personal but hold an employer's business contact data, which its
# business licence and registration make public anyway.
NOT_PERSONAL = {
    ("organisations", "phone"),
    ("organisations", "registered_address"),
    ("organisations", "business_address"),
}
PERSONAL_NAME = re.compile(r"id_number|phone|mobile|address|totp_secret")
DERIVED = re.compile(r"_(index|digest|hash|masked)$")


def test_personal_columns_of_every_table_are_encrypted() -> None:
    unencrypted = [
        f"{table.name}.{column.name}"
        for table in all_metadata().sorted_tables
        for column in table.columns
        if PERSONAL_NAME.search(column.name)
        and not DERIVED.search(column.name)
        and (table.name, column.name) not in NOT_PERSONAL
        and not isinstance(column.type, EncryptedString)
    ]
    assert unencrypted == []


def _register_worker(container: Container) -> None:
    with container.uow(Scope.system()) as uow:
        uow.session.add(
            OrganisationRow(
                id="org-1",
                kind="employer",
                name="测试单位",
                credit_code="91110000100000000X",
                legal_representative="张三",
                registered_address="北京市",
                phone="010-12345678",
                created_at=NOW,
            )
        )
        uow.commit()
    hr = Scope.employer("org-1", "hr-1", {Role.HR})
    container.parties.workers.register(hr, NewWorker("李四", ID, MOBILE, HOME), NOW)


def test_a_dump_with_a_registered_worker_holds_no_personal_data(container: Container) -> None:
    _register_worker(container)
    url = container.engine.url.render_as_string(hide_password=False)
    dump = dump_database(url)
    assert "李四" in dump  # the worker was dumped (names are not encrypted)
    assert_not_in_dump(dump, ID, MOBILE, HOME)


def test_rotate_and_reencrypt_commands(container: Container) -> None:
    _register_worker(container)
    url = container.engine.url.render_as_string(hide_password=False)
    env = {"LABORSIGN_HOME": str(container.settings.home), "LABORSIGN_DATABASE_URL": url}
    runner = CliRunner()
    rotated = runner.invoke(main, ["privacy", "rotate-key"], env=env)
    assert rotated.exit_code == 0, rotated.output
    assert "version: 2" in rotated.output
    first = runner.invoke(main, ["privacy", "reencrypt"], env=env)
    assert first.exit_code == 0, first.output
    assert "workers: 3" in first.output  # ID number, phone and address of the one worker
    again = runner.invoke(main, ["privacy", "reencrypt"], env=env)
    assert "workers: 0" in again.output
    assert_not_in_dump(dump_database(url), ID, MOBILE, HOME)
    # The platform still reads the worker with the rotated keyring.
    fresh = Container(container.settings)
    try:
        hr = Scope.employer("org-1", "hr-1", {Role.HR})
        listed = fresh.parties.workers.list_for(hr)
        assert listed[0]["id_number_masked"] == ID[:3] + "*" * 11 + ID[-4:]
    finally:
        fresh.engine.dispose()


def test_keyring_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "prod.keyring"
    runner = CliRunner()
    assert runner.invoke(main, ["privacy", "keyring-create", str(path)]).exit_code == 0
    before = path.read_bytes()
    second = runner.invoke(main, ["privacy", "keyring-create", str(path)])
    assert second.exit_code != 0 and "never overwritten" in second.output
    assert path.read_bytes() == before
