"""The outside data rules need, behind small ports, and the context that carries them.

Rules never read the clock, a database or a file: the check date and the two ports come
in a `RuleContext`. The in-memory adapters here serve tests and callers without a
database; the SQL adapter for minimum wages lives in contracts/minimum_wage.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from laborsign.contracts.model import Region, TermType


@dataclass(frozen=True, slots=True)
class MinimumWage:
    """One published figure: `area` is '' province-wide, else a city or district name."""

    province: str
    area: str
    tier: int
    monthly: Decimal
    hourly: Decimal
    effective_from: date
    source: str

    @property
    def place(self) -> str:
        return self.province + self.area


class MinimumWages(Protocol):
    def lookup(self, region: Region, on: date) -> MinimumWage | None:
        """The figure in force at `on` for the most specific matching area, or None."""
        ...


def area_candidates(region: Region) -> list[str]:
    """Areas to try, most specific first.

    City + district comes first because district names repeat across cities of one province
    (e.g. two cities of a province may each have a 鼓楼区); an operator can disambiguate by
    loading the area as 城市名+区名.
    """
    out: list[str] = []
    if region.city and region.district:
        out.append(region.city + region.district)
    if region.district:
        out.append(region.district)
    if region.city:
        out.append(region.city)
    out.append("")
    return out


def most_specific(figures: Iterable[MinimumWage], region: Region, on: date) -> MinimumWage | None:
    """Pick the figure for `region` at `on`: most specific area, then latest effective_from.

    Shared by every adapter so that the database and the in-memory answer agree.
    """
    in_force = [f for f in figures if f.province == region.province and f.effective_from <= on]
    for area in area_candidates(region):
        matching = [f for f in in_force if f.area == area]
        if matching:
            return max(matching, key=lambda f: f.effective_from)
    return None


class InMemoryMinimumWages:
    def __init__(self, figures: Iterable[MinimumWage] = ()) -> None:
        self._figures = tuple(figures)

    def lookup(self, region: Region, on: date) -> MinimumWage | None:
        return most_specific(self._figures, region, on)


@dataclass(frozen=True, slots=True)
class EarlierContract:
    """What the rules need to know about a contract concluded before (same parties)."""

    number: str
    term_type: TermType
    start_date: date
    end_date: date | None = None  # planned or actual end; None while open-ended and running
    probation_end: date | None = None


class EarlierContracts(Protocol):
    def between(
        self, employer_credit_code: str, worker_id_number: str
    ) -> Sequence[EarlierContract]:
        """All contracts the platform knows between this employer and this worker."""
        ...


class InMemoryEarlierContracts:
    def __init__(
        self, contracts: dict[tuple[str, str], Sequence[EarlierContract]] | None = None
    ) -> None:
        self._contracts = dict(contracts or {})

    def between(
        self, employer_credit_code: str, worker_id_number: str
    ) -> Sequence[EarlierContract]:
        return tuple(self._contracts.get((employer_credit_code, worker_id_number.upper()), ()))


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything from outside the contract that a rule may use.

    `minimum_wages` is None when no figures are available at all (no database): the wage
    rules then say so rather than pass.
    """

    today: date
    minimum_wages: MinimumWages | None = None
    earlier_contracts: EarlierContracts = field(default_factory=InMemoryEarlierContracts)
