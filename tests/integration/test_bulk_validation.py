"""Validating an upload in the background, on both databases: the upload stores the sheet
and queues `bulk.validate` on the platform's queue (SQLite, as `laborsign serve` has it);
the tests run the queued job themselves, as a worker would."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import openpyxl
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.helpers import DelegatingStore, add_org, staff_headers

from laborsign.bootstrap import Container
from laborsign.bulk.checking import ImportChecker, stalled
from laborsign.bulk.columns import columns
from laborsign.bulk.jobs import requeue_stalled_validations, validate_import
from laborsign.bulk.sample import filled_sheet, sample_contracts
from laborsign.bulk.sheet import SheetRefused
from laborsign.bulk.tables import BulkImportRow, BulkImportRowRow
from laborsign.bulk.template import DATA_SHEET, FIRST_DATA_ROW
from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import TemplateId
from laborsign.db.tenancy import Scope
from laborsign.errors import Conflict
from laborsign.parties.roles import Role
from laborsign.storage.ports import DocumentStore
from laborsign.web.app import create_app

NOW = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
ORG = "org-validate"
HR = Scope.employer(ORG, "hr-validate", {Role.HR})


@pytest.fixture
def org(container: Container) -> str:
    add_org(container, ORG, example_contract().employer.credit_code, NOW)
    return ORG


def _sheet(rows: int, *, bad: bool = False, prefix: str = "BULK") -> bytes:
    data = filled_sheet(list(sample_contracts(rows, prefix=prefix)))
    if not bad:
        return data
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[DATA_SHEET]
    by_path = {c.path: i + 1 for i, c in enumerate(columns(TemplateId.GENERAL))}
    sheet.cell(FIRST_DATA_ROW + 1, by_path["pay.payday"], "月底")  # row 4
    sheet.cell(FIRST_DATA_ROW + 2, by_path["worker.id_number"], "110101199001011234")  # row 5
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run_queued_jobs(container: Container) -> int:
    """Run what waits in the queue, as a worker would; how many jobs ran."""
    huey, ran = container.jobs.huey, 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def _rows(container: Container, import_id: str) -> int:
    with container.uow(Scope.system()) as uow:
        query = select(func.count()).where(BulkImportRowRow.import_id == import_id)
        return int(uow.session.scalar(query) or 0)


def test_upload_is_validating_until_the_queued_job_checks_every_row(
    container: Container, org: str
) -> None:
    made = container.bulk.upload(HR, "ok.xlsx", _sheet(5), now=NOW)
    assert (made.state, made.rows_total, made.rows_read, made.rows_checked) == (
        "validating",
        5,
        0,
        0,
    )
    assert not made.finished and made.validating
    assert container.bulk.rows(HR, made.id) == []
    assert container.jobs.huey.pending_count() == 1

    assert _run_queued_jobs(container) == 1
    done = container.bulk.progress(HR, made.id, now=NOW)
    assert (done.state, done.rows_total, done.rows_invalid) == ("validated", 5, 0)
    assert (done.rows_read, done.rows_checked) == (5, 5)
    assert done.validation_steps == (10, 10)
    rows = container.bulk.rows(HR, made.id)
    assert [r["row"] for r in rows] == list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5))
    assert {r["state"] for r in rows} == {"pending"}


def test_progress_is_committed_while_the_rows_are_checked(container: Container, org: str) -> None:
    made = container.bulk.upload(HR, "ok.xlsx", _sheet(5), now=NOW, queue=False)
    seen: list[tuple[str, int, int]] = []

    def clock() -> datetime:
        # Called as each progress note is written: what others see at that moment.
        p = container.bulk.progress(HR, made.id, now=NOW)
        seen.append((p.state, p.rows_read, p.rows_checked))
        return datetime.now(UTC)

    ImportChecker(container, clock=clock, step=1).check(made.id)
    checked = [c for state, _, c in seen if state == "validating"]
    assert checked == sorted(checked)
    assert {1, 2, 3, 4} <= set(checked)  # visible row by row, before the rows are stored
    assert ("validating", 5, 0) in seen  # every row read before any is checked
    assert container.bulk.progress(HR, made.id, now=NOW).state == "validated"


def test_a_sheet_with_errors_is_rejected_by_the_job(container: Container, org: str) -> None:
    made = container.bulk.upload(HR, "bad.xlsx", _sheet(4, bad=True), now=NOW)
    assert made.state == "validating"
    _run_queued_jobs(container)
    done = container.bulk.progress(HR, made.id, now=NOW)
    assert (done.state, done.rows_total, done.rows_invalid) == ("rejected", 4, 2)
    rows = {r["row"]: r for r in container.bulk.rows(HR, made.id)}
    problems = {n: cast(list[dict[str, str]], r["problems"]) for n, r in rows.items()}
    assert {p["field"] for p in problems[4] if p["severity"] == "error"} == {"pay.payday"}
    assert "worker.id_number" in {p["field"] for p in problems[5]}
    with pytest.raises(Conflict, match="fix it"):
        container.bulk.start(HR, made.id, sign=False, now=NOW, enqueue=None)
    assert container.bulk.report(HR, made.id)[0] == "bad-report.xlsx"


def test_report_and_start_are_refused_while_validating(container: Container, org: str) -> None:
    headers = staff_headers(container, ORG, "hr-validating", Role.HR, datetime.now(UTC))
    with TestClient(create_app(container)) as client:
        made = client.post(
            "/api/v1/bulk/imports", files={"file": ("s.xlsx", _sheet(3))}, headers=headers
        )
        assert made.status_code == 202, made.text
        body = made.json()
        assert body["state"] == "validating"
        assert (body["rows"]["total"], body["rows"]["read"], body["rows"]["checked"]) == (3, 0, 0)
        import_id = body["id"]
        shown = client.get(f"/api/v1/bulk/imports/{import_id}", headers=headers).json()
        assert shown["state"] == "validating"
        report = client.get(f"/api/v1/bulk/imports/{import_id}/report.xlsx", headers=headers)
        start = client.post(
            f"/api/v1/bulk/imports/{import_id}/start", json={"sign": False}, headers=headers
        )
        for refused in (report, start):
            assert refused.status_code == 409
            assert refused.headers["content-type"] == "application/problem+json"
            problem = refused.json()
            assert "校验" in problem["title"] and "still being checked" in problem["title_en"]
        with container.uow(Scope.system()) as uow:
            head = uow.session.get(BulkImportRow, import_id)
            assert head is not None and head.state == "validating"  # the refusals changed nothing

        _run_queued_jobs(container)
        after = client.get(f"/api/v1/bulk/imports/{import_id}", headers=headers).json()
        assert after["state"] == "validated" and after["rows"]["checked"] == 3
        report = client.get(f"/api/v1/bulk/imports/{import_id}/report.xlsx", headers=headers)
        assert report.status_code == 200


def test_sheets_plainly_unusable_are_refused_at_upload_without_a_job(
    container: Container, org: str
) -> None:
    for data in (b"not a workbook", filled_sheet([])):
        with pytest.raises(SheetRefused, match=r"xlsx|no data rows"):
            container.bulk.upload(HR, "x.xlsx", data, now=NOW)
    with container.uow(Scope.system()) as uow:
        assert uow.session.scalar(select(func.count()).select_from(BulkImportRow)) == 0
    assert container.jobs.huey.pending_count() == 0


class FailingOnceStore(DelegatingStore):
    """The document store, except that the first read fails: a job that dies mid-way."""

    def __init__(self, inner: DocumentStore) -> None:
        super().__init__(inner)
        self.failed = False

    def get(self, tenant: str, sha256: str) -> bytes:
        if not self.failed:
            self.failed = True
            raise OSError("the object store went away")
        return super().get(tenant, sha256)


def test_a_retried_validation_writes_each_row_once(container: Container, org: str) -> None:
    made = container.bulk.upload(HR, "retry.xlsx", _sheet(4), now=NOW, queue=False)
    store = FailingOnceStore(container.document_store)
    container.__dict__["document_store"] = store  # the container hands this one out
    with pytest.raises(OSError, match="went away"):
        validate_import(container, made.id)
    failed = container.bulk.progress(HR, made.id, now=NOW)
    assert failed.state == "validating" and "went away" in (failed.error or "")
    assert _rows(container, made.id) == 0

    # Rows left by an earlier try (the final transaction is the only writer of rows, but a
    # retry must not trust that): the retry replaces them.
    with container.uow(HR) as uow:
        uow.session.add(
            BulkImportRowRow(
                import_id=made.id,
                row_number=FIRST_DATA_ROW,
                org_id=ORG,
                state="invalid",
                problems=[],
                data=None,
                signed=False,
            )
        )
        uow.commit()
    validate_import(container, made.id)  # the job's retry
    validate_import(container, made.id)  # and once more: nothing left to do
    done = container.bulk.progress(HR, made.id, now=NOW)
    assert (done.state, done.rows_total, done.rows_invalid, done.error) == (
        "validated",
        4,
        0,
        None,
    )
    assert _rows(container, made.id) == 4
    assert {r["state"] for r in container.bulk.rows(HR, made.id)} == {"pending"}


def _stored(container: Container, import_id: str) -> dict[int, bytes | None]:
    """Each row's encrypted contract: a fresh nonce each time, so a rewrite shows."""
    with container.uow(Scope.system()) as uow:
        rows = uow.session.scalars(
            select(BulkImportRowRow).where(BulkImportRowRow.import_id == import_id)
        )
        return {r.row_number: r.data for r in rows}


