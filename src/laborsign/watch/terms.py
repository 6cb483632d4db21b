"""Running contracts: fixed terms ending soon, probation ending soon, and the open-ended
entitlement at renewal (LCL Art. 14(2)). Pure: `today` is passed in.

The entitlement reuses the rules' history helpers (`continuous_chain`, the 2008-01-01
start of counting and the ten-year service length), evaluated for a renewal that would
start the day after the running contract ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from laborsign.contracts.model import TermType
from laborsign.contracts.rules.history import (
    LCL_IN_FORCE,
    OPEN_ENDED_SERVICE_MONTHS,
    continuous_chain,
)
from laborsign.contracts.rules.periods import ONE_DAY, lasts_at_least
from laborsign.contracts.rules.ports import EarlierContract

DEFAULT_EXPIRY_WINDOWS = (30, 60, 90)


@dataclass(frozen=True, slots=True)
class Ending:
    """Something that ends on `ends_on`: `days_left` from today, and the tightest window
    (of those configured) it falls in."""

    ends_on: date
    days_left: int
    window: int


def ending_within(ends_on: date | None, today: date, windows: Sequence[int]) -> Ending | None:
    """The tightest window (days) that `ends_on` lies within, counted from `today`; None when
    it lies beyond every window or has passed."""
    if ends_on is None or ends_on < today or not windows:
        return None
    left = (ends_on - today).days
    inside = [w for w in windows if left <= w]
    return Ending(ends_on, left, min(inside)) if inside else None


class EntitlementGround(StrEnum):
    TEN_YEARS = "ten_years"  # LCL Art. 14(2)(1)
    TWO_FIXED_TERMS = "two_fixed_terms"  # LCL Art. 14(2)(3), counted from 2008-01-01


@dataclass(frozen=True, slots=True)
class Entitlement:
    ground: EntitlementGround
    renewal_start: date
    service_start: date  # start of the continuous service the ground counts
    contracts: tuple[str, ...]  # the contract numbers the ground rests on


def open_ended_at_renewal(
    contracts: Sequence[EarlierContract],
    running: EarlierContract,
    continuous_service_start: date | None = None,
) -> Entitlement | None:
    """Whether the worker could demand an open-ended contract when `running` (a fixed-term
    contract among `contracts`) is renewed the day after it ends."""
    if running.term_type is not TermType.FIXED or running.end_date is None:
        return None
    renewal = running.end_date + ONE_DAY
    ordered = sorted(
        (c for c in contracts if c.start_date < renewal and c.number != running.number),
        key=lambda c: c.start_date,
    )
    chain = continuous_chain([*ordered, running], renewal)
    starts = [c.start_date for c in chain[:1]]
    if continuous_service_start is not None:
        starts.append(continuous_service_start)
    if starts and lasts_at_least(min(starts), running.end_date, OPEN_ENDED_SERVICE_MONTHS):
        numbers = tuple(c.number for c in chain)
        return Entitlement(EntitlementGround.TEN_YEARS, renewal, min(starts), numbers)
    fixed = [c for c in chain if c.term_type is TermType.FIXED and c.start_date >= LCL_IN_FORCE]
    if len(fixed) >= 2 and chain[-2:] == fixed[-2:]:
        pair = (fixed[-2].number, fixed[-1].number)
        return Entitlement(EntitlementGround.TWO_FIXED_TERMS, renewal, fixed[-2].start_date, pair)
    return None
