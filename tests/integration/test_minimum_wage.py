"""Minimum wages in the database (SQLite and PostgreSQL): adapter, loader, commands."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.contracts.io import dump_contract
from laborsign.contracts.minimum_wage import list_figures, load_figures, parse_csv
from laborsign.contracts.model import Region, TemplateId
from laborsign.contracts.tables import MinimumWageRow
from laborsign.errors import InvalidInput

NOW = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
# Fixture figures for tests only — not real published minimum wages.
CSV = (
    "province,area,tier,monthly,hourly,effective_from,source\n"
    "浙江省,,3,1500.00,15.00,2024-01-01,fixture\n"
    "浙江省,杭州市,1,2000.00,20.00,2024-01-01,fixture\n"
    "浙江省,杭州市,1,2100.00,21.00,2026-01-01,fixture\n"
    "浙江省,杭州市滨江区,1,2200.00,22.00,2025-06-01,fixture\n"
)
BINJIANG = Region(province="浙江省", city="杭州市", district="滨江区")


def _count(container: Container) -> int:
    with container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(MinimumWageRow)) or 0)


def test_lookup_most_specific_then_latest(container: Container) -> None:
    load_figures(container.uow(), parse_csv(CSV), now=NOW)
    wages = container.minimum_wages
    assert wages.lookup(BINJIANG, date(2025, 6, 1)).monthly == Decimal("2200.00")  # type: ignore[union-attr]
    # Before the district's figure: the city's latest figure in force.
    assert wages.lookup(BINJIANG, date(2025, 5, 31)).monthly == Decimal("2000.00")  # type: ignore[union-attr]
    xihu = Region(province="浙江省", city="杭州市", district="西湖区")
    assert wages.lookup(xihu, date(2025, 12, 31)).monthly == Decimal("2000.00")  # type: ignore[union-attr]
    assert wages.lookup(xihu, date(2026, 1, 1)).monthly == Decimal("2100.00")  # type: ignore[union-attr]
    ningbo = Region(province="浙江省", city="宁波市")
    assert wages.lookup(ningbo, date(2026, 1, 1)).area == ""  # type: ignore[union-attr]
    assert wages.lookup(Region(province="江苏省"), date(2026, 1, 1)) is None
    assert wages.lookup(ningbo, date(2023, 12, 31)) is None


def test_reload_is_idempotent(container: Container) -> None:
    first = load_figures(container.uow(), parse_csv(CSV), now=NOW)
    again = load_figures(container.uow(), parse_csv(CSV), now=NOW)
    assert (first.added, again.added, again.unchanged) == (4, 0, 4)
    assert _count(container) == 4


def test_conflicting_load_changes_nothing(container: Container) -> None:
    load_figures(container.uow(), parse_csv(CSV), now=NOW)
    changed = (
        CSV.replace("2000.00,20.00", "2050.00,20.00")
        + "浙江省,温州市,2,1800.00,18.00,2024-01-01,fixture\n"
    )
    with pytest.raises(InvalidInput) as caught:
        load_figures(container.uow(), parse_csv(changed), now=NOW)
    assert "row 3" in caught.value.message.en
    assert _count(container) == 4  # the new 温州市 row was not stored either
    report = load_figures(container.uow(), parse_csv(changed), now=NOW, replace=True)
    assert (report.added, report.replaced) == (1, 1)
    figures = list_figures(container.uow(), "浙江省")
    assert [f.monthly for f in figures if f.area == "杭州市"] == [
        Decimal("2050.00"),
        Decimal("2100.00"),
    ]


def _cli(container: Container, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LABORSIGN_HOME", str(container.settings.home))
    monkeypatch.setenv("LABORSIGN_DATABASE_URL", container.settings.database)
    return CliRunner()


def test_commands_load_list_and_check(
    container: Container, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runner = _cli(container, monkeypatch)
    csv_path = tmp_path / "wages.csv"
    csv_path.write_text(CSV, "utf-8")
    loaded = runner.invoke(main, ["minwage", "load", str(csv_path)])
    assert loaded.exit_code == 0, loaded.output
    assert "added 4" in loaded.output
    listed = runner.invoke(main, ["minwage", "list", "--province", "浙江省"])
    assert listed.exit_code == 0
    assert listed.output.count("浙江省") == 4

    dispatch = example_contract(TemplateId.DISPATCH)
    contract_path = tmp_path / "c.json"
    contract_path.write_text(dump_contract(dispatch), "utf-8")
    checked = runner.invoke(
        main, ["contract", "check", str(contract_path), "--json", "--today", "2025-12-01"]
    )
    # The example pays 2490.00 without assignment; the fixture district figure is 2200.00.
    assert checked.exit_code == 0, checked.output
    assert '"MW-UNKNOWN"' not in checked.output

    low = dispatch.model_copy(
        update={
            "dispatch": dispatch.dispatch.model_copy(
                update={"unassigned_monthly_pay": Decimal("2199.99")}
            )
        }  # type: ignore[union-attr]
    )
    contract_path.write_text(dump_contract(low), "utf-8")
    checked = runner.invoke(
        main, ["contract", "check", str(contract_path), "--today", "2025-12-01"]
    )
    assert checked.exit_code == 1
    assert "[LCL-58-2-PAY]" in checked.output and "2200.00" in checked.output


def test_bad_file_loads_nothing_and_exits_2(
    container: Container, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runner = _cli(container, monkeypatch)
    bad = CSV + "浙江省,温州市,2,abc,18.00,2024-01-01,fixture\n"
    result = runner.invoke(main, ["minwage", "load", "-"], input=bad)
    assert result.exit_code == 2
    assert "row 6, monthly" in result.stderr
    assert _count(container) == 0
