"""Template round trip and defensive reading of uploaded sheets, without a database."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborsign.bulk.columns import Kind, columns
from laborsign.bulk.rows import to_contract
from laborsign.bulk.sample import filled_sheet, resident_id, sample_contracts
from laborsign.bulk.sheet import SheetRefused, read_sheet
from laborsign.bulk.template import (
    DATA_SHEET,
    EXAMPLE_SHEET,
    FIRST_DATA_ROW,
    HELP_SHEET,
    PATH_ROW,
    template_bytes,
)
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, TemplateId


def test_template_has_chinese_headers_hidden_paths_lists_and_an_example() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(TemplateId.DISPATCH)))
    assert {DATA_SHEET, HELP_SHEET, EXAMPLE_SHEET} <= set(book.sheetnames)
    sheet = book[DATA_SHEET]
    cols = columns(TemplateId.DISPATCH)
    assert [sheet.cell(1, i + 1).value for i in range(len(cols))] == [c.title for c in cols]
    assert [sheet.cell(PATH_ROW, i + 1).value for i in range(len(cols))] == [c.path for c in cols]
    assert sheet.row_dimensions[PATH_ROW].hidden
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert '"固定期限,无固定期限,以完成一定工作任务为期限"' in lists
    assert any(c.path == "dispatch.host_name" for c in cols)
    assert not any(c.path.startswith("employer.") for c in cols)


@pytest.mark.parametrize("template", list(TemplateId))
def test_example_sheet_reads_back_as_the_example_contract(template: TemplateId) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes(template)))
    data, example = book[DATA_SHEET], book[EXAMPLE_SHEET]
    for column in range(1, example.max_column + 1):
        data.cell(FIRST_DATA_ROW, column, example.cell(FIRST_DATA_ROW, column).value)
    out = io.BytesIO()
    book.save(out)
    sheet = read_sheet(out.getvalue())
    expected = example_contract(template)
    assert sheet.template is template
    assert to_contract(sheet.rows[0], sheet.columns, template, expected.employer) == expected


@settings(max_examples=4, deadline=None)
@given(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=5000))
def test_filled_rows_round_trip(count: int, offset: int) -> None:
    contracts = [
        c.model_copy(update={"number": f"N-{offset + i}"})
        for i, c in enumerate(sample_contracts(count))
    ]
    sheet = read_sheet(filled_sheet(contracts))
    back = [
        to_contract(r, sheet.columns, sheet.template, contracts[0].employer) for r in sheet.rows
    ]
    assert back == contracts
    assert [r.number for r in sheet.rows] == list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + count))


def test_resident_ids_are_valid_and_distinct() -> None:
    from stdnum.cn import ric

    numbers = [resident_id(n) for n in range(0, 30000, 7)]
    assert len(set(numbers)) == len(numbers)
    assert all(ric.is_valid(n) for n in numbers)


def test_bad_cells_are_reported_by_field() -> None:
    contract = next(sample_contracts(1))
    book = openpyxl.load_workbook(io.BytesIO(filled_sheet([contract])))
    sheet = book[DATA_SHEET]
    cols = columns(TemplateId.GENERAL)
    by_path = {c.path: i + 1 for i, c in enumerate(cols)}
    sheet.cell(FIRST_DATA_ROW, by_path["term.type"], "永久")
    sheet.cell(FIRST_DATA_ROW, by_path["pay.payday"], "十五")
    sheet.cell(FIRST_DATA_ROW, by_path["term.start_date"]).value = None
    out = io.BytesIO()
    book.save(out)
    parsed = read_sheet(out.getvalue())
    result = to_contract(parsed.rows[0], parsed.columns, parsed.template, contract.employer)
    assert not isinstance(result, Contract)
    assert {p.path for p in result} == {"term.type"}  # cell conversion stops first
    sheet.cell(FIRST_DATA_ROW, by_path["term.type"], "固定期限")
    book.save(out := io.BytesIO())
    parsed = read_sheet(out.getvalue())
    result = to_contract(parsed.rows[0], parsed.columns, parsed.template, contract.employer)
    assert not isinstance(result, Contract)
    assert {p.path for p in result} == {"pay.payday", "term.start_date"}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"name,id\n",  # CSV
        b"%PDF-1.7\n",
        _zip({"hello.txt": b"hi"}),  # a ZIP, not a workbook
        _zip({"xl/workbook.xml": b"<not-xml"}),  # a broken workbook
        _zip({"xl/workbook.xml": b"\0" * (401 * 1024 * 1024)}),  # a ZIP bomb
    ],
    ids=["csv", "pdf", "zip", "broken", "bomb"],
)
def test_unreadable_uploads_are_refused(data: bytes) -> None:
    with pytest.raises(SheetRefused):
        read_sheet(data)


def test_a_foreign_workbook_is_refused() -> None:
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SheetRefused):
        read_sheet(out.getvalue())


def test_row_limit() -> None:
    data = filled_sheet(list(sample_contracts(3)))
    with pytest.raises(SheetRefused):
        read_sheet(data, max_rows=2)
    assert len(read_sheet(data, max_rows=3).rows) == 3


def test_formulas_are_not_evaluated() -> None:
    contract = next(sample_contracts(1))
    book = openpyxl.load_workbook(io.BytesIO(filled_sheet([contract])))
    cols = columns(TemplateId.GENERAL)
    column = next(i + 1 for i, c in enumerate(cols) if c.path == "job.duties")
    book[DATA_SHEET].cell(FIRST_DATA_ROW, column, '=WEBSERVICE("http://127.0.0.1/")')
    book.save(out := io.BytesIO())
    row = read_sheet(out.getvalue()).rows[0]
    assert "job.duties" not in row.cells  # no cached value: read as blank, never computed
    assert all(c.kind in set(Kind) for c in cols)
