"""One sheet row → a validated `Contract`, or the problems that stop it, by field path.

Pure code, no I/O: the employer block is handed in (the importing organisation's record).
Cells are converted by column kind first (a choice by its Chinese name, 是/否, an Excel date
or number), then the whole contract is validated by the model, so the messages are the same
as for a contract uploaded as JSON.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from laborsign.bulk.columns import TRUE_WORDS, Column, Kind
from laborsign.bulk.sheet import CellValue, SheetRow
from laborsign.contracts.io import FieldProblem, problems_of
from laborsign.contracts.model import Contract, Employer, TemplateId
from laborsign.i18n import Text


class _CellProblem(Exception):
    def __init__(self, message: Text) -> None:
        self.message = message


def _convert(column: Column, value: CellValue) -> object:
    if column.kind is Kind.CHOICE:
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        found = column.choice_value(text)
        if found is None:
            raise _CellProblem(Text("不是允许的取值", "not one of the allowed values"))
        return int(found) if found.isdigit() else found
    if column.kind is Kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        if str(value) in TRUE_WORDS:
            return TRUE_WORDS[str(value)]
        raise _CellProblem(Text("应为“是”或“否”", "should be 是 or 否"))
    if column.kind is Kind.DATE:
        return value.isoformat() if isinstance(value, date) else value
    if column.kind is Kind.NUMBER and isinstance(value, float):
        # The shortest text of Excel's binary float: 6500.1, not 6500.1000000000004.
        return Decimal(repr(value))
    if column.kind is Kind.INTEGER and isinstance(value, float) and value.is_integer():
        return int(value)
    if column.kind is Kind.TEXT and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _nest(flat: dict[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        target = out
        *parents, leaf = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return out


def to_contract(
    row: SheetRow, cols: tuple[Column, ...], template: TemplateId, employer: Employer
) -> Contract | list[FieldProblem]:
    by_path = {c.path: c for c in cols}
    flat: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for path, value in row.cells.items():
        try:
            flat[path] = _convert(by_path[path], value)
        except _CellProblem as exc:
            problems.append(FieldProblem(path, exc.message))
    if problems:
        return problems
    document = _nest(flat)
    document["template"] = template.value
    document["employer"] = employer.model_dump(mode="json", exclude_none=True)
    try:
        return Contract.model_validate(document)
    except ValidationError as exc:
        return problems_of(exc)
