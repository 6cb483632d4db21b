"""`laborsign bench bulk`: a sheet of N distinct valid rows, from upload to sent contracts.

Times the upload (reading and checking every row), then the run: workers found or created,
contracts created, rendered (worker processes), stored, logged and sent. With `--sign` the
contracts are created for the employer-first order; the bench then takes each worker
through notice, identity and intent (untimed: that is the workers' part, on their phones)
and times the sealing pass, the employer's B-T signature on every contract.
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from laborsign.bench import bench


def _peak_mb() -> tuple[float, float]:
    # ru_maxrss is in KiB on Linux: this process, and the largest of its waited-for children.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


@bench.command("bulk")
@click.option("--rows", default=10000, show_default=True)
@click.option("--database-url", default="", help="default: SQLite in a temporary directory")
@click.option("--sign/--no-sign", default=False, show_default=True)
@click.option("--chunk", default=50, show_default=True)
def bench_bulk(rows: int, database_url: str, sign: bool, chunk: int) -> None:
    """Time a sheet of N rows from upload to sent (and with --sign, sealed) contracts."""
    from laborsign.bootstrap import Container
    from laborsign.bulk.runner import ImportRunner
    from laborsign.bulk.sample import filled_sheet, sample_contracts
    from laborsign.contracts.examples import example_contract
    from laborsign.db.tenancy import Scope
    from laborsign.parties.roles import Role
    from laborsign.parties.tables import OrganisationRow
    from laborsign.settings import Settings

    employer = example_contract().employer
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        url = database_url or f"sqlite:///{home / 'bench.db'}"
        container = Container(
            Settings(home=home / "home", database_url=url, jobs_backend="immediate")
        )
        container.init()
        now = datetime.now(UTC)
        with container.uow(Scope.system()) as uow:
            uow.session.add(
                OrganisationRow(
                    id="bench-org",
                    kind="employer",
                    name=employer.name,
                    credit_code=employer.credit_code,
                    legal_representative=employer.legal_representative,
                    registered_address=employer.registered_address,
                    business_address=employer.business_address,
                    phone=employer.phone,
                    created_at=now,
                )
            )
            uow.commit()
        started = time.perf_counter()
        sheet = filled_sheet(list(sample_contracts(rows)))
        click.echo(
            f"sheet of {rows} rows written in {time.perf_counter() - started:.1f} s "
            f"({len(sheet) / 1e6:.1f} MB)"
        )
        scope = Scope.employer("bench-org", "bench-hr", {Role.HR, Role.SIGNER})
        bulk = container.bulk
        started = time.perf_counter()
        progress = bulk.upload(scope, "bench.xlsx", sheet, now=now)
        upload = time.perf_counter() - started
        click.echo(
            f"upload + validation: {upload:.1f} s ({rows / upload:.0f} rows/s), "
            f"state {progress.state}, {progress.rows_invalid} invalid"
        )
        bulk.start(scope, progress.id, sign=sign, now=now, enqueue=None)
        runner = ImportRunner(container, chunk=chunk)
        started = time.perf_counter()
        runner.run(progress.id)
        run = time.perf_counter() - started
        done = bulk.progress(scope, progress.id, now=datetime.now(UTC))
        click.echo(
            f"create + render + store + log + send: {run:.1f} s "
            f"({done.rows_done / run:.1f} contracts/s), {done.rows_done} done, "
            f"{done.rows_failed} failed"
        )
        total = upload + run
        if sign:
            seal = _seal(container, scope, progress.id, runner)
            total += seal
        own, children = _peak_mb()
        click.echo(
            f"total {total:.1f} s for {rows} rows: {rows / total:.1f} contracts/s "
            f"(target ≥ 33/s, ≤ 300 s)"
        )
        click.echo(f"peak memory: parent {own:.0f} MB, largest worker process {children:.0f} MB")
        container.engine.dispose()


def _seal(container: object, scope: object, import_id: str, runner: object) -> float:
    from laborsign.bootstrap import Container
    from laborsign.bulk.runner import ImportRunner
    from laborsign.db.tenancy import Scope
    from laborsign.identity.notice import notice_sha256

    assert isinstance(container, Container) and isinstance(scope, Scope)  # noqa: S101
    assert isinstance(runner, ImportRunner)  # noqa: S101
    service = container.contracts
    started = time.perf_counter()
    for row in container.bulk.rows(scope, import_id):
        cid = str(row["contract_id"])
        summary = service.summary(Scope.system(), cid)
        worker = Scope.worker(str(summary.worker_id))
        now = datetime.now(UTC)
        service.acknowledge_notice(worker, cid, notice_sha256=notice_sha256(), now=now)
        service.record_identity_verified(
            worker, cid, method="development", authoritative=False, now=now
        )
        service.confirm_intent(
            worker, cid, document_sha256=summary.document_sha256, otp_channel="sms", now=now
        )
    click.echo(f"workers' steps (untimed): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    runner.run(import_id)
    seal = time.perf_counter() - started
    done = container.bulk.progress(scope, import_id, now=datetime.now(UTC))
    click.echo(
        f"employer seal (B-T): {seal:.1f} s ({done.rows_signed / seal:.1f} contracts/s), "
        f"{done.rows_signed} sealed"
    )
    return seal