def test_of_two_tries_finishing_together_only_the_first_writes(
    container: Container, org: str
) -> None:
    made = container.bulk.upload(HR, "twice.xlsx", _sheet(4), now=NOW, queue=False)
    first: dict[int, bytes | None] = {}
    calls = 0

    def slow_clock() -> datetime:
        nonlocal calls
        calls += 1
        if calls == 3:  # checking its first row: another try runs from start to end meanwhile
            ImportChecker(container).check(made.id)
            first.update(_stored(container, made.id))
        return datetime.now(UTC)

    ImportChecker(container, clock=slow_clock, step=1).check(made.id)
    assert calls > 3 and len(first) == 4  # the slow try went on to its end
    assert _stored(container, made.id) == first  # and wrote nothing
    done = container.bulk.progress(HR, made.id, now=NOW)
    assert (done.state, done.rows_checked) == ("validated", 4)


def test_the_sweep_queues_validations_that_stopped_moving(container: Container, org: str) -> None:
    lost = container.bulk.upload(HR, "lost.xlsx", _sheet(2), now=NOW, queue=False)
    failed = container.bulk.upload(HR, "failed.xlsx", _sheet(2, prefix="F"), now=NOW, queue=False)
    with container.uow(Scope.system()) as uow:
        row = uow.session.get(BulkImportRow, failed.id)
        assert row is not None
        row.error = "retries spent"
        uow.commit()
    assert stalled(container, NOW + timedelta(minutes=5)) == []  # still fresh
    later = NOW + timedelta(minutes=11)
    assert stalled(container, later) == [lost.id]
    assert stalled(container, later) == []  # marked as moving: the queued job has its time

    with container.uow(Scope.system()) as uow:
        row = uow.session.get(BulkImportRow, lost.id)
        assert row is not None
        row.checked_at = NOW  # stalled again
        uow.commit()
    requeue_stalled_validations(container)
    assert _run_queued_jobs(container) == 1
    assert container.bulk.progress(HR, lost.id, now=NOW).state == "validated"
    assert container.bulk.progress(HR, failed.id, now=NOW).state == "validating"


def test_cli_import_waits_for_validation_and_lists_the_rejected_rows(
    container: Container, org: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABORSIGN_HOME", str(container.settings.home))
    monkeypatch.setenv("LABORSIGN_DATABASE_URL", container.settings.database_url)
    sheet = tmp_path / "bad.xlsx"
    sheet.write_bytes(_sheet(4, bad=True))
    result = CliRunner().invoke(main, ["contracts", "import", str(sheet), "--org", ORG])
    assert result.exit_code == 2, result.output
    assert "4 rows, 2 with errors" in result.output
    assert "row 4 pay.payday" in result.output
    with container.uow(Scope.system()) as uow:
        states = list(uow.session.scalars(select(BulkImportRow.state)))
    assert states == ["rejected"]
    assert container.jobs.huey.pending_count() == 0  # checked by the command, not queued
