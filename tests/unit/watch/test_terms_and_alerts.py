"""Terms and probation ending, the open-ended entitlement at renewal, and alert keys."""

from __future__ import annotations

from datetime import date

from laborsign.contracts.model import TermType
from laborsign.contracts.rules.ports import EarlierContract
from laborsign.watch.alerts import AlertKind, Thresholds, WatchEntry, alerts_for
from laborsign.watch.deadlines import signing_risk
from laborsign.watch.terms import EntitlementGround, ending_within, open_ended_at_renewal

TODAY = date(2025, 6, 1)


def fixed(number: str, start: date, end: date) -> EarlierContract:
    return EarlierContract(number, TermType.FIXED, start, end)


def test_the_tightest_window_is_reported() -> None:
    assert ending_within(date(2025, 6, 20), TODAY, (30, 60, 90)).window == 30  # type: ignore[union-attr]
    ending = ending_within(date(2025, 7, 31), TODAY, (30, 60, 90))
    assert ending is not None and (ending.days_left, ending.window) == (60, 60)
    assert ending_within(date(2025, 9, 1), TODAY, (30, 60, 90)) is None
    assert ending_within(date(2025, 5, 31), TODAY, (30, 60, 90)) is None  # already ended
    assert ending_within(None, TODAY, (30,)) is None


def test_two_consecutive_fixed_terms_give_the_entitlement() -> None:
    first = fixed("A-1", date(2020, 1, 1), date(2022, 12, 31))
    second = fixed("A-2", date(2023, 1, 1), date(2025, 12, 31))
    found = open_ended_at_renewal([first, second], second)
    assert found is not None and found.ground is EntitlementGround.TWO_FIXED_TERMS
    assert found.renewal_start == date(2026, 1, 1) and found.contracts == ("A-1", "A-2")
    # A gap between them breaks the chain: one fixed term only.
    gap = fixed("A-2", date(2023, 3, 1), date(2025, 12, 31))
    assert open_ended_at_renewal([first, gap], gap) is None
    # Fixed terms before 2008 do not count.
    old = fixed("A-0", date(2005, 1, 1), date(2007, 12, 31))
    only = fixed("A-1", date(2008, 1, 1), date(2010, 12, 31))
    assert open_ended_at_renewal([old, only], only) is None


def test_ten_years_of_service_give_the_entitlement() -> None:
    running = fixed("B-1", date(2020, 1, 1), date(2025, 12, 31))
    found = open_ended_at_renewal([running], running, continuous_service_start=date(2016, 1, 1))
    assert found is not None and found.ground is EntitlementGround.TEN_YEARS
    assert open_ended_at_renewal([running], running, date(2016, 1, 2)) is None


def test_alerts_and_their_keys() -> None:
    risk = signing_risk(date(2025, 5, 10), None, TODAY)  # due 9 June: 8 days left
    entry = WatchEntry("w-1", "李四", risk)
    assert alerts_for(entry, Thresholds(signing_days_before=(7, 3))) == []
    later = WatchEntry("w-1", "李四", signing_risk(date(2025, 5, 10), None, date(2025, 6, 7)))
    [alert] = alerts_for(later, Thresholds(signing_days_before=(7, 3)))
    assert alert.kind is AlertKind.SIGNING_DUE and alert.threshold == 3
    assert alert.key == "watch:w-1:signing_due:3:2025-06-09"
    overdue = WatchEntry("w-1", "李四", signing_risk(date(2025, 1, 1), None, TODAY))
    assert [a.kind for a in alerts_for(overdue, Thresholds())] == [AlertKind.SIGNING_OVERDUE]
