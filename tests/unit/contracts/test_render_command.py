"""`laborsign contract render`: a PDF out, or a named field and exit code 2."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.contracts.io import dump_contract


def test_renders_a_contract_from_stdin(tmp_path: Path) -> None:
    out = tmp_path / "contract.pdf"
    result = CliRunner().invoke(
        main,
        ["contract", "render", "-", "--out", str(out)],
        input=dump_contract(example_contract()),
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert "employer: page" in result.output and "worker: page" in result.output
    assert not (tmp_path / "contract.pdf.partial").exists()


def test_invalid_input_names_the_field_without_traceback(tmp_path: Path) -> None:
    out = tmp_path / "contract.pdf"
    result = CliRunner().invoke(
        main, ["contract", "render", "-", "--out", str(out)], input='{"template": "general"}'
    )
    assert result.exit_code == 2
    assert "employer" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_undrawable_character_is_bad_input_naming_the_field(tmp_path: Path) -> None:
    contract = example_contract()
    contract = contract.model_copy(
        update={"worker": contract.worker.model_copy(update={"name": "李\U00031350"})}
    )
    result = CliRunner().invoke(
        main,
        ["contract", "render", "-", "--out", str(tmp_path / "x.pdf")],
        input=dump_contract(contract),
    )
    assert result.exit_code == 2
    assert "worker.name" in result.output and "U+31350" in result.output
