"""Pay (劳动法 Art. 50; LCL Art. 20, 58, 72; 条例 Art. 14–15; 最低工资规定).

Minimum wages come from the `MinimumWages` port, looked up for the place of work (条例
Art. 14: the place of performance) on the later of the term start and the check date.
When no figure is known, `MW-UNKNOWN` says so once and the comparisons are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from laborsign.contracts.model import Contract, EmploymentForm, PayForm, TemplateId
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.ports import MinimumWage, RuleContext
from laborsign.i18n import Text

EIGHTY_PERCENT = Decimal("0.8")
MAX_PART_TIME_PAY_CYCLE_DAYS = 15
# Monthly amounts the minimum monthly wage applies to (the base wage for base + performance).
_MONTHLY_FORMS = {PayForm.MONTHLY, PayForm.BASE_PLUS_PERFORMANCE}


def wage_date(contract: Contract, context: RuleContext) -> date:
    return max(contract.term.start_date, context.today)


def minimum_wage(contract: Contract, context: RuleContext) -> MinimumWage | None:
    if context.minimum_wages is None:
        return None
    return context.minimum_wages.lookup(contract.job.region, wage_date(contract, context))


def _place(contract: Contract) -> str:
    r = contract.job.region
    return r.province + (r.city or "") + (r.district or "")


def _source(figure: MinimumWage) -> str:
    return f"{figure.place} 第 {figure.tier} 档，{figure.effective_from} 起（{figure.source}）"


def _source_en(figure: MinimumWage) -> str:
    return f"{figure.place} tier {figure.tier} from {figure.effective_from} ({figure.source})"


def _is_part_time(contract: Contract) -> bool:
    return contract.employment_form is EmploymentForm.PART_TIME


def _needs_minimum_wage(contract: Contract) -> bool:
    pay = contract.pay
    return (
        (not _is_part_time(contract) and pay.monthly_wage is not None)
        or pay.probation_wage is not None
        or (_is_part_time(contract) and pay.hourly_wage is not None)
        or contract.dispatch is not None
    )


@rule(
    "MW-UNKNOWN",
    Severity.WARNING,
    art("《最低工资规定》第三条、第十二条", "Minimum Wage Provisions Art. 3, 12"),
    Text(
        "工作地点的最低工资标准未知时提示：工资未能与最低工资比较",
        "the minimum wage of the place of work is unknown: pay was not compared with it",
    ),
)
def minimum_wage_unknown(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if _needs_minimum_wage(contract) and minimum_wage(contract, context) is None:
        on = wage_date(contract, context)
        yield Hit(
            "job.region",
            Text(
                f"{_place(contract)} 在 {on} 的最低工资标准未知：工资未与最低工资比较，"
                "请运营方导入当地政府公布的最低工资标准（laborsign minwage load）",
                f"minimum wage unknown for {_place(contract)} on {on}: pay not compared; the "
                "operator should load the local government's figures (laborsign minwage load)",
            ),
        )


@rule(
    "MW-MONTHLY",
    Severity.ERROR,
    art("《劳动合同法实施条例》第十四条；《最低工资规定》第十二条", "LCL Reg. Art. 14; MW Art. 12"),
    Text(
        "全日制月工资（或基本工资）不低于工作地点的月最低工资标准",
        "full-time monthly (or base) wage at least the local monthly minimum wage",
    ),
)
def monthly_minimum(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    pay = contract.pay
    figure = minimum_wage(contract, context)
    if (
        figure is None
        or _is_part_time(contract)
        or pay.form not in _MONTHLY_FORMS
        or pay.monthly_wage is None
    ):
        return
    if pay.monthly_wage < figure.monthly:
        yield Hit(
            "pay.monthly_wage",
            Text(
                f"月工资 {pay.monthly_wage} 元低于月最低工资标准 {figure.monthly} 元"
                f"（{_source(figure)}）",
                f"monthly wage {pay.monthly_wage} below the monthly minimum wage "
                f"{figure.monthly} ({_source_en(figure)})",
            ),
        )


@rule(
    "MW-HOURLY",
    Severity.ERROR,
    art("《劳动合同法》第七十二条第一款", "Labor Contract Law Art. 72(1)"),
    Text(
        "非全日制小时工资不低于工作地点的小时最低工资标准",
        "part-time hourly wage at least the local hourly minimum wage",
    ),
)
def hourly_minimum(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    hourly = contract.pay.hourly_wage
    figure = minimum_wage(contract, context)
    if figure is None or not _is_part_time(contract) or hourly is None:
        return
    if hourly < figure.hourly:
        yield Hit(
            "pay.hourly_wage",
            Text(
                f"小时工资 {hourly} 元低于小时最低工资标准 {figure.hourly} 元（{_source(figure)}）",
                f"hourly wage {hourly} below the hourly minimum wage {figure.hourly} "
                f"({_source_en(figure)})",
            ),
        )


@rule(
    "MW-PROBATION",
    Severity.ERROR,
    art("《劳动合同法》第二十条", "Labor Contract Law Art. 20"),
    Text(
        "试用期工资不低于工作地点的月最低工资标准",
        "probation wage at least the local monthly minimum wage",
    ),
)
def probation_minimum(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    wage = contract.pay.probation_wage
    figure = minimum_wage(contract, context)
    if figure is None or wage is None or contract.term.probation_end is None:
        return
    if wage < figure.monthly:
        yield Hit(
            "pay.probation_wage",
            Text(
                f"试用期工资 {wage} 元低于月最低工资标准 {figure.monthly} 元（{_source(figure)}）",
                f"probation wage {wage} below the monthly minimum wage {figure.monthly} "
                f"({_source_en(figure)})",
            ),
        )


def _below_80(wage: Decimal, reference: Decimal) -> bool:
    # 不得低于……百分之八十: exactly 80 % is allowed.
    return wage < reference * EIGHTY_PERCENT


@rule(
    "LCL-20",
    Severity.ERROR,
    art("《劳动合同法》第二十条；条例第十五条", "Labor Contract Law Art. 20; LCL Reg. Art. 15"),
    Text(
        "试用期工资不低于本单位相同岗位最低档工资的 80% 或劳动合同约定工资的 80%",
        "probation wage at least 80 % of the same position's lowest wage or of the contract wage",
    ),
)
def probation_eighty_percent(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    pay = contract.pay
    wage, agreed, lowest = pay.probation_wage, pay.monthly_wage, pay.same_position_lowest_wage
    if contract.term.probation_end is None or wage is None or agreed is None or lowest is None:
        return
    if _below_80(wage, agreed) and _below_80(wage, lowest):
        yield Hit(
            "pay.probation_wage",
            Text(
                f"试用期工资 {wage} 元低于约定工资的 80%（{agreed * EIGHTY_PERCENT:.2f} 元）"
                f"和相同岗位最低档工资的 80%（{lowest * EIGHTY_PERCENT:.2f} 元）",
                f"probation wage {wage} below 80 % of both the contract wage "
                f"({agreed * EIGHTY_PERCENT:.2f}) and the position's lowest wage "
                f"({lowest * EIGHTY_PERCENT:.2f})",
            ),
        )


@rule(
    "LCL-20-LOWEST",
    Severity.WARNING,
    art("《劳动合同法》第二十条", "Labor Contract Law Art. 20"),
    Text(
        "试用期工资低于约定工资 80% 且未填写相同岗位最低档工资：请填写以便核对",
        "probation wage below 80 % of the contract wage with no stated lowest wage of the "
        "position: state it so that the rule can be checked",
    ),
)
def probation_lowest_unknown(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    pay = contract.pay
    wage, agreed = pay.probation_wage, pay.monthly_wage
    if (
        contract.term.probation_end is None
        or wage is None
        or agreed is None
        or pay.same_position_lowest_wage is not None
    ):
        return
    if _below_80(wage, agreed):
        yield Hit(
            "pay.same_position_lowest_wage",
            Text(
                f"试用期工资 {wage} 元低于约定工资的 80%（{agreed * EIGHTY_PERCENT:.2f} 元）："
                "须不低于本单位相同岗位最低档工资的 80%，请填写该工资",
                f"probation wage {wage} is below 80 % of the contract wage "
                f"({agreed * EIGHTY_PERCENT:.2f}): it must then reach 80 % of the position's "
                "lowest wage at the employer; state that wage",
            ),
        )


@rule(
    "LA-50",
    Severity.WARNING,
    art("《劳动法》第五十条", "Labor Law Art. 50"),
    Text(
        "工资至少每月支付：约定的发薪日在某些月份不存在时提示（29–31 日）",
        "wages paid at least monthly: warns when the payday (29–31) does not exist in every month",
    ),
)
def payday_every_month(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.pay.payday > 28:
        yield Hit(
            "pay.payday",
            Text(
                f"部分月份没有 {contract.pay.payday} 日：请约定该月最后一日前支付，"
                "确保每月都支付工资",
                f"some months have no day {contract.pay.payday}: agree on the last day of the "
                "month so that wages are paid every month",
            ),
        )


@rule(
    "LCL-72-2",
    Severity.ERROR,
    art("《劳动合同法》第七十二条第二款", "Labor Contract Law Art. 72(2)"),
    Text(
        "非全日制用工劳动报酬结算支付周期最长不超过 15 日",
        "part-time pay settled at least every 15 days",
    ),
)
def part_time_pay_cycle(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if not _is_part_time(contract):
        return
    cycle = contract.pay.pay_cycle_days
    if cycle is None:
        yield Hit(
            "pay.pay_cycle_days",
            Text(
                "非全日制用工须约定结算支付周期（不超过 15 日）",
                "part-time employment needs a pay cycle of at most 15 days",
            ),
        )
    elif cycle > MAX_PART_TIME_PAY_CYCLE_DAYS:
        yield Hit(
            "pay.pay_cycle_days",
            Text(
                f"结算支付周期 {cycle} 日超过 15 日",
                f"a pay cycle of {cycle} days exceeds 15 days",
            ),
        )


@rule(
    "LCL-58-2-PAY",
    Severity.ERROR,
    art("《劳动合同法》第五十八条第二款", "Labor Contract Law Art. 58(2)"),
    Text(
        "被派遣劳动者无工作期间的报酬不低于最低工资标准（按工作地点核对）",
        "pay without an assignment at least the minimum wage (checked for the place of work)",
    ),
)
def unassigned_pay(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    figure = minimum_wage(contract, context)
    if contract.dispatch is None or contract.template is not TemplateId.DISPATCH or figure is None:
        return
    amount = contract.dispatch.unassigned_monthly_pay
    if amount < figure.monthly:
        yield Hit(
            "dispatch.unassigned_monthly_pay",
            Text(
                f"无工作期间报酬 {amount} 元低于月最低工资标准 {figure.monthly} 元"
                f"（{_source(figure)}）",
                f"pay without assignment {amount} below the monthly minimum wage "
                f"{figure.monthly} ({_source_en(figure)})",
            ),
        )
