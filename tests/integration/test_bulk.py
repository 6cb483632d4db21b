"""Bulk issuance on both databases: validation before anything exists, one contract per
row, the report, the API, and resuming after the running process is killed.

The platform here runs its jobs in place (the immediate backend), so an upload comes back
validated or rejected; the validation job on a real queue is in test_bulk_validation."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import ColumnElement, func, select
from tests.integration.helpers import add_org

from laborsign.bootstrap import Container
from laborsign.bulk.columns import columns
from laborsign.bulk.runner import ImportRunner
from laborsign.bulk.sample import filled_sheet, sample_contracts
from laborsign.bulk.tables import BulkImportRowRow
from laborsign.bulk.template import DATA_SHEET, FIRST_DATA_ROW
from laborsign.contracts.examples import example_contract
from laborsign.contracts.lifecycle import State
from laborsign.contracts.model import TemplateId
from laborsign.contracts.tables import ContractRow
from laborsign.db.tenancy import Scope
from laborsign.parties.roles import Role
from laborsign.parties.tables import WorkerRow
from laborsign.settings import Settings
from laborsign.web.app import create_app
from laborsign.web.auth import COOKIE, CSRF_HEADER, SessionStore

NOW = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
ORG = "org-bulk"
HR = Scope.employer(ORG, "hr-bulk", {Role.HR})


@pytest.fixture
def container(database_url: str, tmp_path: Path) -> Iterator[Container]:
    """A platform whose jobs run in place: the upload's validation job runs within it."""
    c = Container(
        Settings(home=tmp_path / "home", database_url=database_url, jobs_backend="immediate")
    )
    c.init()
    yield c
    c.engine.dispose()


@pytest.fixture
def org(container: Container) -> str:
    add_org(container, ORG, example_contract().employer.credit_code, NOW)
    return ORG


def _count(container: Container, model: type, *where: ColumnElement[bool]) -> int:
    with container.uow(Scope.system()) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _with_bad_rows(rows: int) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(filled_sheet(list(sample_contracts(rows)))))
    sheet = book[DATA_SHEET]
    by_path = {c.path: i + 1 for i, c in enumerate(columns(TemplateId.GENERAL))}
    sheet.cell(FIRST_DATA_ROW + 1, by_path["pay.payday"], "月底")  # row 4
    sheet.cell(FIRST_DATA_ROW + 2, by_path["worker.id_number"], "110101199001011234")  # row 5
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_rows_are_reported_by_row_and_field_and_nothing_is_created(
    container: Container, org: str
) -> None:
    progress = container.bulk.upload(HR, "bad.xlsx", _with_bad_rows(4), now=NOW)
    assert progress.state == "rejected"
    assert (progress.rows_total, progress.rows_invalid) == (4, 2)
    rows = {r["row"]: r for r in container.bulk.rows(HR, progress.id)}
    assert rows[3]["state"] == rows[6]["state"] == "pending"
    problems = {n: cast(list[dict[str, str]], r["problems"]) for n, r in rows.items()}
    assert {p["field"] for p in problems[4] if p["severity"] == "error"} == {"pay.payday"}
    assert "worker.id_number" in {p["field"] for p in problems[5]}
    assert _count(container, ContractRow) == 0
    assert _count(container, WorkerRow) == 0
    with pytest.raises(Exception, match="fix it"):
        container.bulk.start(HR, progress.id, sign=False, now=NOW, enqueue=None)
    name, report = container.bulk.report(HR, progress.id)
    assert name == "bad-report.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(report)).active
    assert sheet is not None
    by_row = {sheet.cell(r, 1).value: sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1)}
    assert "pay.payday" in str(by_row[4])
    assert sheet.cell(3, 2).value == "不通过"


def test_an_import_creates_exactly_one_sent_contract_per_row(
    container: Container, org: str
) -> None:
    rows = 20
    progress = container.bulk.upload(
        HR, "ok.xlsx", filled_sheet(list(sample_contracts(rows))), now=NOW
    )
    assert progress.state == "validated"
    container.bulk.start(HR, progress.id, sign=False, now=NOW, enqueue=None)
    runner = ImportRunner(container, chunk=8, workers=2, clock=lambda: NOW)
    runner.run(progress.id)
    runner.run(progress.id)  # a second run finds nothing left to do
    done = container.bulk.progress(HR, progress.id, now=NOW)
    assert (done.state, done.rows_done, done.rows_failed) == ("done", rows, 0)
    assert _count(container, ContractRow) == rows
    assert _count(container, ContractRow, ContractRow.state == State.SENT.value) == rows
    assert _count(container, WorkerRow) == rows
    ids = [r["contract_id"] for r in container.bulk.rows(HR, progress.id)]
    assert len(set(ids)) == rows and None not in ids
    # The same sheet again is refused row by row: its contract numbers exist now.
    again = container.bulk.upload(HR, "ok.xlsx", filled_sheet(list(sample_contracts(2))), now=NOW)
    assert again.state == "rejected"


_CHILD = """
import sys
from laborsign.bootstrap import Container
from laborsign.bulk.runner import ImportRunner
from laborsign.settings import Settings

if __name__ == "__main__":
    container = Container(Settings(home=sys.argv[1], database_url=sys.argv[2]))
    ImportRunner(container, chunk=1, workers=1).run(sys.argv[3])
"""


