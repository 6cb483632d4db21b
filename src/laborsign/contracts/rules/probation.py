"""Probation (LCL Art. 19, 70): length by term, inside the term, once per pair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from laborsign.contracts.model import Contract, EmploymentForm, TermType
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.periods import lasts_at_least, period_end
from laborsign.contracts.rules.ports import RuleContext
from laborsign.i18n import Text

FIELD = "term.probation_end"


def max_probation_months(contract: Contract) -> int:
    """The table of LCL Art. 19(1), with 19(3): 0 for task-based terms and terms < 3 months.

    Lengths are measured inclusively (periods.py): a term of exactly one year is in the
    two-month band, exactly three years in the six-month band (三年以上 includes three).
    """
    term = contract.term
    if term.type is TermType.TASK:
        return 0
    if term.type is TermType.OPEN_ENDED or term.end_date is None:
        return 6
    start, end = term.start_date, term.end_date
    if lasts_at_least(start, end, 36):
        return 6
    if lasts_at_least(start, end, 12):
        return 2
    if lasts_at_least(start, end, 3):
        return 1
    return 0


def latest_probation_end(contract: Contract) -> date | None:
    """The last day a probation may last until, or None when none is allowed."""
    months = max_probation_months(contract)
    return period_end(contract.term.start_date, months) if months else None


@rule(
    "LCL-19-1",
    Severity.ERROR,
    art("《劳动合同法》第十九条第一款", "Labor Contract Law Art. 19(1)"),
    Text(
        "试用期上限：期限 3 个月以上不满 1 年 1 个月；1 年以上不满 3 年 2 个月；"
        "3 年以上或无固定期限 6 个月",
        "maximum probation: 1 month for terms of 3 months to under 1 year; 2 months for 1 to "
        "under 3 years; 6 months for 3 years or more and open-ended terms",
    ),
)
def probation_length(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    end = contract.term.probation_end
    latest = latest_probation_end(contract)
    if end is None or latest is None or end <= latest:
        return
    months = max_probation_months(contract)
    yield Hit(
        FIELD,
        Text(
            f"试用期超过法定上限 {months} 个月：最迟应于 {latest} 结束",
            f"probation longer than the legal maximum of {months} month(s): it must end by "
            f"{latest}",
        ),
    )


@rule(
    "LCL-19-3",
    Severity.ERROR,
    art("《劳动合同法》第十九条第三款", "Labor Contract Law Art. 19(3)"),
    Text(
        "以完成一定工作任务为期限或期限不满 3 个月的劳动合同不得约定试用期",
        "no probation in a task-based contract or one shorter than 3 months",
    ),
)
def probation_not_allowed(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.term.probation_end is not None and max_probation_months(contract) == 0:
        yield Hit(
            FIELD,
            Text(
                "此类劳动合同不得约定试用期",
                "this contract may not have a probation",
            ),
        )


@rule(
    "LCL-19-4",
    Severity.ERROR,
    art("《劳动合同法》第十九条第四款", "Labor Contract Law Art. 19(4)"),
    Text(
        "试用期包含在劳动合同期限内：试用期结束日不早于起始日、不晚于终止日",
        "the probation lies inside the term: it ends neither before the start nor after the end",
    ),
)
def probation_within_term(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    term = contract.term
    end = term.probation_end
    if end is None:
        return
    if end < term.start_date:
        yield Hit(
            FIELD,
            Text("试用期结束日早于劳动合同起始日", "the probation ends before the term starts"),
        )
    if term.end_date is not None and end > term.end_date:
        yield Hit(
            FIELD,
            Text("试用期结束日晚于劳动合同终止日", "the probation ends after the term ends"),
        )


@rule(
    "LCL-19-4-ONLY",
    Severity.ERROR,
    art("《劳动合同法》第十九条第四款", "Labor Contract Law Art. 19(4)"),
    Text(
        "不得仅约定试用期（试用期与合同期限相同时试用期不成立）",
        "a contract that is only a probation: the probation is void",
    ),
)
def probation_only(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    term = contract.term
    if term.probation_end is not None and term.probation_end == term.end_date:
        yield Hit(
            FIELD,
            Text(
                "劳动合同仅约定了试用期：试用期不成立，该期限为劳动合同期限",
                "the contract is only a probation: the probation is void and the period is the "
                "contract term",
            ),
        )


@rule(
    "LCL-70",
    Severity.ERROR,
    art("《劳动合同法》第七十条", "Labor Contract Law Art. 70"),
    Text("非全日制用工不得约定试用期", "no probation in part-time employment"),
)
def part_time_probation(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if (
        contract.employment_form is EmploymentForm.PART_TIME
        and contract.term.probation_end is not None
    ):
        yield Hit(
            FIELD,
            Text("非全日制用工双方不得约定试用期", "part-time employment may not have a probation"),
        )
