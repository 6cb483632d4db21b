"""The .xlsx template HR fills: one row per worker, headers in Chinese.

Sheet 合同数据: row 1 the Chinese headers (required ones marked *), row 2 the field paths
(hidden; what the upload maps columns by, so a reordered or renamed header still reads),
data from row 3 on, with drop-down lists for choices, date and number formats. Sheet 填写说明
explains each column; sheet 示例 holds a filled example row; the hidden sheet meta names the
model text the sheet is for.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from laborsign.bulk.columns import Column, Kind, columns
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, TemplateId

DATA_SHEET = "合同数据"
EXAMPLE_SHEET = "示例"
HELP_SHEET = "填写说明"
META_SHEET = "meta"
MAGIC = "laborsign-bulk"
FORMAT_VERSION = "1"
HEADER_ROW, PATH_ROW, FIRST_DATA_ROW = 1, 2, 3
# Validation lists and formats cover this many data rows (the upload limit).
MAX_ROWS = 20000
DATE_FORMAT = "yyyy-mm-dd"
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")

_KIND_HELP = {
    Kind.TEXT: "文本",
    Kind.DATE: "日期（YYYY-MM-DD）",
    Kind.NUMBER: "数字（最多两位小数）",
    Kind.INTEGER: "整数",
    Kind.BOOLEAN: "是 / 否",
    Kind.CHOICE: "从下拉列表中选择",
}


CellInput = str | int | float | date | None


def cell_value(column: Column, contract: Contract) -> CellInput:
    """The value a sheet cell shows for a contract's field (choices by their Chinese name)."""
    value: object = contract.model_dump()
    for part in column.path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if value is None or value == "":
        return None
    if column.kind is Kind.CHOICE:
        raw = str(value.value if hasattr(value, "value") else value)
        return dict(column.choices).get(raw, raw)
    if column.kind is Kind.BOOLEAN:
        return "是" if value else "否"
    if column.kind is Kind.NUMBER and isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | int | float | str):
        return value
    return str(value)


def _header(sheet: Worksheet, cols: tuple[Column, ...]) -> None:
    for index, column in enumerate(cols, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(f"{column.path}\n{_KIND_HELP[column.kind]}", "LaborSign")
        if column.required:
            cell.fill = _REQUIRED_FILL
        sheet.cell(PATH_ROW, index, column.path)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2)
    sheet.row_dimensions[PATH_ROW].hidden = True
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"


def _formats(sheet: Worksheet, cols: tuple[Column, ...], rows: int) -> None:
    last = FIRST_DATA_ROW + rows - 1
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        area = f"{letter}{FIRST_DATA_ROW}:{letter}{last}"
        rule: DataValidation | None
        if column.kind is Kind.CHOICE or column.kind is Kind.BOOLEAN:
            names = [n for _, n in column.choices] if column.choices else ["是", "否"]
            rule = DataValidation(
                type="list", formula1='"' + ",".join(names) + '"', allow_blank=True
            )
            rule.error = "请从下拉列表中选择"
            rule.errorTitle = column.header
        elif column.kind is Kind.DATE:
            rule = DataValidation(type="date", operator="greaterThan", formula1="1")
            rule.error = "请输入日期（YYYY-MM-DD）"
        elif column.kind in (Kind.NUMBER, Kind.INTEGER):
            rule = DataValidation(
                type="whole" if column.kind is Kind.INTEGER else "decimal",
                operator="greaterThanOrEqual",
                formula1="0",
            )
            rule.error = "请输入不小于 0 的数字"
        else:
            rule = None
        if rule is not None:
            rule.showErrorMessage = True
            rule.add(area)
            sheet.add_data_validation(rule)
        # Column styles keep every cell of the column formatted without writing each cell.
        style = sheet.column_dimensions[letter]
        if column.kind is Kind.DATE:
            style.number_format = DATE_FORMAT
        elif column.kind is Kind.NUMBER:
            style.number_format = "0.00"
        elif column.kind is Kind.TEXT:
            # Text, so that an ID or phone number is not turned into a rounded number.
            style.number_format = "@"


def _write_row(sheet: Worksheet, row: int, cols: tuple[Column, ...], contract: Contract) -> None:
    for index, column in enumerate(cols, start=1):
        value = cell_value(column, contract)
        cell = sheet.cell(row, index, value)
        if column.kind is Kind.DATE:
            cell.number_format = DATE_FORMAT
        elif column.kind is Kind.TEXT:
            cell.number_format = "@"


def _help(sheet: Worksheet, template: TemplateId, cols: tuple[Column, ...]) -> None:
    title = "劳动合同（通用）" if template is TemplateId.GENERAL else "劳动合同（劳务派遣）"
    lines = [
        f"批量签发模板：{title}",
        "在“合同数据”工作表中每行填写一名劳动者的一份合同，第 3 行起填写；不要修改第 1、2 行。",
        "带 * 的列为必填；选项列请从下拉列表中选择；日期格式为 YYYY-MM-DD；金额单位为元。",
        "甲方（用人单位）信息取自本单位的登记信息，无需填写。",
        "上传后平台逐行校验（格式与劳动法规则），返回逐行报告；全部通过后才会创建合同。",
        "“示例”工作表有一行填好的示例，可参照填写。",
        "",
    ]
    for number, line in enumerate(lines, start=1):
        sheet.cell(number, 1, line)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    start = len(lines) + 1
    for offset, heading in enumerate(("列名", "字段", "必填", "类型", "可选值")):
        sheet.cell(start, offset + 1, heading).font = Font(bold=True)
    for number, column in enumerate(cols, start=start + 1):
        sheet.cell(number, 1, column.header)
        sheet.cell(number, 2, column.path)
        sheet.cell(number, 3, "是" if column.required else "否")
        sheet.cell(number, 4, _KIND_HELP[column.kind])
        sheet.cell(number, 5, "、".join(name for _, name in column.choices))
    for letter, width in zip("ABCDE", (36, 40, 8, 22, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def build_template(template: TemplateId, *, rows: int = MAX_ROWS) -> Workbook:
    cols = columns(template)
    book = Workbook()
    data = book.create_sheet(DATA_SHEET, 0)
    book.remove(book.worksheets[1])  # the empty default sheet
    data.title = DATA_SHEET
    _header(data, cols)
    _formats(data, cols, rows)
    _help(book.create_sheet(HELP_SHEET), template, cols)
    example = book.create_sheet(EXAMPLE_SHEET)
    _header(example, cols)
    _write_row(example, FIRST_DATA_ROW, cols, example_contract(template))
    meta = book.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = MAGIC, FORMAT_VERSION
    meta["A2"], meta["B2"] = "template", template.value
    meta.sheet_state = "hidden"
    book.active = 0
    return book


def template_bytes(template: TemplateId) -> bytes:
    out = io.BytesIO()
    build_template(template).save(out)
    return out.getvalue()
