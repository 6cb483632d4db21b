"""A record set keyed by the human-resources data-item codes (人社信息系统数据项代码).

Each contract becomes one record whose keys are data-item codes. Only codes whose name we
could source are used; docs/filing.md lists each code with its meaning and says where the
exact definition (length, value list) could not be sourced. Where a code's value list is
not known, the record carries the platform's own value (named in `VALUE_SOURCES`) rather
than a guessed national code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from laborsign.contracts.model import TermType
from laborsign.filing.schema import ContractRecord, FilingBatch

CODES_MEDIA_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class DataItem:
    code: str
    name_zh: str
    name_en: str
    value: Callable[[ContractRecord], str | None]
    # False: the code's name is sourced, its exact format or value list is not.
    definition_sourced: bool


def _end(record: ContractRecord) -> str | None:
    end = record.clauses.term.end_date
    return end.isoformat() if end and record.clauses.term.type is TermType.FIXED else None


def _wage(record: ContractRecord) -> str | None:
    wage = record.clauses.pay.monthly_wage
    return None if wage is None else f"{wage:.2f}"


ITEMS: list[DataItem] = [
    DataItem("aac003", "姓名", "name", lambda r: r.worker.name, True),
    DataItem("aac147", "证件号码", "ID number", lambda r: r.worker.id_number, True),
    DataItem(
        "aab998", "统一社会信用代码", "employer credit code", lambda r: r.employer.credit_code, True
    ),
    # Value list not sourced: the platform's term type (fixed, open_ended, task).
    DataItem("abc910", "合同类别", "contract category", lambda r: r.clauses.term.type.value, False),
    DataItem(
        "abc913",
        "合同开始日期",
        "contract start date",
        lambda r: r.clauses.term.start_date.isoformat(),
        True,
    ),
    DataItem("abc914", "合同终止日期", "contract end date", _end, True),
    # No termination is recorded by the platform yet: always null for now.
    DataItem("abc916", "解除日期", "termination date", lambda r: None, True),
    DataItem("abc917", "解除原因", "termination reason", lambda r: None, False),
    DataItem("aca111", "岗位工种", "position", lambda r: r.clauses.job.position, False),
    DataItem("bcc720", "月收入", "monthly income", _wage, False),
    # Value list not sourced: "1" dispatched, "0" not, as flags commonly are.
    DataItem(
        "abc955", "派遣标志", "dispatch flag", lambda r: "1" if r.clauses.dispatch else "0", False
    ),
    DataItem(
        "abc954",
        "用工单位",
        "host employer (dispatch)",
        lambda r: r.clauses.dispatch.host_name if r.clauses.dispatch else None,
        True,
    ),
]


def code_records(batch: FilingBatch) -> list[dict[str, str | None]]:
    return [{item.code: item.value(record) for item in ITEMS} for record in batch.contracts]


def codes_json(batch: FilingBatch) -> bytes:
    document = {
        "schema": "laborsign-data-item-codes/1.0",
        "batch_id": batch.batch_id,
        "generated_at": batch.generated_at.isoformat(),
        "records": code_records(batch),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
