"""Economic compensation (LCL Art. 47): worked examples and invariants."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.errors import InvalidInput
from laborsign.lifecycle.severance import compute, half_months_for, service_months

wages = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False)
months = st.integers(min_value=0, max_value=600)


@pytest.mark.parametrize(
    ("start", "last", "expected"),
    [
        (date(2020, 1, 1), date(2020, 12, 31), 12),
        (date(2020, 1, 1), date(2020, 12, 30), 11),
        # A month from 31 January runs to the day before 29 February (the clamped date).
        (date(2020, 1, 31), date(2020, 2, 27), 0),
        (date(2020, 1, 31), date(2020, 2, 28), 1),
        (date(2019, 3, 1), date(2021, 8, 31), 30),
    ],
)
def test_service_months(start: date, last: date, expected: int) -> None:
    assert service_months(start, last) == expected


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(InvalidInput):
        service_months(date(2020, 1, 2), date(2020, 1, 1))


@pytest.mark.parametrize(
    ("months", "half_months"),
    [(0, 0), (1, 1), (5, 1), (6, 2), (12, 2), (13, 3), (29, 5), (30, 6)],
)
def test_half_month_rule(months: int, half_months: int) -> None:
    assert half_months_for(months) == half_months


def test_the_three_times_cap_pays_three_averages_for_at_most_twelve_years() -> None:
    # 15 years at 40 000 where the local average is 10 000: 12 × 30 000.
    result = compute(180, Decimal("40000"), Decimal("10000"))
    assert result.capped and result.monthly_base == Decimal(30000)
    assert result.amount == Decimal("360000.00")
    # Below the cap, all 15 years count.
    assert compute(180, Decimal("20000"), Decimal("10000")).amount == Decimal("300000.00")


@given(months, wages)
def test_amount_is_half_months_times_half_the_wage(m: int, wage: Decimal) -> None:
    result = compute(m, wage)
    expected = (wage * half_months_for(m) / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert result.amount == expected
    assert not result.capped


@given(months, months, wages)
def test_longer_service_never_pays_less(a: int, b: int, wage: Decimal) -> None:
    short, long = sorted((a, b))
    assert compute(short, wage).amount <= compute(long, wage).amount


@given(months, wages, st.decimals(min_value=1, max_value=50000, places=2))
def test_capped_compensation_is_bounded(m: int, wage: Decimal, average: Decimal) -> None:
    result = compute(m, wage, average)
    assert result.amount <= max(compute(m, wage).amount, Decimal(0))
    if result.capped:
        assert result.amount <= (3 * average * 12).quantize(Decimal("0.01"))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)), months)
def test_months_counted_from_a_start_land_on_the_whole_month(start: date, m: int) -> None:
    from laborsign.lifecycle.severance import add_months

    last = add_months(start, m) - timedelta(days=1)
    if last >= start:
        assert service_months(start, last) == m
