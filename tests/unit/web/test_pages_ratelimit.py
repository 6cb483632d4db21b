"""The public pages' sliding-window limiter, with the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from laborsign.web.pages.ratelimit import SlidingWindow

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_the_limit_applies_per_key_and_frees_up_after_the_window() -> None:
    limiter = SlidingWindow(3, timedelta(minutes=1))
    assert [limiter.allow("a", T0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", T0)
    assert not limiter.allow("a", T0 + timedelta(seconds=59))
    assert limiter.allow("a", T0 + timedelta(seconds=60))


def test_memory_stays_bounded_under_many_keys() -> None:
    limiter = SlidingWindow(1, timedelta(minutes=1), max_keys=10)
    for n in range(100):
        assert limiter.allow(f"client-{n}", T0)
    assert len(limiter._hits) <= 10


@given(st.lists(st.integers(min_value=0, max_value=300), max_size=60))
def test_never_more_than_the_limit_in_any_window(offsets: list[int]) -> None:
    limiter = SlidingWindow(5, timedelta(seconds=60))
    allowed = [
        T0 + timedelta(seconds=s)
        for s in sorted(offsets)
        if limiter.allow("k", T0 + timedelta(seconds=s))
    ]
    for moment in allowed:
        inside = [a for a in allowed if moment - timedelta(seconds=60) < a <= moment]
        assert len(inside) <= 5
