"""Mandatory clauses and term types (LCL Art. 12–17)."""

from __future__ import annotations

from collections.abc import Iterator

from laborsign.contracts.model import Contract, PayForm, TermType, WorkingTimeSystem
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.ports import RuleContext
from laborsign.i18n import Text

# Which pay field each pay form needs so that the remuneration clause is complete.
_PAY_FIELDS: dict[PayForm, tuple[str, ...]] = {
    PayForm.MONTHLY: ("monthly_wage",),
    PayForm.PIECE: ("piece_rate",),
    PayForm.BASE_PLUS_PERFORMANCE: ("monthly_wage", "performance"),
    PayForm.HOURLY: ("hourly_wage",),
    PayForm.OTHER: ("other",),
}


@rule(
    "LCL-17-1",
    Severity.ERROR,
    art("《劳动合同法》第十七条第一款", "Labor Contract Law Art. 17(1)"),
    Text(
        "必备条款齐全：劳动报酬（按所选形式）、社会保险、工作时间（综合工时的周期）",
        "mandatory clauses present: remuneration for the chosen form, social insurance, "
        "working time (cycle of comprehensive hours)",
    ),
)
def mandatory_clauses(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    # The model itself requires names, addresses, ID, term, job, place and protection; what
    # it cannot require depends on a choice made elsewhere in the contract.
    pay = contract.pay
    for name in _PAY_FIELDS[pay.form]:
        if getattr(pay, name) in (None, ""):
            yield Hit(
                f"pay.{name}",
                Text(
                    "劳动报酬条款不完整：所选工资形式须填写此项",
                    "remuneration clause incomplete: the chosen pay form needs this field",
                ),
            )
    if not contract.social_insurance.enrolled:
        yield Hit(
            "social_insurance.enrolled",
            Text(
                "社会保险是必备条款，用人单位必须依法为劳动者参加社会保险",
                "social insurance is mandatory: the employer must enrol the worker",
            ),
        )
    wt = contract.working_time
    if wt.system is WorkingTimeSystem.COMPREHENSIVE and wt.cycle is None:
        yield Hit(
            "working_time.cycle",
            Text(
                "综合计算工时工作制须写明计算周期（周、月、季或年）",
                "comprehensive working hours need the calculation cycle",
            ),
        )


@rule(
    "LCL-12",
    Severity.ERROR,
    art("《劳动合同法》第十二条至第十五条", "Labor Contract Law Art. 12–15"),
    Text(
        "期限类型完整：固定期限有起止日期且终止不早于起始；无固定期限无终止日期；"
        "以完成一定工作任务为期限写明任务",
        "term type complete: fixed term has an end not before the start; open-ended has no "
        "end date; task-based names the task",
    ),
)
def term_type(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    term = contract.term
    if term.type is TermType.FIXED:
        if term.end_date is None:
            yield Hit(
                "term.end_date",
                Text("固定期限劳动合同须写明终止日期", "a fixed-term contract needs an end date"),
            )
        elif term.end_date < term.start_date:
            yield Hit(
                "term.end_date",
                Text("终止日期早于起始日期", "the end date lies before the start date"),
            )
    if term.type is TermType.OPEN_ENDED and term.end_date is not None:
        yield Hit(
            "term.end_date",
            Text(
                "无固定期限劳动合同不约定终止日期",
                "an open-ended contract has no end date",
            ),
        )
    if term.type is TermType.TASK and not term.task:
        yield Hit(
            "term.task",
            Text(
                "以完成一定工作任务为期限的劳动合同须写明工作任务",
                "a task-based contract must describe the task",
            ),
        )
    if term.type is not TermType.TASK and term.task:
        yield Hit(
            "term.task",
            Text(
                "只有以完成一定工作任务为期限的劳动合同才约定工作任务",
                "only a task-based contract names a task",
            ),
        )
