"""The `laborsign` command. Commands are thin: parse, call a service, print."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from laborsign import __version__
from laborsign.clitools import LazyGroup
from laborsign.errors import InvalidInput, LaborSignError

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


class _Group(LazyGroup):
    """Translates the platform's errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LaborSignError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            sys.exit(2 if isinstance(exc, InvalidInput) else 1)


def container(ctx: click.Context) -> Container:
    """The container for this invocation, built once from settings."""
    from laborsign.bootstrap import build

    obj = ctx.ensure_object(dict)
    if "container" not in obj:
        obj["container"] = build()
    found: Container = obj["container"]
    return found


@click.group(cls=_Group, lazy={})
@click.version_option(__version__, prog_name="laborsign")
def main() -> None:
    """LaborSign 电子劳动合同订立平台."""


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the data home, database and keys (idempotent)."""
    for line in container(ctx).init():
        click.echo(line)
    click.echo("ready")


@main.command()
@click.option("--host", default=None, help="address to listen on (default 127.0.0.1)")
@click.option("--port", default=None, type=int, help="port (default 8000)")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="processes serving requests (default: one per CPU core)",
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the platform."""
    from laborsign.web import serving

    c = container(ctx)
    c.init()
    # With the embedded default, jobs run on threads of this process: `serve` alone works.
    with c.jobs.embedded(c.settings.jobs_embedded_workers):
        serving.run(
            c,
            host or c.settings.host,
            port or c.settings.port,
            workers or serving.default_workers(),
        )


# Every top-level command: name -> (module, attribute, one-line help). Imported on use only.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "admin": ("laborsign.parties.commands", "admin", "Platform accounts."),
    "apikey": ("laborsign.parties.commands", "apikey", "API keys for HR-system integration."),
    "backup": (
        "laborsign.backup.commands",
        "backup",
        "Back up the whole installation (database, documents, keys) to one file.",
    ),
    "bench": ("laborsign.bench", "bench", "Measure rendering, signing and evidence-log speed."),
    "contract": (
        "laborsign.contracts.commands",
        "contract",
        "Contract documents: examples, labor-law checks, rendering.",
    ),
    "contracts": (
        "laborsign.bulk.commands",
        "contracts",
        "Bulk issuance from Excel: template, import with progress (批量签发).",
    ),
    "demo": (
        "laborsign.demo",
        "demo",
        "Sign the example contract end to end and write what a verifier needs.",
    ),
    "evidence": ("laborsign.evidence.commands", "evidence", "The evidence log and packages."),
    "filing": ("laborsign.filing.commands", "filing", "Exports to labor departments (备案报送)."),
    "maintain": (
        "laborsign.signing.commands",
        "maintain",
        "Scheduled upkeep of signed contracts (run from cron or a timer).",
    ),
    "minwage": (
        "laborsign.contracts.minimum_wage_commands",
        "minwage",
        "Minimum-wage figures (operator data from the provincial governments' notices).",
    ),
    "org": ("laborsign.parties.commands", "org", "Organisations (employers, dispatch agencies)."),
    "privacy": (
        "laborsign.privacy.commands",
        "privacy",
        "Personal-data keys (个人数据密钥): create, rotate, re-encrypt.",
    ),
    "restore": (
        "laborsign.backup.commands",
        "restore",
        "Restore a backup into an empty data home and database.",
    ),
    "retention": (
        "laborsign.retention.commands",
        "retention",
        "Retention periods, legal holds and erasure of personal data.",
    ),
    "verify": (
        "laborsign.verification.commands",
        "verify",
        "Verify a signed contract PDF: exit 0 valid, 1 invalid, 2 unreadable input.",
    ),
    "witness": (
        "laborsign.evidence.commands",
        "witness",
        "A tlog-witness: cosigns checkpoints of logs it knows, if they stay consistent.",
    ),
    "worker": ("laborsign.jobs.commands", "worker", "Run background jobs from the queue."),
}
main.lazy = COMMANDS
