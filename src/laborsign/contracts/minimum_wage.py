"""Minimum-wage figures: the SQL adapter of the `MinimumWages` port and the CSV loader.

Operators load the figures their province's government published (the platform ships
none). A load is all-or-nothing in one transaction; loading the same rows again changes
nothing, and a row that contradicts an already loaded figure is refused unless the
operator asks to replace it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from laborsign.contracts.model import Region
from laborsign.contracts.rules.ports import (
    MinimumWage,
    MinimumWages,
    area_candidates,
    most_specific,
)
from laborsign.contracts.tables import MinimumWageRow
from laborsign.db.uow import UnitOfWork
from laborsign.errors import InvalidInput
from laborsign.i18n import Text

COLUMNS = ("province", "area", "tier", "monthly", "hourly", "effective_from", "source")
MAX_ROWS = 100_000
_LIMITS = {"province": 50, "area": 100, "source": 500}
_MONEY = re.compile(r"^\d{1,8}(\.\d{1,2})?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def _figure(row: MinimumWageRow) -> MinimumWage:
    return MinimumWage(
        province=row.province,
        area=row.area,
        tier=row.tier,
        monthly=Decimal(row.monthly).quantize(Decimal("0.01")),
        hourly=Decimal(row.hourly).quantize(Decimal("0.01")),
        effective_from=row.effective_from,
        source=row.source,
    )


class SqlMinimumWages:
    """`MinimumWages` over the `minimum_wages` table."""

    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def lookup(self, region: Region, on: date) -> MinimumWage | None:
        with self._uow() as uow:
            rows = uow.session.scalars(
                select(MinimumWageRow).where(
                    MinimumWageRow.province == region.province,
                    MinimumWageRow.area.in_(area_candidates(region)),
                    MinimumWageRow.effective_from <= on,
                )
            ).all()
            # The choice itself is the shared pure function, so both adapters agree.
            return most_specific([_figure(r) for r in rows], region, on)


class RememberedMinimumWages:
    """`MinimumWages` that asks its source once per region and day: a bulk run checks
    thousands of contracts against the same few figures."""

    def __init__(self, source: MinimumWages) -> None:
        self._source = source
        self._known: dict[tuple[Region, date], MinimumWage | None] = {}

    def lookup(self, region: Region, on: date) -> MinimumWage | None:
        key = (region, on)
        if key not in self._known:
            self._known[key] = self._source.lookup(region, on)
        return self._known[key]


# ---- CSV ----------------------------------------------------------------------------


def _row_error(line: int, column: str, zh: str, en: str) -> tuple[int, Text]:
    return line, Text(f"第 {line} 行 {column}：{zh}", f"row {line}, {column}: {en}")


def _money(line: int, column: str, raw: str, errors: list[tuple[int, Text]]) -> Decimal:
    if not _MONEY.match(raw):
        errors.append(
            _row_error(line, column, "应为正数，最多两位小数", "expected an amount, 2 decimals")
        )
        return Decimal(0)
    value = Decimal(raw)
    if value <= 0:
        errors.append(_row_error(line, column, "应大于 0", "must be greater than 0"))
    return value


def _parse_row(line: int, row: dict[str, str], errors: list[tuple[int, Text]]) -> MinimumWage:
    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for column, limit in _LIMITS.items():
        if len(values[column]) > limit:
            errors.append(
                _row_error(line, column, f"超过 {limit} 个字符", f"longer than {limit} characters")
            )
        if _CONTROL.search(values[column]):
            errors.append(_row_error(line, column, "含有控制字符", "contains control characters"))
    for column in ("province", "source"):
        if not values[column]:
            errors.append(_row_error(line, column, "不能为空", "must not be empty"))
    tier = 0
    if values["tier"].isdigit() and 1 <= int(values["tier"]) <= 99:
        tier = int(values["tier"])
    else:
        errors.append(_row_error(line, "tier", "应为 1–99 的整数", "expected an integer 1–99"))
    monthly = _money(line, "monthly", values["monthly"], errors)
    hourly = _money(line, "hourly", values["hourly"], errors)
    if 0 < monthly <= hourly:
        errors.append(
            _row_error(line, "hourly", "小时标准不应高于月标准", "hourly exceeds monthly")
        )
    effective = date.min
    try:
        effective = date.fromisoformat(values["effective_from"])
    except ValueError:
        errors.append(
            _row_error(
                line, "effective_from", "应为真实日期 YYYY-MM-DD", "expected a date YYYY-MM-DD"
            )
        )
    return MinimumWage(
        province=values["province"],
        area=values["area"],
        tier=tier,
        monthly=monthly,
        hourly=hourly,
        effective_from=effective,
        source=values["source"],
    )


def _refuse(errors: Sequence[tuple[int, Text]]) -> InvalidInput:
    shown = [t for _, t in sorted(errors, key=lambda e: e[0])][:20]
    more = f"（另有 {len(errors) - 20} 处）" if len(errors) > 20 else ""
    more_en = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
    return InvalidInput(
        Text(
            "最低工资文件无效，未导入任何数据：" + "；".join(t.zh for t in shown) + more,
            "minimum-wage file invalid, nothing loaded: "
            + "; ".join(t.en for t in shown)
            + more_en,
        )
    )


def parse_csv(text: str) -> list[MinimumWage]:
    """Validate every row; raise one InvalidInput naming every bad row (1 = the header)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = tuple(reader.fieldnames or ())
    if sorted(header) != sorted(COLUMNS):
        raise InvalidInput(
            Text(
                f"表头应为：{','.join(COLUMNS)}",
                f"the header must be: {','.join(COLUMNS)}",
            )
        )
    errors: list[tuple[int, Text]] = []
    figures: list[MinimumWage] = []
    first_line: dict[tuple[str, str, date], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if len(figures) >= MAX_ROWS:
                errors.append(_row_error(line, "-", "行数过多", f"more than {MAX_ROWS} rows"))
                break
            if None in row:  # more cells than columns
                errors.append(_row_error(line, "-", "列数过多", "too many cells"))
            figure = _parse_row(line, row, errors)
            key = (figure.province, figure.area, figure.effective_from)
            if key in first_line:
                errors.append(
                    _row_error(
                        line,
                        "effective_from",
                        f"与第 {first_line[key]} 行重复（同一地区同一生效日期）",
                        f"duplicates row {first_line[key]} (same area and date)",
                    )
                )
            first_line.setdefault(key, line)
            figures.append(figure)
    except csv.Error as exc:
        errors.append(_row_error(reader.line_num, "-", "CSV 格式错误", f"malformed CSV ({exc})"))
    if errors:
        raise _refuse(errors)
    if not figures:
        raise InvalidInput(Text("文件中没有数据行", "the file has no data rows"))
    return figures


@dataclass(frozen=True, slots=True)
class LoadReport:
    added: int
    unchanged: int
    replaced: int


def _same(row: MinimumWageRow, figure: MinimumWage) -> bool:
    return _figure(row) == figure


def load_figures(
    uow: UnitOfWork, figures: Sequence[MinimumWage], *, now: datetime, replace: bool = False
) -> LoadReport:
    """Store the figures in one transaction; nothing is stored when any row conflicts."""
    added = unchanged = replaced = 0
    conflicts: list[tuple[int, Text]] = []
    with uow:
        session = uow.session
        for index, figure in enumerate(figures):
            existing = session.scalars(
                select(MinimumWageRow).where(
                    MinimumWageRow.province == figure.province,
                    MinimumWageRow.area == figure.area,
                    MinimumWageRow.effective_from == figure.effective_from,
                )
            ).one_or_none()
            if existing is None:
                session.add(
                    MinimumWageRow(
                        province=figure.province,
                        area=figure.area,
                        tier=figure.tier,
                        monthly=figure.monthly,
                        hourly=figure.hourly,
                        effective_from=figure.effective_from,
                        source=figure.source,
                        loaded_at=now,
                    )
                )
                added += 1
            elif _same(existing, figure):
                unchanged += 1
            elif replace:
                existing.tier, existing.monthly, existing.hourly = (
                    figure.tier,
                    figure.monthly,
                    figure.hourly,
                )
                existing.source, existing.loaded_at = figure.source, now
                replaced += 1
            else:
                conflicts.append(
                    _row_error(
                        index + 2,
                        "-",
                        "与已导入的同一地区同一生效日期的标准不同（如需更正请使用 --replace）",
                        "differs from the loaded figure for the same area and date "
                        "(use --replace to correct it)",
                    )
                )
            session.flush()
        if conflicts:
            raise _refuse(conflicts)
        uow.commit()
    return LoadReport(added, unchanged, replaced)


def list_figures(uow: UnitOfWork, province: str | None = None) -> list[MinimumWage]:
    with uow:
        query = select(MinimumWageRow).order_by(
            MinimumWageRow.province, MinimumWageRow.area, MinimumWageRow.effective_from
        )
        if province:
            query = query.where(MinimumWageRow.province == province)
        return [_figure(r) for r in uow.session.scalars(query)]
