"""The `laborsign` command. Commands are thin: parse, call a service, print."""

from __future__ import annotations

import sys
from typing import Any

import click

from laborsign import __version__
from laborsign.bootstrap import Container, build
from laborsign.errors import InvalidInput, LaborSignError


class _Group(click.Group):
    """Translates the platform's errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LaborSignError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            sys.exit(2 if isinstance(exc, InvalidInput) else 1)


def container(ctx: click.Context) -> Container:
    """The container for this invocation, built once from settings."""
    obj = ctx.ensure_object(dict)
    if "container" not in obj:
        obj["container"] = build()
    found: Container = obj["container"]
    return found


@click.group(cls=_Group)
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
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the platform."""
    import uvicorn

    from laborsign.web.app import create_app

    c = container(ctx)
    c.init()
    # With the embedded default, jobs run on threads of this process: `serve` alone works.
    with c.jobs.embedded(c.settings.jobs_embedded_workers):
        uvicorn.run(
            create_app(c),
            host=host or c.settings.host,
            port=port or c.settings.port,
            log_level=c.settings.log_level.lower(),
        )


def _register() -> None:
    # Each domain contributes its command group; imported here so `main` stays the one entry.
    from laborsign.bench import bench
    from laborsign.contracts.commands import contract
    from laborsign.contracts.minimum_wage_commands import minwage

    main.add_command(contract)
    main.add_command(minwage)
    main.add_command(bench)
    from laborsign.jobs.commands import worker

    main.add_command(worker)
    from laborsign.verification.commands import verify

    main.add_command(verify)
    from laborsign.demo import demo

    main.add_command(demo)
    from laborsign.signing.commands import maintain

    main.add_command(maintain)
    import laborsign.contracts.service_bench  # adds `bench contracts`
    import laborsign.signing.bench  # noqa: F401  (adds `bench sign`)
    from laborsign.evidence.commands import evidence, witness

    main.add_command(witness)
    main.add_command(evidence)
    import laborsign.evidence.bench  # adds `bench evidence`
    import laborsign.contracts.rules_bench  # noqa: F401  (adds `bench rules`)
    import laborsign.privacy.bench  # adds `bench privacy`
    from laborsign.privacy.commands import privacy

    main.add_command(privacy)
    from laborsign.parties.commands import admin, apikey, org

    main.add_command(admin)
    main.add_command(org)
    main.add_command(apikey)
    from laborsign.filing.commands import filing

    main.add_command(filing)


_register()
