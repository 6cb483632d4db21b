"""`laborsign maintain ...`: scheduled upkeep of signed contracts."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.signing.maintain import Outcome, refresh_files


@click.group()
def maintain() -> None:
    """Scheduled upkeep of signed contracts (run from cron or a timer)."""


@maintain.command("ltv")
@click.option(
    "--within",
    "within_days",
    default=30,
    show_default=True,
    type=click.IntRange(min=0),
    help="refresh when validation data or the TSA certificate expires within DAYS",
    metavar="DAYS",
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def maintain_ltv(ctx: click.Context, within_days: int, paths: tuple[Path, ...]) -> None:
    """Add a fresh document timestamp (with fresh revocation data) to completed contracts
    whose long-term validation data expires within the window.

    PATHS are contract PDF files or directories (searched for *.pdf). Until contracts are
    kept in the database, the files to maintain have to be named here. Each file is replaced
    atomically; a failure leaves it unchanged. Exit code 0: all done; 1: some file failed.
    """
    from laborsign.cli import container

    if not paths:
        raise InvalidInput(
            Text("请给出合同 PDF 文件或目录", "name contract PDF files or directories"),
            field="paths",
        )
    service = container(ctx).signing
    results = refresh_files(paths, timedelta(days=within_days), service.refresh, datetime.now(UTC))
    labels = {
        Outcome.REFRESHED: "已更新 refreshed",
        Outcome.CURRENT: "无需更新 current",
        Outcome.NOT_COMPLETED: "未完成签署，跳过 not completed, skipped",
        Outcome.FAILED: "失败 failed",
    }
    for result in results:
        until = f" (valid until {result.expiry.isoformat()})" if result.expiry else ""
        error = f": {result.error}" if result.error else ""
        click.echo(f"{labels[result.outcome]}: {result.path}{until}{error}")
    counts = {o: sum(1 for r in results if r.outcome is o) for o in Outcome}
    click.echo(
        f"{counts[Outcome.REFRESHED]} refreshed, {counts[Outcome.CURRENT]} current, "
        f"{counts[Outcome.NOT_COMPLETED]} not completed, {counts[Outcome.FAILED]} failed"
    )
    if counts[Outcome.FAILED]:
        sys.exit(1)
