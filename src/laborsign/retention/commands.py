"""`laborsign retention ...`: the operator's retention commands (system scope)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from laborsign.cli import container
from laborsign.db.tenancy import Scope

OPERATOR = "cli:operator"


def _now(at: str | None) -> datetime:
    """The command's time: now, or (for planning) a given ISO date-time."""
    if at is None:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group()
def retention() -> None:
    """Retention periods, legal holds and erasure of personal data (个人信息删除)."""


@retention.command("status")
@click.argument("contract_id")
@click.pass_context
def status(ctx: click.Context, contract_id: str) -> None:
    """The contract's end, retention date, holds and whether it may be erased."""
    found = container(ctx).retention.status(Scope.system(OPERATOR), contract_id)
    click.echo(json.dumps(found.to_json(_now(None).date()), ensure_ascii=False, indent=2))


@retention.command("due")
@click.option("--at", default=None, help="list as of this ISO date-time (default: now)")
@click.pass_context
def due(ctx: click.Context, at: str | None) -> None:
    """Contracts whose personal data may be erased (retention date passed, no hold)."""
    for contract_id in container(ctx).retention.erasable(_now(at)):
        click.echo(contract_id)


@retention.command("hold")
@click.argument("contract_id")
@click.option("--case", "case_reference", required=True, help="the dispute's case reference")
@click.pass_context
def hold(ctx: click.Context, contract_id: str, case_reference: str) -> None:
    """Place a legal hold: nothing of the contract is erased until it is lifted."""
    placed = container(ctx).retention.place_hold(
        Scope.system(OPERATOR), contract_id, case_reference, now=_now(None)
    )
    click.echo(f"hold {placed.id}")


@retention.command("lift")
@click.argument("contract_id")
@click.option("--case", "case_reference", required=True, help="the dispute's case reference")
@click.pass_context
def lift(ctx: click.Context, contract_id: str, case_reference: str) -> None:
    """Lift the legal holds of a case."""
    for hold_id in container(ctx).retention.lift_hold(
        Scope.system(OPERATOR), contract_id, case_reference, now=_now(None)
    ):
        click.echo(f"lifted {hold_id}")


@retention.command("erase")
@click.argument("contract_id")
@click.pass_context
def erase(ctx: click.Context, contract_id: str) -> None:
    """Erase the contract's personal data (refused before its retention date or on hold)."""
    done = container(ctx).retention.erase(Scope.system(OPERATOR), contract_id, now=_now(None))
    click.echo(
        f"erased {done.contract_id}: {done.documents_deleted} documents deleted"
        + ("; worker's details erased" if done.worker_erased else "")
    )
