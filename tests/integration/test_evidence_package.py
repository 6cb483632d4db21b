"""Export → verify on SQLite and PostgreSQL, with the platform's own CA, TSA and log key."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.demo import run_demo
from laborsign.errors import InvalidInput, NotFound
from laborsign.evidence.events import Event, EventType
from laborsign.evidence.package_format import read_zip
from laborsign.evidence.package_report import mask_id, mask_name
from laborsign.evidence.package_verify import Status, verify_package
from laborsign.evidence.package_wiring import export_for
from laborsign.evidence.sequence import PREVIOUS_EVENT, append_contract_events


def _signed(container: Container, tmp_path: Path) -> tuple[str, bytes]:
    result = run_demo(container, tmp_path / "demo")
    files = read_zip(result.evidence_zip.read_bytes())
    contract_id = Event.from_entry(files["events/0000.json"]).contract
    return contract_id, result.pdf


def test_export_then_verify_offline(container: Container, tmp_path: Path) -> None:
    contract_id, pdf = _signed(container, tmp_path)
    # Another contract's events are in the same log, before and after.
    with container.uow() as uow:
        other = Event(EventType.CREATED, "OTHER-1", "platform:test", datetime.now(UTC))
        append_contract_events(uow.session, container.evidence.log, [other])
        uow.commit()
    package = export_for(container, contract_id, pdf, datetime.now(UTC))
    report = verify_package(package)
    assert report.valid, report.summary()
    files = read_zip(package)
    events = [Event.from_entry(d) for n, d in files.items() if n.endswith(".json") and "/" in n]
    assert {e.contract for e in events} == {contract_id}
    assert len(events) == 10 and events[-1].type is EventType.EFFECTIVE
    assert PREVIOUS_EVENT not in events[0].artifacts
    # The fresh checkpoint covers the later event too; the proofs are against it.
    assert f"\n{_log_size(container)}\n".encode() in files["checkpoint"]
    assert report.checks[3].details[1] == f"tree size {_log_size(container)}"


def _log_size(container: Container) -> int:
    with container.uow() as uow:
        return container.evidence.log.size(uow.session)


def test_cli_export_verify_and_refusals(
    container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One signing per database for everything below: signing is the slow part.
    contract_id, pdf = _signed(container, tmp_path)
    with pytest.raises(InvalidInput):
        export_for(container, contract_id, pdf + b"\n", datetime.now(UTC))
    with pytest.raises(NotFound):
        export_for(container, "NO-SUCH-CONTRACT", pdf, datetime.now(UTC))
    files = read_zip((tmp_path / "demo" / "evidence.zip").read_bytes())
    report_pdf = tmp_path / "report.pdf"
    report_pdf.write_bytes(files["report.pdf"])
    text = subprocess.run(
        ["pdftotext", "-layout", str(report_pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    worker = example_contract().worker
    assert "出证报告" in text and "杭州示例科技有限公司" in text
    assert mask_name(worker.name) in text and mask_id(worker.id_number) in text
    assert worker.name not in text and worker.id_number not in text

    monkeypatch.setenv("LABORSIGN_HOME", str(container.settings.home))
    monkeypatch.setenv("LABORSIGN_DATABASE_URL", container.settings.database_url)
    source = tmp_path / "contract.pdf"
    source.write_bytes(pdf)
    out = tmp_path / "pkg.zip"
    runner = CliRunner()
    result = runner.invoke(
        main, ["evidence", "export", contract_id, "--out", str(out), "--pdf", str(source)]
    )
    assert result.exit_code == 0, result.output
    verified = runner.invoke(main, ["evidence", "verify", str(out), "--json"])
    assert verified.exit_code == 0, verified.output
    report = verify_package(out.read_bytes())
    assert [c.status for c in report.checks] == [Status.PASSED] * 12
