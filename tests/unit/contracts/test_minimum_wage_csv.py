"""Parsing the operator's minimum-wage CSV: every bad row is named, nothing half-read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from laborsign.contracts.minimum_wage import parse_csv
from laborsign.errors import InvalidInput

HEADER = "province,area,tier,monthly,hourly,effective_from,source\n"


def test_parses_rows() -> None:
    figures = parse_csv("\ufeff" + HEADER + "某省,,2,1800.50,17,2025-03-01,fixture notice\n")
    assert len(figures) == 1
    f = figures[0]
    assert (f.province, f.area, f.tier) == ("某省", "", 2)
    assert (f.monthly, f.hourly, f.effective_from) == (
        Decimal("1800.50"),
        Decimal("17"),
        date(2025, 3, 1),
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("某省,,x,1800,17,2025-03-01,s", "row 2, tier"),
        ("某省,,1,-5,17,2025-03-01,s", "row 2, monthly"),
        ("某省,,1,1800.123,17,2025-03-01,s", "row 2, monthly"),
        ("某省,,1,1800,0,2025-03-01,s", "row 2, hourly"),
        ("某省,,1,1800,2000,2025-03-01,s", "row 2, hourly"),
        ("某省,,1,1800,17,2025-02-30,s", "row 2, effective_from"),
        (",,1,1800,17,2025-03-01,s", "row 2, province"),
        ("某省,,1,1800,17,2025-03-01,", "row 2, source"),
        ("某省,,1,1800,17,2025-03-01,s\x07", "row 2, source"),
        ("某省,,1,1800,17,2025-03-01,s,extra", "row 2, -"),
    ],
)
def test_bad_row_is_named(row: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_csv(HEADER + row + "\n")
    assert expected in caught.value.message.en
    assert "第 2 行" in caught.value.message.zh


def test_every_bad_row_is_reported_at_once() -> None:
    text = (
        HEADER
        + "某省,,1,1800,17,2025-03-01,s\n某省,,x,1800,17,2025-03-01,s\n某省,,1,y,17,2025-04-01,s\n"
    )
    with pytest.raises(InvalidInput) as caught:
        parse_csv(text)
    message = caught.value.message.en
    assert "row 3, tier" in message and "row 3, effective_from" in message  # duplicate of row 2
    assert "row 4, monthly" in message


@pytest.mark.parametrize(
    "text", ["", "a,b\n1,2\n", HEADER, "province,area,tier,monthly,hourly,effective_from\n"]
)
def test_wrong_header_or_no_rows(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_csv(text)
