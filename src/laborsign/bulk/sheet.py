"""Reading an uploaded sheet: untrusted bytes in, plain cell values out.

Defensive throughout: the upload must be a ZIP whose members stay within a size budget
(a small .xlsx can unpack to gigabytes), XML is parsed by openpyxl with defusedxml (no
entity expansion), the workbook is opened read-only with cached values only (a formula is
never evaluated; an uncached one reads as blank), and rows and columns are capped.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
from openpyxl.workbook.workbook import Workbook

from laborsign.bulk.columns import HEADERS, Column, columns
from laborsign.bulk.template import DATA_SHEET, FIRST_DATA_ROW, MAGIC, MAX_ROWS, META_SHEET
from laborsign.contracts.model import TemplateId
from laborsign.errors import InvalidInput
from laborsign.i18n import Text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 5000
CellValue = str | int | float | bool | date | None


class SheetRefused(InvalidInput):
    """An upload that is not a readable bulk-issuance sheet (problem+json, 422)."""

    code = "bulk-sheet-refused"


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # the row number Excel shows
    cells: dict[str, CellValue]  # by field path; blank cells left out


@dataclass(frozen=True, slots=True)
class Sheet:
    template: TemplateId
    columns: tuple[Column, ...]
    rows: tuple[SheetRow, ...]


def _refuse(zh: str, en: str) -> SheetRefused:
    return SheetRefused(Text(zh, en), field="file")


def _check_zip(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(
            f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）",
            f"file too large (limit {MAX_UPLOAD_BYTES // 1024 // 1024} MB)",
        )
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse("不是 .xlsx 文件", "not an .xlsx file")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _refuse("文件结构异常（成员过多）", "malformed workbook (too many parts)")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise _refuse("文件解压后过大", "workbook too large when unpacked")
        if "xl/workbook.xml" not in {m.filename for m in members}:
            raise _refuse("不是 .xlsx 文件", "not an .xlsx file")


def _open(data: bytes) -> Workbook:
    _check_zip(data)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # any parser failure means the same thing to the uploader
        raise _refuse("无法读取该工作簿", "the workbook cannot be read") from exc


def _template_of(book: Workbook) -> TemplateId:
    if META_SHEET not in book.sheetnames:
        raise _refuse("不是本平台生成的批量模板（缺少 meta 工作表）", "not a bulk template")
    meta = {
        str(row[0]): str(row[1])
        for row in book[META_SHEET].iter_rows(max_row=10, max_col=2, values_only=True)
        if row and row[0] is not None and len(row) > 1
    }
    if MAGIC not in meta or meta.get("template") not in {t.value for t in TemplateId}:
        raise _refuse("不是本平台生成的批量模板", "not a bulk template of this platform")
    return TemplateId(meta["template"])


def _value(raw: object) -> CellValue:
    if raw is None or isinstance(raw, bool | int | float):
        return raw
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    return text[: MAX_CELL_CHARS + 1] or None  # one over: still reported as too long


def _mapping(
    header: tuple[object, ...], paths: tuple[object, ...], cols: tuple[Column, ...]
) -> dict[int, str]:
    """Column index → field path: by the hidden path row, else by the Chinese header."""
    known = {c.path for c in cols}
    by_header = {HEADERS[c.path]: c.path for c in cols}
    mapping: dict[int, str] = {}
    for index in range(max(len(header), len(paths))):
        path = str(paths[index]).strip() if index < len(paths) and paths[index] else ""
        if path not in known:
            title = str(header[index]) if index < len(header) and header[index] else ""
            path = by_header.get(title.strip().rstrip("*"), "")
        if path:
            if path in mapping.values():
                raise _refuse(f"列重复：{HEADERS[path]}", f"duplicate column {path}")
            mapping[index] = path
    missing = [c for c in cols if c.required and c.path not in mapping.values()]
    if missing:
        raise _refuse(
            "缺少必填列：" + "、".join(c.header for c in missing),
            "missing required columns: " + ", ".join(c.path for c in missing),
        )
    return mapping


def read_sheet(data: bytes, *, max_rows: int = MAX_ROWS) -> Sheet:
    """The non-blank data rows of an uploaded template, by field path."""
    book = _open(data)
    try:
        template = _template_of(book)
        if DATA_SHEET not in book.sheetnames:
            raise _refuse(f"缺少“{DATA_SHEET}”工作表", f"the sheet {DATA_SHEET} is missing")
        cols = columns(template)
        rows = book[DATA_SHEET].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = tuple(next(rows, ()))
        paths = tuple(next(rows, ()))
        mapping = _mapping(header, paths, cols)
        found: list[SheetRow] = []
        for number, raw in enumerate(rows, start=FIRST_DATA_ROW):
            cells: dict[str, CellValue] = {
                mapping[i]: value
                for i, cell in enumerate(raw)
                if i in mapping and (value := _value(cell)) is not None
            }
            if not cells:
                continue
            if len(found) >= max_rows:
                raise _refuse(
                    f"行数超过上限 {max_rows}，请分多个文件上传",
                    f"more than {max_rows} rows; split the sheet",
                )
            found.append(SheetRow(number, cells))
    finally:
        book.close()
    if not found:
        raise _refuse("工作表中没有数据行", "the sheet has no data rows")
    return Sheet(template, cols, tuple(found))
