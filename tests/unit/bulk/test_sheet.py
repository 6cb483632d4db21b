"""Template round trip, defensive reading of uploaded sheets and the quick look the upload
takes at them, without a database."""

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
from laborsign.bulk.sheet import (
    ROWS_STEP,
    SheetRefused,
    _rows_with_values,
    inspect_sheet,
    read_sheet,
)
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


# ---- the quick look at upload ---------------------------------------------------------------


def _with_blank_and_empty_rows() -> bytes:
    """Three filled rows, then a blank row, a row whose only cell is formatted but empty, and
    a fourth filled row."""
    book = openpyxl.load_workbook(io.BytesIO(filled_sheet(list(sample_contracts(4)))))
    sheet = book[DATA_SHEET]
    last = FIRST_DATA_ROW + 3
    sheet.move_range(f"A{last}:BZ{last}", rows=3)
    sheet.cell(last + 1, 1).number_format = "0.00"  # formatted, no value
    book.save(out := io.BytesIO())
    return out.getvalue()


def test_inspect_counts_the_rows_read_sheet_finds_without_reading_cells() -> None:
    for data in (filled_sheet(list(sample_contracts(3))), _with_blank_and_empty_rows()):
        shape = inspect_sheet(data)
        sheet = read_sheet(data)
        assert (shape.template, shape.rows) == (sheet.template, len(sheet.rows))


def test_inspect_refuses_what_read_sheet_refuses_for_its_structure() -> None:
    data = filled_sheet(list(sample_contracts(3)))
    with pytest.raises(SheetRefused, match="more than 2 rows"):
        inspect_sheet(data, max_rows=2)
    assert inspect_sheet(data, max_rows=3).rows == 3
    with pytest.raises(SheetRefused, match="no data rows"):
        inspect_sheet(filled_sheet([]))
    book = openpyxl.load_workbook(io.BytesIO(data))
    book[DATA_SHEET].delete_cols(1)  # the first column, a required one
    book.save(out := io.BytesIO())
    with pytest.raises(SheetRefused, match="missing required columns"):
        inspect_sheet(out.getvalue())
    foreign = openpyxl.Workbook()
    foreign.save(out := io.BytesIO())
    with pytest.raises(SheetRefused, match="not a bulk template"):
        inspect_sheet(out.getvalue())
    for junk in (b"name,id\n", _zip({"xl/workbook.xml": b"<not-xml"})):
        with pytest.raises(SheetRefused):
            inspect_sheet(junk)


class _Trickle(io.BytesIO):
    """A stream that hands out a few bytes at a time, whatever is asked: tags cut anywhere."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(7)


def test_row_count_does_not_depend_on_where_the_stream_is_cut() -> None:
    xml = (
        b'<worksheet xmlns:x="urn:x"><sheetData>'
        b'<row r="1"><c><v>1</v></c></row>'
        b'<row r="2" s="1"/>'  # formatted, empty
        b'<x:row r="3"><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>'
        b'<row r="4"><c s="2"/></row>'  # a formatted cell without a value
        b'<row r="5"><c><f>A1</f><v>2</v></c></row>'
        b"</sheetData><dataValidations><v>not in a row</v></dataValidations></worksheet>"
    )
    assert _rows_with_values(io.BytesIO(xml), 100) == 3
    assert _rows_with_values(_Trickle(xml), 100) == 3
    assert _rows_with_values(_Trickle(xml), 1) == 2  # stops once past the limit


def test_read_sheet_reports_the_rows_read_as_it_goes() -> None:
    data = filled_sheet(list(sample_contracts(ROWS_STEP * 2 + 1)))
    heard: list[int] = []
    assert len(read_sheet(data, on_rows=heard.append).rows) == ROWS_STEP * 2 + 1
    assert heard == [ROWS_STEP, ROWS_STEP * 2]
