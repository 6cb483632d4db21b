"""The migrations and the unit of work on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from laborsign.bootstrap import Container
from laborsign.contracts.tables import MinimumWageRow
from laborsign.db.base import all_metadata


def test_migrations_match_the_declared_tables(container: Container) -> None:
    with container.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), all_metadata())
    assert diff == []


def test_init_is_idempotent(container: Container) -> None:
    again = container.init()
    assert "generated development secret key" not in again


def _row(area: str) -> MinimumWageRow:
    return MinimumWageRow(
        province="测试省",
        area=area,
        tier=1,
        monthly=Decimal("2000.00"),
        hourly=Decimal("20.00"),
        effective_from=date(2025, 1, 1),
        source="test fixture",
        loaded_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


def test_unit_of_work_commits_only_on_commit(container: Container) -> None:
    with container.uow() as uow:
        uow.session.add(_row("甲市"))
        # no commit: leaving the block rolls back
    with container.uow() as uow:
        uow.session.add(_row("乙市"))
        uow.commit()
    with container.uow() as uow:
        areas = uow.session.scalars(select(MinimumWageRow.area)).all()
    assert areas == ["乙市"]


def test_unit_of_work_rolls_back_on_error(container: Container) -> None:
    with pytest.raises(RuntimeError), container.uow() as uow:
        uow.session.add(_row("丙市"))
        uow.session.flush()
        raise RuntimeError("boom")
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(MinimumWageRow)) == 0
