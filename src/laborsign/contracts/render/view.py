"""What the templates show: a contract turned into display strings, and its text fields.

Formatting (dates, amounts, the chosen option among the model's choices) happens here, in
plain Python, so that the Typst templates only lay out strings and the wording of every
choice is testable without compiling a PDF.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from laborsign.contracts.model import (
    ComprehensiveCycle,
    Contract,
    EmploymentForm,
    IdDocumentType,
    PayForm,
    PenaltyReason,
    Sex,
    TemplateId,
    TermType,
    WorkerCategory,
    WorkingTimeSystem,
)

TITLES: Mapping[TemplateId, str] = {
    TemplateId.GENERAL: "劳动合同（通用）",
    TemplateId.DISPATCH: "劳动合同（劳务派遣）",
}
TERM_TYPES: Mapping[TermType, str] = {
    TermType.FIXED: "固定期限",
    TermType.OPEN_ENDED: "无固定期限",
    TermType.TASK: "以完成一定工作任务为期限",
}
EMPLOYMENT_FORMS: Mapping[EmploymentForm, str] = {
    EmploymentForm.FULL_TIME: "全日制",
    EmploymentForm.PART_TIME: "非全日制",
}
ID_TYPES: Mapping[IdDocumentType, str] = {
    IdDocumentType.RESIDENT_ID: "居民身份证",
    IdDocumentType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    IdDocumentType.FOREIGN_PERMANENT_RESIDENCE: "外国人永久居留身份证",
    IdDocumentType.PASSPORT: "护照",
}
SEXES: Mapping[Sex, str] = {Sex.MALE: "男", Sex.FEMALE: "女"}
WORKING_TIME_SYSTEMS: Mapping[WorkingTimeSystem, str] = {
    WorkingTimeSystem.STANDARD: "标准工时工作制",
    WorkingTimeSystem.COMPREHENSIVE: "综合计算工时工作制",
    WorkingTimeSystem.FLEXIBLE: "不定时工作制",
}
CYCLES: Mapping[ComprehensiveCycle, str] = {
    ComprehensiveCycle.WEEK: "周",
    ComprehensiveCycle.MONTH: "月",
    ComprehensiveCycle.QUARTER: "季",
    ComprehensiveCycle.YEAR: "年",
}
PAY_FORMS: Mapping[PayForm, str] = {
    PayForm.MONTHLY: "月工资",
    PayForm.PIECE: "计件工资",
    PayForm.BASE_PLUS_PERFORMANCE: "基本工资和绩效工资相结合",
    PayForm.HOURLY: "小时工资",
    PayForm.OTHER: "其他形式",
}
WORKER_CATEGORIES: Mapping[WorkerCategory, str] = {
    WorkerCategory.SENIOR_MANAGEMENT: "高级管理人员",
    WorkerCategory.SENIOR_TECHNICAL: "高级技术人员",
    WorkerCategory.CONFIDENTIALITY: "其他负有保密义务的人员",
    WorkerCategory.OTHER: "其他人员",
}
PENALTY_REASONS: Mapping[PenaltyReason, str] = {
    PenaltyReason.SERVICE_PERIOD: "违反服务期约定",
    PenaltyReason.NON_COMPETE: "违反竞业限制约定",
    PenaltyReason.OTHER: "其他",
}

BLANK = "＿＿＿＿"
BLANK_DATE = "＿＿＿＿年＿＿月＿＿日"


def fmt_date(value: date | None) -> str:
    return BLANK_DATE if value is None else f"{value.year} 年 {value.month} 月 {value.day} 日"


def fmt_money(value: Decimal | None) -> str:
    return BLANK if value is None else f"{value:,.2f}"


def fmt_number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def text_or_blank(value: str | None) -> str:
    return value if value else BLANK


def choice(labels: Mapping[Any, str], chosen: object) -> list[dict[str, Any]]:
    """All options of a choice in the model's order, the chosen one marked (☑ / ☐)."""
    return [{"label": label, "chosen": key == chosen} for key, label in labels.items()]


