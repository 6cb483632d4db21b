"""The row-by-row report as a sheet: each uploaded row with its findings beside it."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from laborsign.bulk.columns import Column
from laborsign.bulk.sheet import SheetRow
from laborsign.bulk.validation import ERROR, Problem

_RESULT = {"invalid": "不通过", "pending": "通过", "done": "已创建", "failed": "创建失败"}
_ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
_WARNING_FILL = PatternFill("solid", fgColor="FFE699")


def _describe(problems: list[Problem]) -> str:
    return "\n".join(
        f"[{'错误' if p['severity'] == ERROR else '提示'}] {p['field'] or '（行）'}：{p['zh']}"
        f" / {p['en']}"
        for p in problems
    )


def report_bytes(
    columns: tuple[Column, ...],
    rows: Iterable[SheetRow],
    outcomes: dict[int, tuple[str, list[Problem]]],
) -> bytes:
    """`outcomes` maps a sheet row number to the row's state and problems."""
    book = Workbook()
    sheet = book.active
    if sheet is None:  # pragma: no cover - a new workbook always has one
        raise RuntimeError("no sheet")
    sheet.title = "校验报告"
    sheet.append(["行号", "结果", "问题（字段：说明）", *(c.title for c in columns)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        state, problems = outcomes.get(row.number, ("invalid", []))
        sheet.append(
            [
                row.number,
                _RESULT.get(state, state),
                _describe(problems),
                *(row.cells.get(c.path) for c in columns),
            ]
        )
        if problems:
            worst = any(p["severity"] == ERROR for p in problems)
            sheet.cell(sheet.max_row, 3).fill = _ERROR_FILL if worst else _WARNING_FILL
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "D2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
