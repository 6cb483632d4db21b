from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from laborsign.identity.ratelimit import window_start

MOMENTS = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
WINDOWS = st.sampled_from([timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)])


@given(MOMENTS, WINDOWS)
def test_a_moment_lies_in_exactly_its_window(moment: datetime, window: timedelta) -> None:
    start = window_start(moment, window)
    assert start <= moment < start + window
    assert window_start(start, window) == start
    assert window_start(start + window, window) == start + window
