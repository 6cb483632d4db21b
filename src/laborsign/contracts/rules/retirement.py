"""Statutory retirement age by birth month, from the data in retirement_ages.json.

From 2025-01-01 the age rises by one month per step of birth months (4 months for men and
for women whose original age is 55, 2 months for women whose original age is 50) until the
target age. People born before the first raised birth month keep the original age. The
figures are data so that a later decision changes the JSON, not the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from laborsign.contracts.model import Sex
from laborsign.contracts.rules.periods import add_months


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    sex: Sex
    original_age_years: int
    target_age_years: int
    first_raised_year: int
    first_raised_month: int
    birth_months_per_step: int

    def age_months(self, birth: date) -> int:
        """Retirement age in months for someone born in `birth`'s month."""
        original = self.original_age_years * 12
        elapsed = (birth.year - self.first_raised_year) * 12 + birth.month - self.first_raised_month
        if elapsed < 0:
            return original
        raised = elapsed // self.birth_months_per_step + 1
        return min(original + raised, self.target_age_years * 12)


@cache
def tracks() -> dict[str, Track]:
    raw = json.loads(
        resources.files(__package__).joinpath("retirement_ages.json").read_text("utf-8")
    )
    out: dict[str, Track] = {}
    for t in raw["tracks"]:
        year, month = (int(p) for p in t["first_raised_birth_month"].split("-"))
        out[t["id"]] = Track(
            id=t["id"],
            sex=Sex(t["sex"]),
            original_age_years=int(t["original_age_years"]),
            target_age_years=int(t["target_age_years"]),
            first_raised_year=year,
            first_raised_month=month,
            birth_months_per_step=int(t["birth_months_per_step"]),
        )
    return out


def track_for(sex: Sex, female_original_age: int | None) -> Track:
    """Men: one track. Women: 55 (e.g. cadre posts) or 50; 50 when not stated (cautious)."""
    if sex is Sex.MALE:
        return tracks()["male"]
    return tracks()["female_55" if female_original_age == 55 else "female_50"]


def retirement_date(birth: date, track: Track) -> date:
    """The day the statutory retirement age is reached."""
    return add_months(birth, track.age_months(birth))


def describe_age(months: int) -> tuple[str, str]:
    years, rest = divmod(months, 12)
    if rest:
        return f"{years} 岁 {rest} 个月", f"{years} years {rest} month(s)"
    return f"{years} 岁", f"{years} years"
