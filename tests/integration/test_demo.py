"""`laborsign demo`: the example contract executed on the real trust core, on both databases,
and accepted by `laborsign verify` with the roots the demo wrote — and tampering caught."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.demo import DemoResult, run_demo
from laborsign.verification.report import Kind


@pytest.fixture
def result(container: Container, tmp_path: Path) -> DemoResult:
    return run_demo(container, tmp_path / "demo")


def _verify(pdf: Path, root: Path) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, ["verify", str(pdf), "--trust", str(root)])
    return outcome.exit_code, outcome.output


def test_demo_writes_a_contract_that_laborsign_verify_accepts(result: DemoResult) -> None:
    out = result.directory
    assert result.contract_pdf == out / "contract.pdf"
    assert result.contract_pdf.read_bytes() == result.pdf
    assert {p.name for p in (out / "trust").iterdir()} == {"root.pem", "issuing.pem", "tsa.pem"}
    report = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert report["valid"] is True
    assert [s["kind"] for s in report["signatures"]] == [
        Kind.SIGNATURE.value,
        Kind.SIGNATURE.value,
        Kind.DOCUMENT_TIMESTAMP.value,
    ]
    code, output = _verify(result.contract_pdf, result.trust_root)
    assert code == 0, output
    assert "张三" in output and "杭州示例科技有限公司" in output


def test_tampering_with_the_demo_contract_is_caught(result: DemoResult, tmp_path: Path) -> None:
    # One changed byte inside the signed content.
    data = bytearray(result.pdf)
    at = data.index(b"/Producer")
    data[at + 1] = ord("Q")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    assert _verify(changed, result.trust_root)[0] == 1

    # Drawing on a page after the last signature (pdfsig would not notice this one).
    writer = IncrementalPdfFileWriter(BytesIO(result.pdf))
    stream = writer.add_object(generic.StreamObject(stream_data=b"1 0 0 rg 50 50 200 200 re f"))
    writer.add_stream_to_page(0, stream)  # type: ignore[no-untyped-call]
    drawn = BytesIO()
    writer.write(drawn)  # type: ignore[no-untyped-call]
    (tmp_path / "drawn.pdf").write_bytes(drawn.getvalue())
    code, output = _verify(tmp_path / "drawn.pdf", result.trust_root)
    assert code == 1 and "modified" in output.lower()

    # A root that is not the demo's: the signatures do not chain to it.
    assert _verify(result.contract_pdf, result.trust_files[2])[0] == 1


def test_the_demo_command_runs_on_a_fresh_data_home(tmp_path: Path) -> None:
    env = {"LABORSIGN_HOME": str(tmp_path / "home"), "LABORSIGN_DATABASE_URL": ""}
    outcome = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "out")], env=env)
    assert outcome.exit_code == 0, outcome.output
    assert "有效 / valid" in outcome.output
    # Running it again reuses the platform it initialised (same root) and succeeds again.
    root = (tmp_path / "out" / "trust" / "root.pem").read_bytes()
    again = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "out")], env=env)
    assert again.exit_code == 0, again.output
    assert (tmp_path / "out" / "trust" / "root.pem").read_bytes() == root
    code, output = _verify(tmp_path / "out" / "contract.pdf", tmp_path / "out/trust/root.pem")
    assert code == 0, output
