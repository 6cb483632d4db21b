"""Month arithmetic, ages and the retirement-age table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.contracts.model import Sex
from laborsign.contracts.rules.periods import (
    add_months,
    has_full_years,
    lasts_at_least,
    period_end,
)
from laborsign.contracts.rules.retirement import retirement_date, track_for, tracks

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 1), 12, date(2026, 12, 31)),
        (date(2026, 3, 1), 1, date(2026, 3, 31)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 30), 1, date(2028, 2, 29)),
        (date(2026, 1, 28), 1, date(2026, 2, 27)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_period_end(start: date, months: int, end: date) -> None:
    assert period_end(start, months) == end


def test_add_months_clamps() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


@given(dates, st.integers(min_value=1, max_value=120))
def test_period_covers_start_and_ends_at_the_corresponding_day(start: date, months: int) -> None:
    end = period_end(start, months)
    assert end >= start
    following = end + timedelta(days=1)
    # The first day after the period is the corresponding day, or when the target month
    # has none, the first day of the month after it.
    corresponding = add_months(start, months)
    if corresponding.day == start.day:
        assert following == corresponding
    else:
        assert following.day == 1 and following.month != corresponding.month


@given(dates, dates, st.integers(min_value=1, max_value=60))
def test_period_end_is_monotonic(a: date, b: date, months: int) -> None:
    if a <= b:
        assert period_end(a, months) <= period_end(b, months)


@given(dates, st.integers(min_value=1, max_value=60))
def test_lasts_at_least_is_exact(start: date, months: int) -> None:
    end = period_end(start, months)
    assert lasts_at_least(start, end, months)
    assert not lasts_at_least(start, end - timedelta(days=1), months)


def test_full_years_from_the_day_after_the_birthday() -> None:
    birth = date(2010, 1, 1)
    assert not has_full_years(birth, 16, date(2026, 1, 1))
    assert has_full_years(birth, 16, date(2026, 1, 2))
    leap = date(2008, 2, 29)
    assert not has_full_years(leap, 18, date(2026, 2, 28))
    assert has_full_years(leap, 18, date(2026, 3, 1))


# Published table rows (2024 decision, tables 1–3): birth month → age in months.
@pytest.mark.parametrize(
    ("track", "birth", "age_months"),
    [
        ("male", date(1964, 12, 15), 720),
        ("male", date(1965, 1, 1), 721),
        ("male", date(1965, 4, 30), 721),
        ("male", date(1965, 5, 1), 722),
        ("male", date(1976, 8, 1), 755),
        ("male", date(1976, 9, 1), 756),
        ("male", date(1990, 1, 1), 756),
        ("female_55", date(1969, 12, 31), 660),
        ("female_55", date(1970, 1, 1), 661),
        ("female_55", date(1981, 9, 1), 696),
        ("female_50", date(1974, 12, 31), 600),
        ("female_50", date(1975, 1, 1), 601),
        ("female_50", date(1975, 2, 28), 601),
        ("female_50", date(1975, 3, 1), 602),
        ("female_50", date(1984, 11, 1), 660),
        ("female_50", date(1984, 10, 31), 659),
    ],
)
def test_retirement_age_table(track: str, birth: date, age_months: int) -> None:
    assert tracks()[track].age_months(birth) == age_months


def test_first_raised_men_retire_one_month_later() -> None:
    # Born January 1965: 60 years 1 month, retiring February 2025.
    assert retirement_date(date(1965, 1, 10), track_for(Sex.MALE, None)) == date(2025, 2, 10)


def test_women_default_to_the_fifty_track() -> None:
    assert track_for(Sex.FEMALE, None).id == "female_50"
    assert track_for(Sex.FEMALE, 55).id == "female_55"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2000, 12, 31)))
def test_retirement_age_never_decreases_with_later_birth(birth: date) -> None:
    for t in tracks().values():
        later = add_months(birth, 1)
        assert t.original_age_years * 12 <= t.age_months(birth) <= t.age_months(later)
        assert t.age_months(later) <= t.target_age_years * 12
