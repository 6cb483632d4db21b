"""The employee roster (职工名册, 条例 Art. 8) as an .xlsx workbook, from a filing batch.

Art. 8 lists: name, sex, resident ID number, household address and current address,
contact, form of employment, start of employment, contract term. One row per contract
of the batch; the columns carry Chinese headers (HR works in Excel, in Chinese) with the
English name in a second header row.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from laborsign.contracts.model import EmploymentForm, IdDocumentType, Sex, TermType
from laborsign.filing.schema import ContractRecord, FilingBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "职工名册"

_SEX = {Sex.MALE: "男", Sex.FEMALE: "女"}
_ID_TYPE = {
    IdDocumentType.RESIDENT_ID: "居民身份证",
    IdDocumentType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    IdDocumentType.FOREIGN_PERMANENT_RESIDENCE: "外国人永久居留身份证",
    IdDocumentType.PASSPORT: "护照",
}
_FORM = {EmploymentForm.FULL_TIME: "全日制", EmploymentForm.PART_TIME: "非全日制"}
_TERM = {
    TermType.FIXED: "固定期限",
    TermType.OPEN_ENDED: "无固定期限",
    TermType.TASK: "以完成一定工作任务为期限",
}


def _term(record: ContractRecord) -> str:
    term = record.clauses.term
    if term.type is TermType.FIXED and term.end_date is not None:
        return f"{_TERM[term.type]}（{term.start_date} 至 {term.end_date}）"
    return f"{_TERM[term.type]}（自 {term.start_date} 起）"


Column = tuple[str, str, Callable[[ContractRecord], str]]
COLUMNS: list[Column] = [
    ("姓名", "name", lambda r: r.worker.name),
    ("性别", "sex", lambda r: _SEX[r.worker.sex] if r.worker.sex else ""),
    ("证件类型", "ID document type", lambda r: _ID_TYPE[r.worker.id_type]),
    ("证件号码", "ID number", lambda r: r.worker.id_number),
    ("户籍地址", "household address", lambda r: r.worker.household_address),
    ("经常居住地址", "current address", lambda r: r.worker.residence_address),
    ("联系方式", "contact", lambda r: r.worker.phone),
    ("用工形式", "form of employment", lambda r: _FORM[r.clauses.employment_form]),
    ("用工起始时间", "start of employment", lambda r: r.clauses.employment_start.isoformat()),
    ("劳动合同期限", "contract term", _term),
    ("劳动合同编号", "contract number", lambda r: r.number),
]
HEADERS = [zh for zh, _, _ in COLUMNS]


def roster_xlsx(batch: FilingBatch) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # a new workbook always has its first sheet
        raise RuntimeError("openpyxl created a workbook without a sheet")
    sheet.title = SHEET
    sheet.append(HEADERS)
    sheet.append([en for _, en, _ in COLUMNS])
    for cell in (*sheet[1], *sheet[2]):
        cell.font = Font(bold=True)
    for record in batch.contracts:
        # ID numbers and phones as text: Excel would turn 18 digits into a rounded number.
        sheet.append([value(record) for _, _, value in COLUMNS])
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A3"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
