"""Reading an uploaded sheet: untrusted bytes in, plain cell values out.

Defensive throughout: the upload must be a ZIP whose members stay within a size budget
(a small .xlsx can unpack to gigabytes), XML is parsed by openpyxl with defusedxml (no
entity expansion), the workbook is opened read-only with cached values only (a formula is
never evaluated; an uncached one reads as blank), and rows and columns are capped.

Reading every cell costs about 0.5 ms per row, too long for an upload request with
thousands of rows: `inspect_sheet` refuses what is plainly not a usable sheet in a fraction
of that (structure, template, columns, a row count from the raw XML), and `read_sheet` reads
the cells later, in the validation job.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

import openpyxl
from defusedxml import ElementTree
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
# `read_sheet` reports the rows read so far after each this many rows.
ROWS_STEP = 500
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


@dataclass(frozen=True, slots=True)
class SheetShape:
    """What `inspect_sheet` learns without reading the cells."""

    template: TemplateId
    # Data rows with a value in any cell: never fewer than `read_sheet` finds (a cell holding
    # only spaces counts here and is blank there), usually exactly as many.
    rows: int


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


def _too_many(max_rows: int) -> SheetRefused:
    return _refuse(
        f"行数超过上限 {max_rows}，请分多个文件上传", f"more than {max_rows} rows; split the sheet"
    )


def _no_rows() -> SheetRefused:
    return _refuse("工作表中没有数据行", "the sheet has no data rows")


def _data_sheet(book: Workbook) -> None:
    if DATA_SHEET not in book.sheetnames:
        raise _refuse(f"缺少“{DATA_SHEET}”工作表", f"the sheet {DATA_SHEET} is missing")


def read_sheet(
    data: bytes, *, max_rows: int = MAX_ROWS, on_rows: Callable[[int], None] | None = None
) -> Sheet:
    """The non-blank data rows of an uploaded template, by field path. `on_rows` hears the
    number of data rows read so far after every `ROWS_STEP` rows."""
    book = _open(data)
    try:
        template = _template_of(book)
        _data_sheet(book)
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
                raise _too_many(max_rows)
            found.append(SheetRow(number, cells))
            if on_rows is not None and len(found) % ROWS_STEP == 0:
                on_rows(len(found))
    finally:
        book.close()
    if not found:
        raise _no_rows()
    return Sheet(template, cols, tuple(found))


# ---- the quick look at upload ---------------------------------------------------------------

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Tags in a worksheet's XML, with or without a namespace prefix; names are capped so that a
# tag cut off at the end of a chunk is always within the tail carried to the next one.
_PREFIX = rb"(?:[A-Za-z_][\w.-]{0,31}:)?"
_ROW_TAG = re.compile(rb"<(/?)" + _PREFIX + rb"(row|sheetData)[\s/>]")
_VALUE_TAG = re.compile(rb"<" + _PREFIX + rb"(?:v|is)[\s/>]")
_TAIL = 64
_CHUNK = 1 << 20


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str:
    """The ZIP member holding the worksheet `name`, from the workbook and its relations."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception as exc:  # a missing part or broken XML: either way unreadable
        raise _refuse("无法读取该工作簿", "the workbook cannot be read") from exc
    rel_id = next((s.get(_REL_ID) for s in workbook.iter(_MAIN) if s.get("name") == name), None)
    target = next((r.get("Target") for r in relations.iter(_RELS) if r.get("Id") == rel_id), None)
    if not target:
        raise _refuse(f"缺少“{DATA_SHEET}”工作表", f"the sheet {DATA_SHEET} is missing")
    return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)


def _rows_with_values(stream: IO[bytes], stop_after: int) -> int:
    """Rows of the sheet's XML with a value (`<v>` or an inline string) in any cell, by
    scanning the bytes: a few percent of what parsing every cell costs. Stops counting once
    past `stop_after`."""
    rows, carry, opened, has_value = 0, b"", -1, False
    while True:
        chunk = stream.read(_CHUNK)
        buffer = carry + chunk
        end = len(buffer)
        if chunk:  # keep a tag that may be cut off for the next chunk
            cut = buffer.rfind(b"<", max(0, end - _TAIL))
            end = cut if cut >= 0 else end
        opened = 0 if opened >= 0 else -1  # a row still open continues at the start
        for tag in _ROW_TAG.finditer(buffer, 0, end):
            closing, name = tag.group(1), tag.group(2)
            if name == b"sheetData":
                if closing:
                    return rows
            elif not closing:
                opened, has_value = tag.end(), False
            elif opened >= 0:
                if has_value or _VALUE_TAG.search(buffer, opened, tag.start()):
                    rows += 1
                    if rows > stop_after:
                        return rows
                opened = -1
        if opened >= 0 and not has_value:
            has_value = _VALUE_TAG.search(buffer, opened, end) is not None
        carry = buffer[end:]
        if not chunk:
            return rows


def inspect_sheet(data: bytes, *, max_rows: int = MAX_ROWS) -> SheetShape:
    """Refuse at once what `read_sheet` would refuse for its structure: not an .xlsx, not a
    template of this platform, a missing required column, no data rows or too many. The
    cells themselves are not read."""
    book = _open(data)
    try:
        template = _template_of(book)
        _data_sheet(book)
        rows = book[DATA_SHEET].iter_rows(max_row=2, max_col=MAX_COLUMNS, values_only=True)
        header = tuple(next(rows, ()))
        paths = tuple(next(rows, ()))
        _mapping(header, paths, columns(template))
    finally:
        book.close()
    titles = sum(any(v is not None for v in row) for row in (header, paths))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = _sheet_part(archive, DATA_SHEET)
        try:
            with archive.open(part) as stream:
                found = _rows_with_values(stream, max_rows + titles) - titles
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise _refuse("无法读取该工作簿", "the workbook cannot be read") from exc
    if found > max_rows:
        raise _too_many(max_rows)
    if found <= 0:
        raise _no_rows()
    return SheetShape(template, found)
