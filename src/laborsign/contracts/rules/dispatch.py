"""Labor dispatch (LCL Art. 57–59, 66; 劳务派遣暂行规定)."""

from __future__ import annotations

from collections.abc import Iterator

from laborsign.contracts.model import Contract, TemplateId, TermType
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.periods import lasts_at_least, period_end
from laborsign.contracts.rules.ports import RuleContext
from laborsign.i18n import Text

MIN_DISPATCH_TERM_MONTHS = 24
TEMPORARY_POSITION_MONTHS = 6


def _is_dispatch(contract: Contract) -> bool:
    return contract.template is TemplateId.DISPATCH


@rule(
    "LCL-57",
    Severity.ERROR,
    art("《劳动合同法》第五十七条", "Labor Contract Law Art. 57"),
    Text(
        "劳务派遣单位须有劳务派遣经营许可证编号",
        "a dispatch agency needs its labor dispatch licence number",
    ),
)
def dispatch_licence(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if _is_dispatch(contract) and not contract.employer.dispatch_licence:
        yield Hit(
            "employer.dispatch_licence",
            Text(
                "劳务派遣单位须填写劳务派遣经营许可证编号",
                "state the agency's labor dispatch licence number",
            ),
        )


@rule(
    "LCL-58-1",
    Severity.ERROR,
    art("《劳动合同法》第五十八条第一款", "Labor Contract Law Art. 58(1)"),
    Text(
        "派遣合同写明用工单位、派遣期限和工作岗位，派遣期限在合同期限内；通用合同无派遣部分",
        "a dispatch contract names the host, the dispatch period and the position, the period "
        "inside the term; a general contract has no dispatch part",
    ),
)
def dispatch_details(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    d = contract.dispatch
    if not _is_dispatch(contract):
        if d is not None:
            yield Hit(
                "dispatch",
                Text(
                    "通用劳动合同不含劳务派遣内容，请使用劳务派遣合同模板",
                    "a general contract has no dispatch part; use the dispatch template",
                ),
            )
        return
    if d is None:
        yield Hit(
            "dispatch",
            Text(
                "须写明用工单位、派遣期限、工作岗位和无工作期间报酬",
                "state the host, the dispatch period, the position and pay without assignment",
            ),
        )
        return
    if d.end_date < d.start_date:
        yield Hit("dispatch.end_date", Text("派遣期限终止日早于起始日", "ends before it starts"))
    if d.start_date < contract.term.start_date:
        yield Hit(
            "dispatch.start_date",
            Text("派遣期限早于劳动合同起始日", "the dispatch starts before the term"),
        )
    if contract.term.end_date is not None and d.end_date > contract.term.end_date:
        yield Hit(
            "dispatch.end_date",
            Text("派遣期限晚于劳动合同终止日", "the dispatch ends after the term"),
        )


@rule(
    "LCL-58-2",
    Severity.ERROR,
    art("《劳动合同法》第五十八条第二款", "Labor Contract Law Art. 58(2)"),
    Text(
        "劳务派遣单位与被派遣劳动者订立二年以上的固定期限劳动合同（无固定期限亦可）",
        "the agency concludes a fixed-term contract of 2 years or more (open-ended also passes)",
    ),
)
def dispatch_term(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    term = contract.term
    if not _is_dispatch(contract) or term.type is TermType.OPEN_ENDED:
        return
    if term.type is TermType.TASK or (
        term.end_date is not None
        and not lasts_at_least(term.start_date, term.end_date, MIN_DISPATCH_TERM_MONTHS)
    ):
        yield Hit(
            "term.end_date" if term.type is TermType.FIXED else "term.type",
            Text(
                "劳务派遣合同须为二年以上的固定期限劳动合同：终止日不早于 "
                f"{period_end(term.start_date, MIN_DISPATCH_TERM_MONTHS)}",
                "a dispatch contract must be fixed-term for at least 2 years: ending no earlier "
                f"than {period_end(term.start_date, MIN_DISPATCH_TERM_MONTHS)}",
            ),
        )


@rule(
    "LCL-66",
    Severity.WARNING,
    art("《劳动合同法》第六十六条", "Labor Contract Law Art. 66"),
    Text(
        "派遣期限超过 6 个月时提示：临时性岗位不超过 6 个月，须为辅助性或替代性岗位",
        "dispatch longer than 6 months: temporary positions last at most 6 months, so the "
        "position must be auxiliary or substitute",
    ),
)
def temporary_position(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    d = contract.dispatch
    if (
        _is_dispatch(contract)
        and d is not None
        and d.end_date > period_end(d.start_date, TEMPORARY_POSITION_MONTHS)
    ):
        yield Hit(
            "dispatch.end_date",
            Text(
                "派遣期限超过 6 个月：临时性岗位存续不超过 6 个月，"
                "请确认该岗位为辅助性或替代性岗位",
                "the dispatch lasts more than 6 months: a temporary position lasts at most 6 "
                "months; confirm the position is auxiliary or a substitute",
            ),
        )
