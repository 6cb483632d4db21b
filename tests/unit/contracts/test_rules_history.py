"""Deadlines and earlier contracts: double-wage exposure, one probation, open-ended rights."""

from __future__ import annotations

from datetime import date

from laborsign.contracts.model import TermType
from laborsign.contracts.rules import EarlierContract

from ._builders import context, findings_of, variant


def _earlier(
    number: str, start: date, end: date | None, kind: TermType = TermType.FIXED
) -> EarlierContract:
    return EarlierContract(number=number, term_type=kind, start_date=start, end_date=end)


def test_unsigned_contract_is_overdue_after_one_month() -> None:
    contract = variant({"signing_date": None})
    assert not findings_of("LCL-10", contract, context(today=date(2026, 1, 31)))
    [late] = findings_of("LCL-10", contract, context(today=date(2026, 2, 1)))
    assert "2026-02-01" in late.message.en  # double wages from the day after the month


def test_double_wage_period_is_capped_at_one_year() -> None:
    [finding] = findings_of("LCL-10", variant({"signing_date": "2027-06-01"}), context())
    assert "from 2026-02-01 to 2026-12-31 (334 days)" in finding.message.en
    assert findings_of("LCL-14-3", variant({"signing_date": "2027-06-01"}), context())


def test_open_ended_contract_is_not_told_it_is_deemed_open_ended() -> None:
    late_open = variant(
        {"signing_date": "2027-06-01", "term.type": "open_ended", "term.end_date": None}
    )
    assert not findings_of("LCL-14-3", late_open, context())


def test_earlier_contract_with_the_same_number_is_this_one() -> None:
    same = [_earlier("LS-2026-000001", date(2026, 1, 1), date(2028, 12, 31))]
    assert not findings_of("LCL-19-2", variant(), context(earlier=same))


def test_ten_years_of_service_from_the_stated_start() -> None:
    # Service from 2016-01-01 to 2025-12-31 is exactly ten years.
    ten = variant({"continuous_service_start": "2016-01-01"})
    assert findings_of("LCL-14-2", ten, context())
    almost = variant({"continuous_service_start": "2016-01-02"})
    assert not findings_of("LCL-14-2", almost, context())


def test_contracts_before_2008_do_not_count_as_consecutive_fixed_terms() -> None:
    chain = [
        _earlier("C-1", date(2005, 1, 1), date(2007, 12, 31)),
        _earlier("C-2", date(2008, 1, 1), date(2025, 12, 31)),
    ]
    # 2005–2025 is also more than ten years of service, so that rule reports it instead.
    [finding] = findings_of("LCL-14-2", variant(), context(earlier=chain))
    assert "10 years" in finding.message.en
    short = [
        _earlier("C-1", date(2020, 1, 1), date(2020, 12, 31), TermType.OPEN_ENDED),
        _earlier("C-2", date(2021, 1, 1), date(2025, 12, 31)),
    ]
    assert not findings_of("LCL-14-2", variant(), context(earlier=short))