def build_view(contract: Contract) -> dict[str, Any]:
    """The JSON document the templates read through `sys.inputs`."""
    c = contract
    e, w, t, job, wt, pay = c.employer, c.worker, c.term, c.job, c.working_time, c.pay
    agreed = c.agreed
    view: dict[str, Any] = {
        "template": c.template.value,
        "title": TITLES[c.template],
        "number": c.number,
        "signing_date": fmt_date(c.signing_date),
        "employer": {
            "name": e.name,
            "credit_code": e.credit_code,
            "legal_representative": e.legal_representative,
            "agent": text_or_blank(e.agent),
            "registered_address": e.registered_address,
            "business_address": e.business_address,
            "phone": e.phone,
            "dispatch_licence": text_or_blank(e.dispatch_licence),
        },
        "worker": {
            "name": w.name,
            "id_type": ID_TYPES[w.id_type],
            "id_number": w.id_number,
            "birth_date": fmt_date(w.birth_date) if w.birth_date else "",
            "sex": SEXES[w.sex] if w.sex else "",
            "household_address": w.household_address,
            "residence_address": w.residence_address,
            "phone": w.phone,
        },
        "term": {
            "type": t.type.value,
            "options": choice(TERM_TYPES, t.type),
            "start": fmt_date(t.start_date),
            "end": fmt_date(t.end_date),
            "task": text_or_blank(t.task),
            "probation": t.probation_end is not None,
            "probation_end": fmt_date(t.probation_end),
            "employment_start": fmt_date(c.effective_employment_start),
            "employment_form": choice(EMPLOYMENT_FORMS, c.employment_form),
        },
        "job": {
            "position": job.position,
            "duties": job.duties,
            "place": job.place,
            "region": "".join(
                part for part in (job.region.province, job.region.city, job.region.district) if part
            ),
        },
        "working_time": {
            "system": wt.system.value,
            "options": choice(WORKING_TIME_SYSTEMS, wt.system),
            "cycle": CYCLES[wt.cycle] if wt.cycle else BLANK,
            "approval_number": text_or_blank(wt.approval_number),
            "hours_per_day": fmt_number(wt.hours_per_day),
            "days_per_week": fmt_number(wt.days_per_week),
            "leave": wt.leave,
        },
        "pay": {
            "form": pay.form.value,
            "options": choice(PAY_FORMS, pay.form),
            "monthly_wage": fmt_money(pay.monthly_wage),
            "hourly_wage": fmt_money(pay.hourly_wage),
            "piece_rate": text_or_blank(pay.piece_rate),
            "performance": text_or_blank(pay.performance),
            "other": text_or_blank(pay.other),
            "payday": str(pay.payday),
            "pay_cycle_days": str(pay.pay_cycle_days) if pay.pay_cycle_days else "",
            "probation_wage": fmt_money(pay.probation_wage),
            "same_position_lowest_wage": fmt_money(pay.same_position_lowest_wage)
            if pay.same_position_lowest_wage is not None
            else "",
            "adjustment": pay.adjustment,
        },
        "social_insurance": {
            "enrolled": c.social_insurance.enrolled,
            "benefits": c.social_insurance.benefits,
        },
        "protection": {
            "training": c.protection.training,
            "conditions": c.protection.conditions,
            "occupational_hazards": c.protection.occupational_hazards,
        },
        "agreed": {
            "non_compete": None
            if agreed.non_compete is None
            else {
                "worker_category": WORKER_CATEGORIES[agreed.non_compete.worker_category],
                "duration_months": str(agreed.non_compete.duration_months),
                "monthly_compensation": fmt_money(agreed.non_compete.monthly_compensation),
            },
            "service_period": None
            if agreed.service_period is None
            else {
                "training_cost": fmt_money(agreed.service_period.training_cost),
                "months": str(agreed.service_period.months),
                "penalty": fmt_money(agreed.service_period.penalty),
            },
            "penalties": [
                {
                    "reason": PENALTY_REASONS[p.reason],
                    "clause": p.clause,
                    "amount": fmt_money(p.amount),
                }
                for p in agreed.penalties
            ],
            "other": agreed.other,
        },
        "dispatch": None
        if c.dispatch is None
        else {
            "host_name": c.dispatch.host_name,
            "host_credit_code": text_or_blank(c.dispatch.host_credit_code),
            "start": fmt_date(c.dispatch.start_date),
            "end": fmt_date(c.dispatch.end_date),
            "position": c.dispatch.position,
            "place": c.dispatch.place,
            "unassigned_monthly_pay": fmt_money(c.dispatch.unassigned_monthly_pay),
        },
        "other": c.other,
    }
    return view


def text_fields(contract: Contract) -> Iterator[tuple[str, str]]:
    """Every free text of the contract as (field path, value), e.g. ("worker.name", "张三")."""
    yield from _walk(contract.model_dump(mode="json"), "")


def _walk(node: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")
