"""Service period, non-compete and penalties on the worker (LCL Art. 22–25)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from laborsign.contracts.model import Contract, PenaltyReason, WorkerCategory
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.ports import RuleContext
from laborsign.i18n import Text

MAX_NON_COMPETE_MONTHS = 24
PENALTY_WORD = "违约金"


@rule(
    "LCL-24-1",
    Severity.ERROR,
    art("《劳动合同法》第二十四条第一款", "Labor Contract Law Art. 24(1)"),
    Text(
        "竞业限制仅限于高级管理人员、高级技术人员和其他负有保密义务的人员",
        "non-compete only for senior management, senior technical staff and others bound "
        "to confidentiality",
    ),
)
def non_compete_category(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    nc = contract.agreed.non_compete
    if nc and nc.worker_category is WorkerCategory.OTHER:
        yield Hit(
            "agreed.non_compete.worker_category",
            Text(
                "此类人员不得约定竞业限制",
                "a non-compete may not be agreed with this worker",
            ),
        )


@rule(
    "LCL-24-2",
    Severity.ERROR,
    art("《劳动合同法》第二十四条第二款", "Labor Contract Law Art. 24(2)"),
    Text("竞业限制期限不得超过二年", "non-compete at most 2 years"),
)
def non_compete_duration(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    nc = contract.agreed.non_compete
    if nc and nc.duration_months > MAX_NON_COMPETE_MONTHS:
        yield Hit(
            "agreed.non_compete.duration_months",
            Text(
                f"竞业限制期限 {nc.duration_months} 个月超过二年",
                f"a non-compete of {nc.duration_months} months exceeds 2 years",
            ),
        )


@rule(
    "LCL-23-2",
    Severity.WARNING,
    art("《劳动合同法》第二十三条第二款", "Labor Contract Law Art. 23(2)"),
    Text(
        "竞业限制期间按月给予经济补偿：未约定补偿时提示",
        "monthly compensation during the non-compete: warns when none is agreed",
    ),
)
def non_compete_compensation(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    nc = contract.agreed.non_compete
    if nc and not nc.monthly_compensation:
        yield Hit(
            "agreed.non_compete.monthly_compensation",
            Text(
                "竞业限制未约定按月支付的经济补偿",
                "no monthly compensation is agreed for the non-compete",
            ),
        )


@rule(
    "LCL-22-2",
    Severity.ERROR,
    art("《劳动合同法》第二十二条第二款", "Labor Contract Law Art. 22(2)"),
    Text(
        "服务期违约金不得超过用人单位提供的培训费用",
        "service-period penalty at most the training cost paid",
    ),
)
def service_period_penalty(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    sp = contract.agreed.service_period
    if sp is None:
        return
    if sp.penalty > sp.training_cost:
        yield Hit(
            "agreed.service_period.penalty",
            Text(
                f"服务期违约金 {sp.penalty} 元超过培训费用 {sp.training_cost} 元",
                f"penalty {sp.penalty} exceeds the training cost {sp.training_cost}",
            ),
        )
    for i, p in enumerate(contract.agreed.penalties):
        if p.reason is PenaltyReason.SERVICE_PERIOD and p.amount > sp.training_cost:
            yield Hit(
                f"agreed.penalties[{i}].amount",
                Text(
                    f"服务期违约金 {p.amount} 元超过培训费用 {sp.training_cost} 元",
                    f"penalty {p.amount} exceeds the training cost {sp.training_cost}",
                ),
            )


@rule(
    "LCL-25",
    Severity.ERROR,
    art("《劳动合同法》第二十五条", "Labor Contract Law Art. 25"),
    Text(
        "仅服务期和竞业限制可约定由劳动者承担违约金（且须有相应约定）",
        "a penalty on the worker only for a service period or a non-compete (which must exist)",
    ),
)
def penalty_reasons(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    agreed = contract.agreed
    for i, p in enumerate(agreed.penalties):
        path = f"agreed.penalties[{i}].reason"
        if p.reason is PenaltyReason.OTHER:
            yield Hit(
                path,
                Text(
                    "除服务期和竞业限制外，不得约定由劳动者承担违约金",
                    "the worker may owe a penalty only for a service period or a non-compete",
                ),
            )
        elif p.reason is PenaltyReason.SERVICE_PERIOD and agreed.service_period is None:
            yield Hit(path, Text("没有服务期约定", "there is no service-period agreement"))
        elif p.reason is PenaltyReason.NON_COMPETE and agreed.non_compete is None:
            yield Hit(path, Text("没有竞业限制约定", "there is no non-compete agreement"))


def text_fields(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string value of a model with its field path (lists as `[i]`)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from text_fields(value, path + ".")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from text_fields(item, f"{path}[{i}].")


@rule(
    "LCL-25-TEXT",
    Severity.WARNING,
    art("《劳动合同法》第二十五条", "Labor Contract Law Art. 25"),
    Text(
        "自由文本中出现“违约金”（服务期、竞业限制条款以外）时提示核对",
        "free text mentioning 违约金 outside the service-period and non-compete clauses",
    ),
)
def penalty_in_free_text(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    for path, value in text_fields(contract):
        # Structured penalties are judged by LCL-25; their clause text may name 违约金.
        if path.startswith("agreed.penalties[") or PENALTY_WORD not in value:
            continue
        yield Hit(
            path,
            Text(
                "文本提到“违约金”：除服务期和竞业限制外，不得约定由劳动者承担违约金，请核对",
                "the text mentions a penalty (违约金): the worker may owe one only for a service "
                "period or a non-compete; please review",
            ),
        )
