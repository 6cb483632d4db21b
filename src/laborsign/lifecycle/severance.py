"""Economic compensation (经济补偿) on termination, LCL Art. 47. Pure arithmetic.

- One month's wage for each full year of service; six months or more of a started year
  count as a year, less than six months as half a month (Art. 47(1)).
- The monthly wage is the average of the twelve months before the end (Art. 47(3)); the
  caller supplies it.
- When that wage exceeds three times the local average monthly wage of employees published
  by the municipal government, the compensation is paid at three times that average and for
  at most twelve years (Art. 47(2)); the caller supplies the published average when it
  applies (the platform has no table of them).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

CAP_YEARS = 12
CAP_MULTIPLE = Decimal(3)
CENT = Decimal("0.01")


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, the day clamped to the month's length."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def service_months(start: date, last_day: date) -> int:
    """Full months of service from `start` to `last_day`, both days worked."""
    if last_day < start:
        raise InvalidInput(
            Text("终止日期早于用工开始日期", "the end date is before the start of service"),
            field="terminated_on",
        )
    after = last_day + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    while add_months(start, months) > after:
        months -= 1
    return months


@dataclass(frozen=True, slots=True)
class Severance:
    months_of_service: int
    half_months: int  # the multiplier in half months' wages (after the cap)
    monthly_base: Decimal  # the wage the compensation is paid at (after the cap)
    capped: bool
    amount: Decimal

    @property
    def months_of_wage(self) -> Decimal:
        return Decimal(self.half_months) / 2


def half_months_for(months: int) -> int:
    """Art. 47(1): two half months per full year, two for ≥ 6 months, one for less."""
    years, rest = divmod(months, 12)
    return years * 2 + (2 if rest >= 6 else 1 if rest > 0 else 0)


def compute(months: int, monthly_wage: Decimal, local_average: Decimal | None = None) -> Severance:
    """The compensation for `months` of service at `monthly_wage`; `local_average` is the
    published local average monthly wage when the three-times cap is to be checked."""
    if months < 0 or monthly_wage < 0 or (local_average is not None and local_average <= 0):
        raise InvalidInput(
            Text("工龄、工资和社平工资不能为负", "service, wage and average must be positive"),
            field="monthly_wage",
        )
    half = half_months_for(months)
    base = monthly_wage
    capped = local_average is not None and monthly_wage > CAP_MULTIPLE * local_average
    if capped and local_average is not None:
        base = CAP_MULTIPLE * local_average
        half = min(half, CAP_YEARS * 2)
    amount = (base * half / 2).quantize(CENT, rounding=ROUND_HALF_UP)
    return Severance(months, half, base, capped, amount)


def years_of_service_text(months: int) -> Text:
    years, rest = divmod(months, 12)
    return Text(f"{years}年{rest}个月", f"{years} years {rest} months")
