"""`laborsign minwage ...`: load and list the operator's minimum-wage figures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import BinaryIO

import click

from laborsign.contracts.io import decode_input
from laborsign.contracts.minimum_wage import list_figures, load_figures, parse_csv


@click.group()
def minwage() -> None:
    """Minimum-wage figures (operator data from the provincial governments' notices)."""


@minwage.command("load")
@click.argument("source", type=click.File("rb"), metavar="FILE.csv")
@click.option("--replace", is_flag=True, help="correct figures already loaded for the same date")
@click.pass_context
def load(ctx: click.Context, source: BinaryIO, replace: bool) -> None:
    """Load a CSV: province,area,tier,monthly,hourly,effective_from,source (all or nothing)."""
    from laborsign.cli import container

    figures = parse_csv(decode_input(source.read()))
    c = container(ctx)
    c.init()
    report = load_figures(c.uow(), figures, now=datetime.now(UTC), replace=replace)
    click.echo(
        f"新增 {report.added}，未变 {report.unchanged}，更正 {report.replaced} / "
        f"added {report.added}, unchanged {report.unchanged}, replaced {report.replaced}"
    )


@minwage.command("list")
@click.option("--province", default=None, help="only this province (e.g. 浙江省)")
@click.pass_context
def list_command(ctx: click.Context, province: str | None) -> None:
    """List loaded figures by province, area and effective date."""
    from laborsign.cli import container

    c = container(ctx)
    c.init()
    figures = list_figures(c.uow(), province)
    if not figures:
        click.echo("没有最低工资数据 / no minimum-wage figures loaded")
        return
    click.echo("province\tarea\ttier\tmonthly\thourly\teffective_from\tsource")
    for f in figures:
        click.echo(
            f"{f.province}\t{f.area or '-'}\t{f.tier}\t{f.monthly}\t{f.hourly}\t"
            f"{f.effective_from}\t{f.source}"
        )
