"""Every rule, at its exact boundary: one variant just passes, the next just fails.

The table must name every registered rule (test_every_rule_has_a_boundary_case), so a new
rule cannot be added without its passing and failing case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from laborsign.contracts.model import TemplateId, TermType
from laborsign.contracts.rules import EarlierContract, Severity, registered

from ._builders import context, findings_of, gb11643, variant

G, D = TemplateId.GENERAL, TemplateId.DISPATCH
PART_TIME = {
    "employment_form": "part_time",
    "term.probation_end": None,
    "pay.form": "hourly",
    "pay.hourly_wage": "30.00",
    "pay.monthly_wage": None,
    "pay.probation_wage": None,
    "pay.pay_cycle_days": 15,
    "working_time.hours_per_day": "4",
    "working_time.days_per_week": "5",
}
ONE_YEAR = {"term.end_date": "2026-12-31"}
NON_COMPETE = {"worker_category": "senior_technical", "duration_months": 24}
TRAINING = {"training_cost": "5000.00", "months": 24, "penalty": "5000.00"}


def earlier(number: str, start: str, end: str | None, kind: TermType = TermType.FIXED) -> Any:
    return EarlierContract(
        number=number,
        term_type=kind,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end) if end else None,
    )


@dataclass(frozen=True)
class Case:
    rule: str
    passing: dict[str, Any]
    failing: dict[str, Any]
    field: str
    template: TemplateId = G
    pass_ctx: dict[str, Any] = field(default_factory=dict)
    fail_ctx: dict[str, Any] = field(default_factory=dict)


MALE_1965_10_01 = gb11643("110105", date(1965, 10, 1), "001")  # retires 2026-01-01 (60y3m)
MALE_1965_10_02 = gb11643("110105", date(1965, 10, 2), "001")
HMT = gb11643("810000", date(1990, 5, 17))
FOREIGN = gb11643("911156", date(1988, 2, 29))
CHAIN = [earlier("C-1", "2020-01-01", "2022-12-31"), earlier("C-2", "2023-01-01", "2025-12-31")]
GAP = [earlier("C-1", "2020-01-01", "2022-12-31"), earlier("C-2", "2023-01-01", "2025-12-30")]

CASES = [
    Case("ID-GB11643", {}, {"worker.id_number": "110105194912310021"}, "worker.id_number"),
    Case(
        "ID-HMT",
        {"worker.id_type": "hmt_residence_permit", "worker.id_number": HMT},
        {"worker.id_type": "hmt_residence_permit", "worker.id_number": HMT[:-1] + "0"},
        "worker.id_number",
    ),
    Case(
        "ID-FOREIGN-PR",
        {"worker.id_type": "foreign_permanent_residence", "worker.id_number": FOREIGN},
        {"worker.id_type": "foreign_permanent_residence", "worker.id_number": "US1234567890123"},
        "worker.id_number",
    ),
    Case(
        "ID-PASSPORT",
        {"worker.id_type": "passport", "worker.id_number": "E1234567"},
        {"worker.id_type": "passport", "worker.id_number": "E12#4567"},
        "worker.id_number",
    ),
    Case(
        "ID-CONSISTENT",
        {"worker.birth_date": "1995-06-15"},
        {"worker.birth_date": "1995-06-16"},
        "worker.birth_date",
    ),
    Case(
        "AGE-UNKNOWN",
        {
            "worker.id_type": "passport",
            "worker.id_number": "E1234567",
            "worker.birth_date": "1990-01-01",
        },
        {"worker.id_type": "passport", "worker.id_number": "E1234567"},
        "worker.birth_date",
    ),
    # Work starts 2026-01-01: 16 full years only from the day after the 16th birthday.
    Case(
        "AGE-16",
        {"worker.id_number": gb11643("110105", date(2009, 12, 31))},
        {"worker.id_number": gb11643("110105", date(2010, 1, 1))},
        "worker.id_number",
    ),
    Case(
        "AGE-MINOR",
        {"worker.id_number": gb11643("110105", date(2007, 12, 31))},
        {"worker.id_number": gb11643("110105", date(2008, 1, 1))},
        "worker.id_number",
    ),
    Case(
        "AGE-RETIREMENT",
        {"worker.id_number": MALE_1965_10_02},
        {"worker.id_number": MALE_1965_10_01},
        "worker.id_number",
    ),
    Case("ID-USCC", {}, {"employer.credit_code": "91330106MA2B3C4D5E"}, "employer.credit_code"),
    Case(
        "LCL-17-1",
        {"pay.form": "piece", "pay.piece_rate": "每件 2 元"},
        {"pay.form": "piece"},
        "pay.piece_rate",
    ),
    Case(
        "LCL-12",
        {"term.end_date": "2026-01-01", "term.probation_end": None},
        {"term.end_date": "2025-12-31", "term.probation_end": None},
        "term.end_date",
    ),
    # One year exactly (2026-01-01 – 2026-12-31) allows two months: until 2026-02-28.
    Case(
        "LCL-19-1",
        {**ONE_YEAR, "term.probation_end": "2026-02-28"},
        {**ONE_YEAR, "term.probation_end": "2026-03-01"},
        "term.probation_end",
    ),
    # Three months exactly allow a probation; one day less does not.
    Case(
        "LCL-19-3",
        {"term.end_date": "2026-03-31", "term.probation_end": "2026-01-31"},
        {"term.end_date": "2026-03-30", "term.probation_end": "2026-01-31"},
        "term.probation_end",
    ),
    Case(
        "LCL-19-4",
        {"term.probation_end": "2026-01-01"},
        {"term.probation_end": "2025-12-31"},
        "term.probation_end",
    ),
    Case(
        "LCL-19-4-ONLY",
        {"term.end_date": "2026-06-30", "term.probation_end": "2026-06-29"},
        {"term.end_date": "2026-06-30", "term.probation_end": "2026-06-30"},
        "term.probation_end",
    ),
    Case(
        "LCL-70", PART_TIME, {**PART_TIME, "term.probation_end": "2026-01-31"}, "term.probation_end"
    ),
    Case(
        "HOURS-STANDARD",
        {"working_time.hours_per_day": "8"},
        {"working_time.hours_per_day": "8.01", "working_time.days_per_week": "4"},
        "working_time.hours_per_day",
    ),
    Case(
        "LCL-68",
        {**PART_TIME, "working_time.days_per_week": "6"},
        {**PART_TIME, "working_time.days_per_week": "6.5"},
        "working_time.days_per_week",
    ),
    Case(
        "HOURS-APPROVAL",
        {"working_time.system": "flexible", "working_time.approval_number": "浙人社审〔2025〕1号"},
        {"working_time.system": "flexible"},
        "working_time.approval_number",
    ),
    Case("MW-UNKNOWN", {}, {}, "job.region", fail_ctx={"wages": False}),
    Case(
        "MW-MONTHLY",
        {"pay.monthly_wage": "2000.00", "pay.probation_wage": None},
        {"pay.monthly_wage": "1999.99", "pay.probation_wage": None},
        "pay.monthly_wage",
    ),
    Case(
        "MW-HOURLY",
        {**PART_TIME, "pay.hourly_wage": "20.00"},
        {**PART_TIME, "pay.hourly_wage": "19.99"},
        "pay.hourly_wage",
    ),
    Case(
        "MW-PROBATION",
        {"pay.monthly_wage": "2400.00", "pay.probation_wage": "2000.00"},
        {"pay.monthly_wage": "2400.00", "pay.probation_wage": "1999.99"},
        "pay.probation_wage",
    ),
    Case(
        "LCL-20",
        {
            "pay.monthly_wage": "10000.00",
            "pay.same_position_lowest_wage": "9000.00",
            "pay.probation_wage": "7200.00",
        },
        {
            "pay.monthly_wage": "10000.00",
            "pay.same_position_lowest_wage": "9000.00",
            "pay.probation_wage": "7199.99",
        },
        "pay.probation_wage",
    ),
    Case(
        "LCL-20-LOWEST",
        {"pay.probation_wage": "9600.00"},
        {"pay.probation_wage": "9599.99"},
        "pay.same_position_lowest_wage",
    ),
    Case("LA-50", {"pay.payday": 28}, {"pay.payday": 29}, "pay.payday"),
    Case("LCL-72-2", PART_TIME, {**PART_TIME, "pay.pay_cycle_days": 16}, "pay.pay_cycle_days"),
    Case(
        "LCL-58-2-PAY",
        {"dispatch.unassigned_monthly_pay": "2000.00"},
        {"dispatch.unassigned_monthly_pay": "1999.99"},
        "dispatch.unassigned_monthly_pay",
        template=D,
    ),
    Case(
        "LCL-24-1",
        {"agreed.non_compete": NON_COMPETE},
        {"agreed.non_compete": {**NON_COMPETE, "worker_category": "other"}},
        "agreed.non_compete.worker_category",
    ),
    Case(
        "LCL-24-2",
        {"agreed.non_compete": NON_COMPETE},
        {"agreed.non_compete": {**NON_COMPETE, "duration_months": 25}},
        "agreed.non_compete.duration_months",
    ),
    Case(
        "LCL-23-2",
        {"agreed.non_compete": {**NON_COMPETE, "monthly_compensation": "3000.00"}},
        {"agreed.non_compete": NON_COMPETE},
        "agreed.non_compete.monthly_compensation",
    ),
    Case(
        "LCL-22-2",
        {"agreed.service_period": TRAINING},
        {"agreed.service_period": {**TRAINING, "penalty": "5000.01"}},
        "agreed.service_period.penalty",
    ),
    Case(
        "LCL-25",
        {
            "agreed.service_period": TRAINING,
            "agreed.penalties": [
                {"reason": "service_period", "clause": "服务期", "amount": "5000.00"}
            ],
        },
        {
            "agreed.service_period": TRAINING,
            "agreed.penalties": [{"reason": "other", "clause": "提前离职", "amount": "5000.00"}],
        },
        "agreed.penalties[0].reason",
    ),
    Case(
        "LCL-25-TEXT",
        {"agreed.other": "甲方未按时支付工资的，应支付赔偿金。"},
        {"agreed.other": "乙方提前离职须支付违约金。"},
        "agreed.other",
    ),
    Case(
        "LCL-57", {}, {"employer.dispatch_licence": None}, "employer.dispatch_licence", template=D
    ),
    Case(
        "LCL-58-1",
        {"dispatch.end_date": "2028-12-31"},
        {"dispatch.end_date": "2029-01-01"},
        "dispatch.end_date",
        template=D,
    ),
    # Two years exactly (2026-01-01 – 2027-12-31) is enough for a dispatch contract.
    Case(
        "LCL-58-2",
        {"term.end_date": "2027-12-31"},
        {"term.end_date": "2027-12-30", "dispatch.end_date": "2026-06-30"},
        "term.end_date",
        template=D,
    ),
    Case(
        "LCL-66",
        {"dispatch.end_date": "2026-06-30"},
        {"dispatch.end_date": "2026-07-01"},
        "dispatch.end_date",
        template=D,
    ),
    # Work from 2026-01-01: the written contract is due by 2026-01-31.
    Case("LCL-10", {"signing_date": "2026-01-31"}, {"signing_date": "2026-02-01"}, "signing_date"),
    Case("LCL-14-3", {"signing_date": "2026-12-31"}, {"signing_date": "2027-01-01"}, "term.type"),
    Case(
        "LCL-19-2",
        {"term.probation_end": None},
        {},
        "term.probation_end",
        pass_ctx={"earlier": CHAIN},
        fail_ctx={"earlier": CHAIN},
    ),
    Case("LCL-14-2", {}, {}, "term.type", pass_ctx={"earlier": GAP}, fail_ctx={"earlier": CHAIN}),
]


def test_every_rule_has_a_boundary_case() -> None:
    assert sorted(c.rule for c in CASES) == sorted(r.id for r in registered())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_passes_at_the_boundary(case: Case) -> None:
    contract = variant(case.passing, case.template)
    assert findings_of(case.rule, contract, context(**case.pass_ctx)) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_fails_just_beyond(case: Case) -> None:
    contract = variant(case.failing, case.template)
    found = findings_of(case.rule, contract, context(**case.fail_ctx))
    assert [f.field for f in found] == [case.field]
    rule = next(r for r in registered() if r.id == case.rule)
    assert found[0].severity is rule.severity
    assert found[0].message.zh and found[0].message.en and found[0].article.zh


def test_errors_come_before_warnings() -> None:
    contract = variant({"pay.payday": 31, "term.probation_end": "2026-12-31"})
    severities = [f.severity for f in findings_of_all(contract)]
    assert Severity.ERROR in severities and Severity.WARNING in severities
    assert severities == sorted(severities, key=lambda s: s is not Severity.ERROR)


def findings_of_all(contract: Any) -> list[Any]:
    from laborsign.contracts.rules import check

    return check(contract, context())
