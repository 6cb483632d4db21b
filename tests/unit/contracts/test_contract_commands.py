"""`laborsign contract example|check|schema|rules` through click, without a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.contracts.io import dump_contract, load_contract
from laborsign.contracts.model import TemplateId
from laborsign.contracts.rules import registered


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    # A data home that does not exist: no database, so minimum wages are "unknown".
    monkeypatch.setenv("LABORSIGN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LABORSIGN_DATABASE_URL", raising=False)

    def invoke(args: list[str], stdin: str | bytes | None = None) -> Result:
        return CliRunner().invoke(main, args, input=stdin)

    return invoke


def _example_json(**changes: object) -> str:
    data = json.loads(dump_contract(example_contract()))
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = data
        for key in parents:
            node = node[key]
        node[last] = value
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("template", ["general", "dispatch"])
def test_example_prints_valid_json_with_chinese(run, template: str) -> None:  # type: ignore[no-untyped-def]
    result = run(["contract", "example", "--template", template])
    assert result.exit_code == 0
    assert "张三" in result.output and "\\u" not in result.output
    assert load_contract(result.output) == example_contract(TemplateId(template))


def test_unknown_template_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    result = run(["contract", "example", "--template", "lease"])
    assert result.exit_code == 2


def test_check_example_passes_with_warnings(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.json"
    path.write_text(dump_contract(example_contract()), "utf-8")
    result = run(["contract", "check", str(path), "--today", "2025-12-01"])
    assert result.exit_code == 0, result.output
    assert "[MW-UNKNOWN]" in result.output  # no database: the wage is reported unknown
    assert "最低工资标准未知" in result.output and "minimum wage unknown" in result.output
    assert not (tmp_path / "home").exists()  # checking never creates a data home


def test_check_with_an_error_exits_1(run) -> None:  # type: ignore[no-untyped-def]
    text = _example_json(term__probation_end="2026-07-01")
    result = run(["contract", "check", "-", "--today", "2025-12-01"], text)
    assert result.exit_code == 1
    assert "错误 (ERROR) [LCL-19-1] term.probation_end" in result.output


def test_check_json_output(run) -> None:  # type: ignore[no-untyped-def]
    text = _example_json(term__probation_end="2026-07-01")
    result = run(["contract", "check", "-", "--json", "--today", "2025-12-01"], text)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 1
    assert report["findings"][0]["rule"] == "LCL-19-1"
    assert report["findings"][0]["field"] == "term.probation_end"


def test_check_english_only(run) -> None:  # type: ignore[no-untyped-def]
    text = _example_json(term__probation_end="2026-07-01")
    result = run(["contract", "check", "-", "--lang", "en", "--today", "2025-12-01"], text)
    assert "ERROR [LCL-19-1]" in result.output
    assert "试用期" not in result.output


@pytest.mark.parametrize(
    ("stdin", "named"),
    [
        ("not json", "JSON"),
        ("[]", "JSON"),
        (_example_json(template="lease"), "template"),
        (_example_json(pay__payday="fifteen"), "pay.payday"),
        (_example_json(term__start_date="2024-02-30"), "term.start_date"),
        (_example_json(worker__name="x" * 10_000_000), "worker.name"),
        (_example_json(worker__name="张\u0000三"), "worker.name"),
        (_example_json(worker__name="张\u202e三"), "worker.name"),
        (_example_json(surprise=1), "surprise"),
        ('{"number": "\\ud800"}', "JSON"),
    ],
    ids=[
        "not-json",
        "array",
        "template",
        "wrong-type",
        "impossible-date",
        "10MB-string",
        "nul",
        "bidi-override",
        "extra-field",
        "lone-surrogate",
    ],
)
def test_bad_input_exits_2_naming_the_field(run, stdin: str, named: str) -> None:  # type: ignore[no-untyped-def]
    result = run(["contract", "check", "-"], stdin)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert "Traceback" not in result.output
    assert len(result.output) < 5000  # the offending value is not echoed


def test_bad_bytes_exit_2(run) -> None:  # type: ignore[no-untyped-def]
    result = run(["contract", "check", "-"], b"\xff\xfe{")
    assert result.exit_code == 2
    assert "UTF-8" in result.stderr


def test_missing_file_exits_2(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run(["contract", "check", str(tmp_path / "none.json")]).exit_code == 2


def test_schema_and_rules_commands(run) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(run(["contract", "schema"]).output)
    assert schema["title"] == "Contract"
    table = run(["contract", "rules"]).output
    assert all(f"`{r.id}`" in table for r in registered())
