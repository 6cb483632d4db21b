"""`laborsign bench bulk`: a sheet of N distinct valid rows, from upload to sent contracts.

The platform as `make run` sets it up: SQLite, local files, the embedded SQLite job queue.
Times the upload and the validation job (reading and checking every row), then the run:
workers found or created, contracts created, rendered (worker processes), stored, logged and
sent (the outbox message written with each contract). With `--sign` (the default) the
contracts are created for the employer-first order; the bench then takes each worker
through notice, identity and intent (untimed: that is the workers' part, on their phones)
and times the sealing pass, the employer's B-T signature on every contract. Last, job
workers deliver the queued notifications (each worker's invitation by SMS, here the
development outbox); that is timed on its own, since in production other processes do it
while the import runs.

With `--kill-after K` the run starts in a child process, which is killed (SIGKILL, with its
render processes) once K rows are done; the bench then resumes the import and checks that
every row has exactly one contract.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from laborsign.bench import bench


def _cpu() -> float:
    """CPU seconds (user + system) of this process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _report(phase: str, seconds: float, count: int, own: float, workers: float) -> None:
    """Wall time and rate, and the CPU per contract, which a busy machine does not inflate:
    with it, the rate the phase would reach on idle cores (all of them busy) follows."""
    n = max(count, 1)
    per = (own + workers) / n
    cores = os.cpu_count() or 1
    click.echo(
        f"{phase}: {seconds:.1f} s ({count / seconds:.1f}/s) for {count}; CPU per contract "
        f"{own / n * 1000:.1f} ms here + {workers / n * 1000:.1f} ms in worker processes = "
        f"{per * 1000:.1f} ms, so at most {cores / per:.0f}/s on {cores} idle cores"
    )


def _peak_mb() -> tuple[float, float]:
    # ru_maxrss is in KiB on Linux: this process, and the largest of its waited-for children.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


