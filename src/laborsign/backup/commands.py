"""`laborsign backup --out FILE` and `laborsign restore FILE`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from laborsign.cli import container


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def backup(ctx: click.Context, out: Path) -> None:
    """Back up database, documents and key material to FILE (keep it encrypted, offline)."""
    from laborsign.backup.service import backup as run

    c = container(ctx)
    info = run(c.settings, c.engine, out, datetime.now(UTC))
    click.echo(
        f"{info.tables} tables, {info.rows} rows, {info.documents} documents, "
        f"{info.home_files} key and configuration files; sha256 {info.sha256}"
    )
    click.echo(
        "警告 / warning: the backup contains the key material; store it encrypted and offline"
    )


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, file: Path) -> None:
    """Restore FILE into an empty data home and an empty database."""
    from laborsign.backup.service import restore as run

    c = container(ctx)
    info = run(c.settings, c.engine, file)
    click.echo(
        f"{info.tables} tables, {info.rows} rows, {info.documents} documents, "
        f"{info.home_files} key and configuration files restored; evidence log of "
        f"{info.log_size} entries consistent with its checkpoint at {info.checkpoint_size}"
    )
