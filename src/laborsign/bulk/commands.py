"""`laborsign contracts template|import|status`: bulk issuance from the command line."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from laborsign.cli import container
from laborsign.contracts.model import TemplateId

if TYPE_CHECKING:
    from laborsign.bootstrap import Container
    from laborsign.bulk.service import Progress
    from laborsign.db.tenancy import Scope


@click.group("contracts")
def contracts() -> None:
    """Bulk issuance: the Excel template and imports (批量签发)."""


@contracts.command("template")
@click.option(
    "--template",
    "template_id",
    type=click.Choice([t.value for t in TemplateId]),
    default=TemplateId.GENERAL.value,
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def template(template_id: str, out: Path) -> None:
    """Write the .xlsx template for one model text."""
    from laborsign.bulk.template import template_bytes

    out.write_bytes(template_bytes(TemplateId(template_id)))
    click.echo(f"wrote {out}")


def _staff_scope(ctx: click.Context, org: str, sign: bool) -> object:
    from sqlalchemy import or_, select

    from laborsign.db.tenancy import Scope
    from laborsign.errors import NotFound
    from laborsign.i18n import Text
    from laborsign.parties.roles import Role
    from laborsign.parties.tables import OrganisationRow

    c = container(ctx)
    with c.uow(Scope.system()) as uow:
        found = uow.session.scalar(
            select(OrganisationRow.id).where(
                or_(OrganisationRow.id == org, OrganisationRow.credit_code == org)
            )
        )
    if found is None:
        raise NotFound(Text("用人单位不存在", "no such organisation"), field="org")
    roles = {Role.HR, Role.SIGNER} if sign else {Role.HR}
    # The operator at the console acts for the organisation, recorded as "cli".
    return Scope.employer(found, "cli", roles)


def _follow(
    c: Container,
    scope: Scope,
    import_id: str,
    *,
    label: str,
    steps: Callable[[Progress], tuple[int, int]],
    over: Callable[[Progress], bool],
    work: Callable[[], None] | None,
) -> Progress:
    """Show a progress bar of the import until `over`; with `work`, do it on a thread of
    this process meanwhile (a failure there is raised here)."""
    bulk = c.bulk
    failure: list[BaseException] = []
    if work is not None:

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # reported below, in the main thread
                failure.append(exc)

        threading.Thread(target=run, name="bulk-import", daemon=True).start()
    progress = bulk.progress(scope, import_id, now=datetime.now(UTC))
    with click.progressbar(length=max(steps(progress)[1], 1), label=label) as bar:
        shown = 0
        while True:
            progress = bulk.progress(scope, import_id, now=datetime.now(UTC))
            done = steps(progress)[0]
            bar.update(done - shown)
            shown = done
            if over(progress) or failure:
                break
            time.sleep(0.5)
    if failure:
        raise failure[0]
    return progress


@contracts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="organisation id or 统一社会信用代码")
@click.option("--sign", is_flag=True, help="seal each contract once its worker confirmed")
@click.option("--resume", "resume_id", default=None, help="continue this import (after a crash)")
@click.pass_context
def import_sheet(
    ctx: click.Context, file: Path, org: str, sign: bool, resume_id: str | None
) -> None:
    """Validate FILE.xlsx, then create, render, store and send one contract per row."""
    from laborsign.bulk.checking import ImportChecker
    from laborsign.bulk.jobs import JOB
    from laborsign.bulk.runner import ImportRunner
    from laborsign.db.tenancy import Scope

    c = container(ctx)
    c.init()
    scope = _staff_scope(ctx, org, sign)
    assert isinstance(scope, Scope)  # noqa: S101 - narrowing
    bulk = c.bulk
    # Without a broker the jobs are done here; with Redis the workers do them.
    in_process = c.settings.jobs_backend != "redis"
    if resume_id is None:
        made = bulk.upload(
            scope, file.name, file.read_bytes(), now=datetime.now(UTC), queue=not in_process
        )
        progress = _follow(
            c,
            scope,
            made.id,
            label="校验 / checking",
            steps=lambda p: p.validation_steps,
            over=lambda p: not p.validating,
            work=(lambda: ImportChecker(c).check(made.id)) if in_process else None,
        )
        click.echo(
            f"import {progress.id}: {progress.rows_total} rows, {progress.rows_invalid} with "
            f"errors, {progress.rows_warned} with warnings"
        )
        if progress.state == "rejected":
            if progress.error:
                click.echo(f"  {progress.error}")
            for row in bulk.rows(scope, progress.id):
                for problem in row["problems"]:  # type: ignore[attr-defined]
                    if problem["severity"] == "error":
                        click.echo(f"  row {row['row']} {problem['field']}: {problem['zh']}")
            click.echo("rejected: nothing was created (report: GET .../report.xlsx)", err=True)
            ctx.exit(2)
        import_id = progress.id
    else:
        import_id = resume_id
    enqueue = None if in_process else (lambda found: c.jobs.enqueue(JOB, import_id=found))
    progress = bulk.start(scope, import_id, sign=sign, now=datetime.now(UTC), enqueue=enqueue)
    progress = _follow(
        c,
        scope,
        import_id,
        label="合同 / contracts",
        steps=lambda p: (p.rows_done + p.rows_failed, p.rows_total - p.rows_invalid),
        over=lambda p: p.finished,
        work=(lambda: ImportRunner(c).run(import_id)) if in_process else None,
    )
    rate = f"{progress.rate_per_second:.1f}/s" if progress.rate_per_second else "-"
    click.echo(
        f"{progress.state}: {progress.rows_done} created and sent, {progress.rows_failed} "
        f"failed, {progress.rows_signed} sealed ({rate})"
    )


@contracts.command("status")
@click.argument("import_id")
@click.option("--org", required=True)
@click.pass_context
def status(ctx: click.Context, import_id: str, org: str) -> None:
    """The state and counts of an import."""
    import json

    from laborsign.db.tenancy import Scope

    scope = _staff_scope(ctx, org, False)
    assert isinstance(scope, Scope)  # noqa: S101
    progress = container(ctx).bulk.progress(scope, import_id, now=datetime.now(UTC))
    click.echo(json.dumps(progress.to_json(), ensure_ascii=False, indent=2))
