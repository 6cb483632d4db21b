"""Filled sheets of distinct valid rows, for the benchmark, the tests and demonstrations."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta

from openpyxl import load_workbook
from stdnum.cn import ric

from laborsign.bulk.columns import columns
from laborsign.bulk.template import DATA_SHEET, FIRST_DATA_ROW, cell_value, template_bytes
from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, Employer, TemplateId


def resident_id(n: int) -> str:
    """A valid resident ID number, distinct for each n below 999 × 3650."""
    born = date(1985, 1, 1) + timedelta(days=n // 999)
    base = f"110101{born:%Y%m%d}{n % 999 + 1:03d}"
    return base + ric.calc_check_digit(base + "0")


def sample_contracts(
    count: int, *, employer: Employer | None = None, prefix: str = "BULK"
) -> Iterator[Contract]:
    example = example_contract()
    for n in range(count):
        worker = example.worker.model_copy(
            update={"name": f"劳动者{n:05d}", "id_number": resident_id(n)}
        )
        yield example.model_copy(
            update={
                "number": f"{prefix}-{n:06d}",
                "worker": worker,
                "employer": employer or example.employer,
            }
        )


def filled_sheet(contracts: Iterator[Contract] | list[Contract]) -> bytes:
    """The general template with one row per contract."""
    book = load_workbook(io.BytesIO(template_bytes(TemplateId.GENERAL)))
    sheet = book[DATA_SHEET]
    cols = columns(TemplateId.GENERAL)
    for offset, contract in enumerate(contracts):
        for index, column in enumerate(cols, start=1):
            value = cell_value(column, contract)
            if value is not None:
                sheet.cell(FIRST_DATA_ROW + offset, index, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