def test_a_killed_run_resumes_without_duplicates(
    container: Container, org: str, tmp_path: Path
) -> None:
    rows = 12
    data = filled_sheet(list(sample_contracts(rows)))
    progress = container.bulk.upload(HR, "crash.xlsx", data, now=NOW)
    container.bulk.start(HR, progress.id, sign=False, now=NOW, enqueue=None)
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    settings = container.settings
    child = subprocess.Popen(
        [sys.executable, str(script), str(settings.home), settings.database_url, progress.id],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while _count(container, BulkImportRowRow, BulkImportRowRow.state == "done") < 2:
            assert child.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no row was done in time"
            time.sleep(0.1)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the run and its render processes
        child.wait()
    done_before = _count(container, BulkImportRowRow, BulkImportRowRow.state == "done")
    assert 0 < done_before < rows
    assert _count(container, ContractRow) == done_before  # rows and contracts commit together
    ImportRunner(container, chunk=4, workers=1, clock=lambda: NOW).run(progress.id)
    assert _count(container, BulkImportRowRow, BulkImportRowRow.state == "done") == rows
    assert _count(container, ContractRow) == rows
    with container.uow(Scope.system()) as uow:
        numbers = uow.session.scalars(select(ContractRow.number)).all()
    assert len(set(numbers)) == rows


def test_api_template_upload_progress_report_and_refusals(container: Container, org: str) -> None:
    account = container.parties.accounts.create(
        Scope.system(),
        username="bulk-hr",
        display_name="HR",
        password="Correct-Horse-42",  # noqa: S106 - a test account
        roles=[Role.HR],
        org_id=ORG,
        now=datetime.now(UTC),
    )
    raw = SessionStore(container).open("staff", account.id, datetime.now(UTC), pending=False)
    with TestClient(create_app(container)) as client:
        client.cookies.set(COOKIE, raw)
        csrf = client.get("/api/v1/auth/me").json()["csrf_token"]
        headers = {CSRF_HEADER: csrf}
        template = client.get("/api/v1/bulk/template", params={"template": "dispatch"})
        assert template.status_code == 200
        assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames[0] == DATA_SHEET
        for name, content in [("a.csv", b"a,b\n1,2\n"), ("big.xlsx", b"PK" + b"\0" * (21 << 20))]:
            refused = client.post(
                "/api/v1/bulk/imports", files={"file": (name, content)}, headers=headers
            )
            assert refused.status_code == 422
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["field"] == "file"
        sheet = filled_sheet(list(sample_contracts(3)))
        made = client.post(
            "/api/v1/bulk/imports", files={"file": ("s.xlsx", sheet)}, headers=headers
        )
        assert made.status_code == 202, made.text  # validated in place: immediate jobs
        import_id = made.json()["id"]
        state = client.get(f"/api/v1/bulk/imports/{import_id}", params={"rows": "true"}).json()
        assert state["state"] == "validated" and len(state["row_details"]) == 3
        report = client.get(f"/api/v1/bulk/imports/{import_id}/report.xlsx")
        assert report.status_code == 200
        signing = client.post(
            f"/api/v1/bulk/imports/{import_id}/start", json={"sign": True}, headers=headers
        )
        assert signing.status_code == 403  # sealing needs a signer
    assert _count(container, ContractRow) == 0


def test_sealing_signs_each_contract_whose_worker_confirmed(container: Container, org: str) -> None:
    from laborsign.identity.notice import notice_sha256

    signer = Scope.employer(ORG, "signer-bulk", {Role.HR, Role.SIGNER})
    data = filled_sheet(list(sample_contracts(3)))
    progress = container.bulk.upload(signer, "seal.xlsx", data, now=NOW)
    container.bulk.start(signer, progress.id, sign=True, now=NOW, enqueue=None)
    runner = ImportRunner(container, chunk=2, workers=1)
    runner.run(progress.id)
    assert container.bulk.progress(signer, progress.id, now=NOW).rows_signed == 0
    # Two of the three workers take their steps; the third has not yet.
    service = container.contracts
    rows = container.bulk.rows(signer, progress.id)
    for row in rows[:2]:
        summary = service.summary(Scope.system(), str(row["contract_id"]))
        worker = Scope.worker(str(summary.worker_id))
        now = datetime.now(UTC)
        service.acknowledge_notice(worker, summary.id, notice_sha256=notice_sha256(), now=now)
        service.record_identity_verified(
            worker, summary.id, method="development", authoritative=False, now=now
        )
        service.confirm_intent(
            worker, summary.id, document_sha256=summary.document_sha256, otp_channel="sms", now=now
        )
    runner.run(progress.id)
    runner.run(progress.id)  # nothing sealed twice
    done = container.bulk.progress(signer, progress.id, now=NOW)
    assert done.rows_signed == 2
    states = [service.summary(Scope.system(), str(r["contract_id"])).state for r in rows]
    assert states == [State.EMPLOYER_SIGNED, State.EMPLOYER_SIGNED, State.SENT]
