"""The written-contract deadline and the double-wage exposure, with properties across month
ends and leap years."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from laborsign.contracts.rules.periods import period_end
from laborsign.watch.deadlines import SigningStatus, months_and_days, signing_risk

WAGE = Decimal("6000.00")
starts = st.dates(min_value=date(2008, 1, 1), max_value=date(2040, 12, 31))
offsets = st.integers(min_value=0, max_value=800)
wages = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)


def test_worked_example_from_the_first_of_march() -> None:
    # Work began 1 March; due by 31 March; double wages from 1 April.
    risk = signing_risk(date(2025, 3, 1), None, date(2025, 5, 15), WAGE)
    assert risk.status is SigningStatus.OVERDUE
    assert risk.grace_end == date(2025, 3, 31)
    assert risk.double_wage_from == date(2025, 4, 1)
    assert risk.double_wage_to == date(2025, 5, 15)
    assert risk.days_without_contract == 76
    # April complete, then 15 of May's 31 days (1 May – 31 May is the second month).
    assert risk.double_wage_months == 1 + Decimal(15) / Decimal(31)
    assert risk.exposure == Decimal("8903.23")


def test_signed_late_counts_until_the_day_before_signing() -> None:
    risk = signing_risk(date(2025, 1, 10), date(2025, 3, 10), date(2025, 6, 1), WAGE)
    assert risk.status is SigningStatus.SIGNED_LATE
    assert (risk.double_wage_from, risk.double_wage_to) == (date(2025, 2, 10), date(2025, 3, 9))
    assert risk.double_wage_months == 1 and risk.exposure == WAGE


def test_a_full_year_without_a_contract_caps_at_eleven_months() -> None:
    risk = signing_risk(date(2024, 2, 1), None, date(2026, 1, 1), WAGE)
    assert risk.status is SigningStatus.DEEMED_OPEN_ENDED
    assert risk.deemed_open_ended_on == date(2025, 2, 1)
    assert risk.double_wage_to == date(2025, 1, 31)
    assert risk.double_wage_months == 11 and risk.exposure == 11 * WAGE


def test_february_29_start() -> None:
    # 1 month from 29 Feb 2024 ends 28 March; the year ends 28 Feb 2025.
    risk = signing_risk(date(2024, 2, 29), None, date(2025, 6, 1), WAGE)
    assert risk.grace_end == date(2024, 3, 28)
    assert risk.deemed_open_ended_on == date(2025, 3, 1)
    assert risk.exposure == 11 * WAGE


def test_in_grace_and_before_work_begins() -> None:
    due = signing_risk(date(2025, 1, 31), None, date(2025, 2, 25), WAGE)
    assert due.status is SigningStatus.IN_GRACE and due.grace_end == date(2025, 2, 28)
    assert due.days_left == 3 and due.exposure == 0
    early = signing_risk(date(2025, 1, 31), None, date(2025, 1, 1), WAGE)
    assert early.status is SigningStatus.NOT_STARTED and early.days_without_contract == 0


def test_without_a_known_wage_there_is_no_amount() -> None:
    risk = signing_risk(date(2025, 1, 1), None, date(2025, 4, 1))
    assert risk.exposure is None and risk.double_wage_days > 0


@given(starts, offsets, offsets, wages)
def test_exposure_is_monotone_in_today(start: date, a: int, b: int, wage: Decimal) -> None:
    early, late = sorted((a, b))
    first = signing_risk(start, None, start + timedelta(days=early), wage)
    second = signing_risk(start, None, start + timedelta(days=late), wage)
    assert first.exposure is not None and second.exposure is not None
    assert first.exposure <= second.exposure
    assert first.days_without_contract <= second.days_without_contract


@given(starts, offsets, wages)
def test_zero_within_the_grace_month(start: date, offset: int, wage: Decimal) -> None:
    today = start + timedelta(days=offset)
    risk = signing_risk(start, None, today, wage)
    if today <= period_end(start, 1):
        assert risk.exposure == 0 and risk.double_wage_from is None
    else:
        assert risk.exposure is not None and risk.exposure > 0


@given(starts, st.integers(min_value=0, max_value=3000), wages)
def test_capped_after_one_year(start: date, extra: int, wage: Decimal) -> None:
    year_end = period_end(start, 12)
    at_year = signing_risk(start, None, year_end, wage)
    later = signing_risk(start, None, year_end + timedelta(days=1 + extra), wage)
    assert later.exposure == at_year.exposure
    assert at_year.double_wage_months <= 11
    assert later.status is SigningStatus.DEEMED_OPEN_ENDED
    assert at_year.status is SigningStatus.OVERDUE


@given(starts, offsets, offsets)
def test_signing_freezes_the_exposure(start: date, sign_after: int, later: int) -> None:
    signed = start + timedelta(days=sign_after)
    at_signing = signing_risk(start, signed, signed, WAGE)
    afterwards = signing_risk(start, signed, signed + timedelta(days=later), WAGE)
    assert afterwards.exposure == at_signing.exposure
    # Signing on a day owes double wages up to the day before, as if unsigned then.
    unsigned = signing_risk(start, None, signed - timedelta(days=1), WAGE)
    if signed > start:
        assert at_signing.exposure == unsigned.exposure


@given(starts, st.integers(min_value=0, max_value=400))
def test_months_and_days_add_up(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    span = months_and_days(first, last)
    assert 0 <= span.days < span.days_in_last_month
    assert 28 <= span.days_in_last_month <= 31
    end_of_months = period_end(first, span.months) if span.months else first - timedelta(days=1)
    assert (last - end_of_months).days == span.days
