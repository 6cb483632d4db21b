"""The written-contract deadline and the double-wage exposure (LCL Art. 10, 14(3), 82; 条例
Art. 5–7). Pure: the day of the computation (`today`) is passed in.

Periods follow laborsign.contracts.rules.periods (民法典 Art. 200–203):

* grace month: `用工之日` S to `period_end(S, 1)` — the written contract is due by then;
* double-wage period: from the day after the grace month until the day before signing, and
  at most until the day before the first anniversary, `period_end(S, 12)` (so at most
  11 months, 条例 Art. 7); while nothing is signed it runs until `today`;
* deemed open-ended: from the day after `period_end(S, 12)`, an open-ended contract is
  deemed concluded (LCL Art. 14(3), 条例 Art. 7).

Exposure convention (the second, additional wage the employer owes): one monthly wage for
each complete month of the double-wage period (months counted with `period_end` from its
first day), and for the incomplete last month the monthly wage pro rata by calendar days
of that month (days elapsed / days in that month-long period). Calendar-day pro rata needs
no holiday calendar and so never changes when the State Council moves a working day; the
working-day convention of 劳社部发〔2008〕3号 (monthly wage / 21.75 per working day) gives
slightly different partial-month figures and would need that calendar. Amounts are rounded
half up to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from laborsign.contracts.rules.periods import ONE_DAY, period_end

GRACE_MONTHS = 1
DEEMED_OPEN_ENDED_MONTHS = 12
MAX_DOUBLE_WAGE_MONTHS = DEEMED_OPEN_ENDED_MONTHS - GRACE_MONTHS
FEN = Decimal("0.01")


class SigningStatus(StrEnum):
    NOT_STARTED = "not_started"  # work has not begun yet
    IN_GRACE = "in_grace"  # no contract, still within the month
    SIGNED_IN_TIME = "signed_in_time"
    OVERDUE = "overdue"  # no contract, double wages accrue
    SIGNED_LATE = "signed_late"  # signed after the month: double wages were owed
    DEEMED_OPEN_ENDED = "deemed_open_ended"  # a full year without a contract


@dataclass(frozen=True, slots=True)
class MonthsAndDays:
    """A span as complete months plus the elapsed part of the next month."""

    months: int
    days: int
    days_in_last_month: int  # length of the incomplete month (28–31), for the pro rata

    @property
    def fraction(self) -> Decimal:
        """Months as a decimal: complete months + days / days of that month."""
        if self.days == 0:
            return Decimal(self.months)
        return Decimal(self.months) + Decimal(self.days) / Decimal(self.days_in_last_month)


def months_and_days(first: date, last: date) -> MonthsAndDays:
    """The inclusive span first..last as complete months (periods.period_end) and days."""
    if last < first:
        return MonthsAndDays(0, 0, 0)
    months = 0
    while period_end(first, months + 1) <= last:
        months += 1
    month_end = period_end(first, months) if months else first - ONE_DAY
    next_end = period_end(first, months + 1)
    return MonthsAndDays(months, (last - month_end).days, (next_end - month_end).days)


@dataclass(frozen=True, slots=True)
class SigningRisk:
    """Where a worker stands with the written contract on `today`."""

    employment_start: date
    signed_on: date | None
    today: date
    status: SigningStatus
    grace_end: date  # the contract is due by this day (inclusive)
    days_left: int | None  # days until grace_end while in grace (0 on the last day)
    days_without_contract: int  # days worked so far without a written contract
    double_wage_from: date | None
    double_wage_to: date | None  # inclusive; None when no double wage accrued
    double_wage_days: int
    double_wage_months: Decimal  # complete months + pro rata part (0–11)
    exposure: Decimal | None  # yuan; None when the monthly wage is not known
    deemed_open_ended_on: date  # the first day an open-ended contract is deemed concluded


def signing_risk(
    employment_start: date,
    signed_on: date | None,
    today: date,
    monthly_wage: Decimal | None = None,
) -> SigningRisk:
    """The deadline, the days without a contract and the double-wage exposure on `today`."""
    start = employment_start
    grace_end = period_end(start, GRACE_MONTHS)
    year_end = period_end(start, DEEMED_OPEN_ENDED_MONTHS)
    # The last day without a written contract that counts so far.
    signed_effective = signed_on if signed_on is not None and signed_on <= today else None
    last_without = (signed_effective - ONE_DAY) if signed_effective else today
    days_without = max(0, (last_without - start).days + 1)
    first_double = grace_end + ONE_DAY
    last_double = min(last_without, year_end)
    span = months_and_days(first_double, last_double)
    if last_double < first_double:
        double_from: date | None = None
        double_to: date | None = None
        double_days = 0
    else:
        double_from, double_to = first_double, last_double
        double_days = (last_double - first_double).days + 1
    months = span.fraction
    exposure = None
    if monthly_wage is not None:
        exposure = (monthly_wage * months).quantize(FEN, rounding=ROUND_HALF_UP)
    if today < start:
        status = SigningStatus.NOT_STARTED
    elif signed_effective is not None:
        if signed_effective <= grace_end:
            status = SigningStatus.SIGNED_IN_TIME
        elif signed_effective <= year_end:
            status = SigningStatus.SIGNED_LATE
        else:  # the day before signing completed a full year without a contract
            status = SigningStatus.DEEMED_OPEN_ENDED
    elif today <= grace_end:
        status = SigningStatus.IN_GRACE
    elif today <= year_end:
        status = SigningStatus.OVERDUE
    else:
        status = SigningStatus.DEEMED_OPEN_ENDED
    days_left = (grace_end - today).days if status is SigningStatus.IN_GRACE else None
    return SigningRisk(
        employment_start=start,
        signed_on=signed_effective,
        today=today,
        status=status,
        grace_end=grace_end,
        days_left=days_left,
        days_without_contract=days_without,
        double_wage_from=double_from,
        double_wage_to=double_to,
        double_wage_days=double_days,
        double_wage_months=months,
        exposure=exposure,
        deemed_open_ended_on=year_end + ONE_DAY,
    )