@bench.command("bulk")
@click.option("--rows", default=10000, show_default=True)
@click.option("--database-url", default="", help="default: SQLite in a temporary directory")
@click.option("--sign/--no-sign", default=True, show_default=True)
@click.option("--chunk", default=50, show_default=True)
@click.option("--kill-after", default=0, help="kill -9 the run after this many rows, then resume")
def bench_bulk(rows: int, database_url: str, sign: bool, chunk: int, kill_after: int) -> None:
    """Time a sheet of N rows from upload to sent (and with --sign, sealed) contracts."""
    from laborsign.bootstrap import Container
    from laborsign.bulk.checking import ImportChecker
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
        container = Container(Settings(home=home / "home", database_url=url, jobs_backend="sqlite"))
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
        click.echo(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        before, started = _cpu(), time.perf_counter()
        progress = bulk.upload(scope, "bench.xlsx", sheet, now=now)
        ImportChecker(container).check(progress.id)  # the queued job, run here
        upload = time.perf_counter() - started
        _report("upload + validation", upload, rows, _cpu() - before, 0.0)
        progress = bulk.progress(scope, progress.id, now=now)
        if progress.rows_invalid or progress.state != "validated":
            raise click.ClickException(f"{progress.rows_invalid} rows were refused")
        bulk.start(scope, progress.id, sign=sign, now=now, enqueue=None)
        runner = ImportRunner(container, chunk=chunk)
        before, started = _cpu(), time.perf_counter()
        if kill_after:
            _run_and_kill(container, progress.id, kill_after, chunk)
        runner.run(progress.id)
        run = time.perf_counter() - started
        if kill_after:
            _check_one_contract_per_row(container, progress.id, rows)
        done = bulk.progress(scope, progress.id, now=datetime.now(UTC))
        _report(
            "create + render + store + log + send",
            run,
            done.rows_done,
            _cpu() - before,
            runner.worker_cpu,
        )
        total = upload + run
        if sign:
            seal = _seal(container, scope, progress.id, runner)
            total += seal
        click.echo(f"load average at end: {os.getloadavg()[0]:.2f}")
        click.echo(
            f"total {total:.1f} s for {rows} rows: {rows / total:.1f} contracts/s "
            f"(target ≥ 33/s, ≤ 300 s)"
        )
        _deliver(container)
        own, children = _peak_mb()
        click.echo(f"peak memory: parent {own:.0f} MB, largest worker process {children:.0f} MB")
        container.engine.dispose()


_CHILD = """
import sys
from pathlib import Path
from laborsign.bootstrap import Container
from laborsign.bulk.runner import ImportRunner
from laborsign.settings import Settings

if __name__ == "__main__":
    home, url, import_id, chunk = sys.argv[1:]
    settings = Settings(home=Path(home), database_url=url, jobs_backend="sqlite")
    ImportRunner(Container(settings), chunk=int(chunk)).run(import_id)
"""


def _run_and_kill(container: object, import_id: str, after: int, chunk: int) -> None:
    """Start the run in a child process and kill it (and its render processes) with
    SIGKILL once `after` rows are done."""
    from laborsign.bootstrap import Container
    from laborsign.bulk.tables import BulkImportRow
    from laborsign.db.tenancy import Scope

    assert isinstance(container, Container)  # noqa: S101
    settings = container.settings
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "run.py"
        script.write_text(_CHILD)
        command = [sys.executable, str(script), str(settings.home), settings.database_url]
        child = subprocess.Popen(  # noqa: S603 - our own script
            [*command, import_id, str(chunk)], start_new_session=True
        )
        done = 0
        try:
            while done < after:
                if child.poll() is not None:
                    raise click.ClickException("the run ended before it could be killed")
                time.sleep(0.2)
                with container.uow(Scope.system()) as uow:
                    head = uow.session.get(BulkImportRow, import_id)
                    done = head.rows_done if head is not None else 0
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    click.echo(f"killed the run (SIGKILL) with {done} rows done; resuming")


def _check_one_contract_per_row(container: object, import_id: str, rows: int) -> None:
    from sqlalchemy import func, select

    from laborsign.bootstrap import Container
    from laborsign.bulk.tables import BulkImportRowRow
    from laborsign.contracts.tables import ContractRow
    from laborsign.db.tenancy import Scope

    assert isinstance(container, Container)  # noqa: S101
    with container.uow(Scope.system()) as uow:
        s = uow.session
        contracts = s.scalar(select(func.count()).select_from(ContractRow)) or 0
        numbers = s.scalar(select(func.count(func.distinct(ContractRow.number)))) or 0
        linked = (
            s.scalar(
                select(func.count(func.distinct(BulkImportRowRow.contract_id))).where(
                    BulkImportRowRow.import_id == import_id
                )
            )
            or 0
        )
    if not contracts == numbers == linked == rows:
        raise click.ClickException(
            f"after resuming: {contracts} contracts, {numbers} numbers, {linked} linked rows "
            f"for {rows} rows"
        )
    click.echo(f"after resuming: {rows} rows, {contracts} contracts, no duplicates")


def _deliver(container: object, workers: int = 2) -> None:
    """Run job workers until every outbox message is dispatched; print how long it took."""
    from sqlalchemy import func, select

    from laborsign.bootstrap import Container
    from laborsign.db.tenancy import Scope
    from laborsign.notify.outbox_tables import OutboxMessageRow

    assert isinstance(container, Container)  # noqa: S101

    def waiting() -> int:
        with container.uow(Scope.system()) as uow:
            query = select(func.count()).where(OutboxMessageRow.dispatched_at.is_(None))
            return uow.session.scalar(query) or 0

    total = waiting()
    started = time.perf_counter()
    with container.jobs.embedded(workers):
        while (left := waiting()) and time.perf_counter() - started < 3600:
            time.sleep(1)
    elapsed = time.perf_counter() - started
    click.echo(
        f"notifications: {total - left} outbox messages dispatched by {workers} job worker "
        f"threads in {elapsed:.1f} s ({(total - left) / elapsed:.1f}/s), {left} left"
    )


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
    before, started, spent = _cpu(), time.perf_counter(), runner.worker_cpu
    runner.run(import_id)
    seal = time.perf_counter() - started
    done = container.bulk.progress(scope, import_id, now=datetime.now(UTC))
    _report(
        "employer seal (B-T)", seal, done.rows_signed, _cpu() - before, runner.worker_cpu - spent
    )
    return seal
