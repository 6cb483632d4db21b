"""Calendar arithmetic for terms, probation, deadlines and ages — defined once, here.

Definitions (民法典 Art. 200–203 and Art. 1259):

* A period of N months that begins on day S (S counted, as a contract's first day is a
  working day) ends on the day before the same day-of-month N months later; when that
  month has no such day (a period from 31 January, or from 29 February into a common
  year), it ends on that month's last day. So 1 month from 1 March ends 31 March, 1 year
  from 1 January ends 31 December, and 1 month from 31 January ends on the last day of
  February. `period_end(S, N)` gives that last day.
* A term from S to E (both inclusive) is "at least N months" when E ≥ period_end(S, N).
  "以上/以下/以内" include the boundary, "不满/超过" exclude it.
* Ages: a person has "reached N full years" (已满 N 周岁) from the day after the Nth
  birthday — the reading of 民法典 Art. 201 (the first day is not counted) that courts use
  for 周岁; it is also the cautious one for the under-16 prohibition. A 29 February
  birthday falls on 28 February in common years.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (or earlier), clamped to that month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def period_end(start: date, months: int) -> date:
    """Last day of a period of `months` months that includes `start` (see module doc)."""
    index = start.year * 12 + start.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if start.day > days_in_month(year, month):
        return date(year, month, days_in_month(year, month))
    return date(year, month, start.day) - ONE_DAY


def lasts_at_least(start: date, end: date, months: int) -> bool:
    """Whether the inclusive span start..end is N months or longer."""
    return end >= period_end(start, months)


def birthday(birth: date, years: int) -> date:
    return add_months(birth, 12 * years)


def has_full_years(birth: date, years: int, on: date) -> bool:
    """已满 `years` 周岁 on `on`: from the day after that birthday (see module doc)."""
    return on > birthday(birth, years)
