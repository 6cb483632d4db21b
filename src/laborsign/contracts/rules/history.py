"""Rules over time and earlier contracts (LCL Art. 10, 14, 19(2), 82; 条例 Art. 5–7, 9).

Earlier contracts come from the `EarlierContracts` port (same employer credit code and
worker ID number). Contracts form a continuous chain when each starts no later than the
day after the previous one ended; a gap breaks continuous service.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from laborsign.contracts.model import Contract, TermType
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.identity import compact_id
from laborsign.contracts.rules.periods import ONE_DAY, lasts_at_least, period_end
from laborsign.contracts.rules.ports import EarlierContract, RuleContext
from laborsign.i18n import Text

LCL_IN_FORCE = date(2008, 1, 1)  # Art. 14(2)(3) counts fixed-term contracts from here
OPEN_ENDED_SERVICE_MONTHS = 120


def earlier_contracts(contract: Contract, context: RuleContext) -> list[EarlierContract]:
    found = context.earlier_contracts.between(
        contract.employer.credit_code, compact_id(contract.worker.id_number)
    )
    return sorted(
        (
            c
            for c in found
            if c.number != contract.number and c.start_date < contract.term.start_date
        ),
        key=lambda c: c.start_date,
    )


def continuous_chain(earlier: Sequence[EarlierContract], start: date) -> list[EarlierContract]:
    """The earlier contracts that lead without a gap into a contract starting on `start`."""
    chain: list[EarlierContract] = []
    following = start
    for c in reversed(earlier):
        if c.end_date is not None and c.end_date + ONE_DAY < following:
            break
        chain.insert(0, c)
        following = c.start_date
    return chain


@rule(
    "LCL-10",
    Severity.WARNING,
    art(
        "《劳动合同法》第十条、第八十二条；条例第六条",
        "Labor Contract Law Art. 10, 82; LCL Reg. Art. 6",
    ),
    Text(
        "自用工之日起一个月内订立书面劳动合同；逾期则自第二个月起每月支付二倍工资",
        "a written contract within one month of the first day of work; later, double wages "
        "are owed from the day after that month",
    ),
)
def signing_deadline(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    start = contract.effective_employment_start
    due = period_end(start, 1)
    signed = contract.signing_date
    if signed is None:
        if context.today > due:
            yield Hit(
                "signing_date",
                Text(
                    f"书面劳动合同应于 {due} 前订立，已逾期："
                    f"自 {due + ONE_DAY} 起每月应支付二倍工资，"
                    "直至补订之日前一日（最长至用工满一年）",
                    f"the written contract was due by {due}: double wages are owed from "
                    f"{due + ONE_DAY} until the day before it is signed (at most up to one year)",
                ),
            )
        return
    if signed <= due:
        return
    last = min(signed - ONE_DAY, period_end(start, 12))
    days = (last - due).days
    yield Hit(
        "signing_date",
        Text(
            f"签订日期 {signed} 晚于用工之日 {start} 起一个月（{due}）：{due + ONE_DAY} 至 {last}"
            f"（{days} 天）用人单位应每月支付二倍工资",
            f"signed on {signed}, more than one month after work began on {start} (due {due}): "
            f"double wages are owed from {due + ONE_DAY} to {last} ({days} days)",
        ),
    )


@rule(
    "LCL-14-3",
    Severity.WARNING,
    art(
        "《劳动合同法》第十四条第三款；条例第七条", "Labor Contract Law Art. 14(3); LCL Reg. Art. 7"
    ),
    Text(
        "用工满一年未订立书面劳动合同：视为已订立无固定期限劳动合同",
        "a full year of work without a written contract: an open-ended contract is deemed made",
    ),
)
def deemed_open_ended(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    start = contract.effective_employment_start
    year_end = period_end(start, 12)
    signed = contract.signing_date or context.today
    if signed > year_end and contract.term.type is not TermType.OPEN_ENDED:
        yield Hit(
            "term.type",
            Text(
                f"自用工之日 {start} 起满一年（{year_end}）未订立书面劳动合同：视为已订立无固定期限"
                "劳动合同，应补订无固定期限劳动合同",
                f"a full year since work began on {start} passed ({year_end}) without a written "
                "contract: an open-ended contract is deemed concluded; conclude it in writing",
            ),
        )


@rule(
    "LCL-19-2",
    Severity.ERROR,
    art("《劳动合同法》第十九条第二款", "Labor Contract Law Art. 19(2)"),
    Text(
        "同一用人单位与同一劳动者只能约定一次试用期（已知此前的劳动合同时）",
        "one probation per employer and worker (when an earlier contract is known)",
    ),
)
def one_probation(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.term.probation_end is None:
        return
    earlier = earlier_contracts(contract, context)
    if earlier:
        numbers = "、".join(c.number for c in earlier)
        numbers_en = ", ".join(c.number for c in earlier)
        yield Hit(
            "term.probation_end",
            Text(
                f"双方此前已订立劳动合同（{numbers}）：同一用人单位与同一劳动者只能约定一次试用期",
                f"the parties concluded earlier contracts ({numbers_en}): "
                "only one probation is allowed per employer and worker",
            ),
        )


@rule(
    "LCL-14-2",
    Severity.WARNING,
    art(
        "《劳动合同法》第十四条第二款；条例第九条", "Labor Contract Law Art. 14(2); LCL Reg. Art. 9"
    ),
    Text(
        "续订时劳动者可要求订立无固定期限劳动合同（连续工作满十年，或已连续订立二次固定期限合同）",
        "on renewal the worker may demand an open-ended contract (10 years of continuous "
        "service, or two consecutive fixed-term contracts since 2008)",
    ),
)
def open_ended_entitlement(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.term.type is TermType.OPEN_ENDED:
        return
    start = contract.term.start_date
    chain = continuous_chain(earlier_contracts(contract, context), start)
    service_starts = [c.start_date for c in chain[:1]]
    if contract.continuous_service_start:
        service_starts.append(contract.continuous_service_start)
    if service_starts and lasts_at_least(
        min(service_starts), start - ONE_DAY, OPEN_ENDED_SERVICE_MONTHS
    ):
        yield Hit(
            "term.type",
            Text(
                f"劳动者自 {min(service_starts)} 起连续工作已满十年：劳动者提出或同意续订的，"
                "除其提出订立固定期限合同外，应订立无固定期限劳动合同；请记录劳动者的选择",
                f"the worker has 10 years of continuous service since {min(service_starts)}: "
                "unless he or she asks for a fixed term, the renewal must be open-ended; "
                "record the worker's choice",
            ),
        )
        return
    fixed = [c for c in chain if c.term_type is TermType.FIXED and c.start_date >= LCL_IN_FORCE]
    if len(fixed) >= 2 and chain[-2:] == fixed[-2:]:
        yield Hit(
            "term.type",
            Text(
                f"双方已连续订立二次固定期限劳动合同（{fixed[-2].number}、{fixed[-1].number}）："
                "劳动者无第三十九条和第四十条第一项、第二项情形的，可要求订立无固定期限劳动合同；"
                "请记录劳动者的选择",
                "two consecutive fixed-term contracts were concluded "
                f"({fixed[-2].number}, {fixed[-1].number}): unless Art. 39 or 40(1)(2) applies, "
                "the worker may demand an open-ended contract; record the worker's choice",
            ),
        )
