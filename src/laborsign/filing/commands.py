"""`laborsign filing ...`: export for a labor department, push an export, show the schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from laborsign.cli import container
from laborsign.db.tenancy import Scope
from laborsign.filing.schema import json_schema
from laborsign.filing.service import ExportFormat
from laborsign.parties.roles import Role

OPERATOR = "cli"  # the actor of exports made on the command line (recorded as a pseudonym)


def _scope(org: str) -> Scope:
    return Scope.employer(org, OPERATOR, [Role.HR])


@click.group()
def filing() -> None:
    """Exports to labor departments (备案报送)."""


@filing.command("export")
@click.option("--org", required=True, help="organisation id")
@click.option("--format", "fmt", type=click.Choice([f.value for f in ExportFormat]), default="json")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def export(ctx: click.Context, org: str, fmt: str, out: Path) -> None:
    """Export the organisation's concluded contracts to FILE (recorded as evidence)."""
    info, content = container(ctx).filing.export(_scope(org), ExportFormat(fmt), datetime.now(UTC))
    out.write_bytes(content)
    click.echo(
        f"{info.contracts} contracts, {info.size} bytes, sha256 {info.sha256}, export {info.id}"
    )


@filing.command("push")
@click.option("--org", required=True, help="organisation id")
@click.option("--export", "export_id", required=True, help="id of a json export")
@click.pass_context
def push(ctx: click.Context, org: str, export_id: str) -> None:
    """Push a JSON export to the configured labor-department endpoint (first attempt now;
    retries run as jobs)."""
    delivery = container(ctx).filing.push(_scope(org), export_id, datetime.now(UTC))
    click.echo(f"delivery {delivery.id}: {delivery.status}, receipt {delivery.receipt_id}")


@filing.command("schema")
def schema() -> None:
    """Print the JSON Schema of the canonical export."""
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
