"""Retry delays: exponential with a cap, and fixed schedules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta


def exponential(
    attempt: int, *, base: float = 30.0, factor: float = 2.0, cap: float = 3600.0
) -> timedelta:
    """Delay after the `attempt`-th failure (1-based): base, base*factor, ... up to `cap`."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    # Capping the exponent first keeps huge attempt counts from overflowing a float.
    exponent = min(attempt - 1, 64)
    return timedelta(seconds=min(base * factor**exponent, cap))


def from_schedule(attempt: int, schedule: Sequence[int]) -> timedelta | None:
    """Delay after the `attempt`-th failure from a fixed list; None once the list is spent."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    if attempt > len(schedule):
        return None
    return timedelta(seconds=schedule[attempt - 1])
