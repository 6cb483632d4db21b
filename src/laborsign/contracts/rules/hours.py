"""Working time (劳动法 Art. 36, 39; 国务院关于职工工作时间的规定 Art. 3; LCL Art. 68)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from laborsign.contracts.model import Contract, EmploymentForm, WorkingTimeSystem
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.ports import RuleContext
from laborsign.i18n import Text

STANDARD_DAY = Decimal(8)
STANDARD_WEEK = Decimal(40)
PART_TIME_DAY = Decimal(4)
PART_TIME_WEEK = Decimal(24)


def _limits(contract: Contract, day: Decimal, week: Decimal) -> Iterator[Hit]:
    wt = contract.working_time
    weekly = wt.hours_per_day * wt.days_per_week
    if wt.hours_per_day > day:
        yield Hit(
            "working_time.hours_per_day",
            Text(
                f"每日工作时间 {wt.hours_per_day} 小时超过 {day} 小时",
                f"{wt.hours_per_day} hours a day exceed {day}",
            ),
        )
    if weekly > week:
        yield Hit(
            "working_time.days_per_week",
            Text(
                f"每周工作时间 {weekly} 小时超过 {week} 小时",
                f"{weekly} hours a week exceed {week}",
            ),
        )


@rule(
    "HOURS-STANDARD",
    Severity.ERROR,
    art(
        "《劳动法》第三十六条；《国务院关于职工工作时间的规定》第三条",
        "Labor Law Art. 36; State Council working-hours provisions Art. 3",
    ),
    Text(
        "全日制标准工时：每日不超过 8 小时、每周不超过 40 小时",
        "full-time standard hours: at most 8 hours a day and 40 a week",
    ),
)
def standard_hours(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if (
        contract.employment_form is EmploymentForm.FULL_TIME
        and contract.working_time.system is WorkingTimeSystem.STANDARD
    ):
        yield from _limits(contract, STANDARD_DAY, STANDARD_WEEK)


@rule(
    "LCL-68",
    Severity.ERROR,
    art("《劳动合同法》第六十八条", "Labor Contract Law Art. 68"),
    Text(
        "非全日制：平均每日不超过 4 小时、每周累计不超过 24 小时",
        "part-time: on average at most 4 hours a day and 24 a week",
    ),
)
def part_time_hours(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.employment_form is EmploymentForm.PART_TIME:
        yield from _limits(contract, PART_TIME_DAY, PART_TIME_WEEK)


@rule(
    "HOURS-APPROVAL",
    Severity.WARNING,
    art("《劳动法》第三十九条", "Labor Law Art. 39"),
    Text(
        "综合计算工时或不定时工作制须经劳动行政部门批准：缺少审批文号时提示",
        "comprehensive or flexible hours need the labor department's approval: warns when the "
        "approval number is missing",
    ),
)
def special_hours_approval(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    wt = contract.working_time
    if wt.system is not WorkingTimeSystem.STANDARD and not wt.approval_number:
        yield Hit(
            "working_time.approval_number",
            Text(
                "实行综合计算工时或不定时工作制须经人力资源社会保障部门批准，请填写审批文号",
                "comprehensive or flexible working hours need an approval: state its number",
            ),
        )
