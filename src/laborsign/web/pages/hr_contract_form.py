"""The contract form of the HR console, generated from the contract model.

Pure code, no I/O. Every leaf field of `Contract` becomes one input named by its dotted path
(`pay.monthly_wage`), grouped by the sections of the model texts (双方基本情况, 一 … 十, and
the dispatch part): enums are selects, dates date inputs, amounts number inputs, booleans
checkboxes. `parse` turns a submitted form back into the nested data `Contract` validates;
`place` puts rule findings and validation errors beside the input they concern.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from laborsign.contracts.model import Contract, TemplateId
from laborsign.i18n import Text


class Kind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    CHECKBOX = "checkbox"
    SELECT = "select"


# Paths of the form's inputs with their labels, in the order of the model texts.
LABELS: dict[str, Text] = {
    "number": Text("合同编号", "Contract number"),
    "signing_date": Text("签订日期", "Signing date"),
    "employer.name": Text("甲方名称", "Employer name"),
    "employer.credit_code": Text("统一社会信用代码", "Unified social credit code"),
    "employer.legal_representative": Text(
        "法定代表人（主要负责人）", "Legal representative (principal)"
    ),
    "employer.agent": Text("委托代理人", "Authorised agent"),
    "employer.registered_address": Text("注册地", "Registered address"),
    "employer.business_address": Text("经营地", "Business address"),
    "employer.phone": Text("甲方联系电话", "Employer phone"),
    "employer.dispatch_licence": Text("劳务派遣经营许可证编号", "Labor dispatch licence number"),
    "worker.name": Text("乙方姓名", "Worker name"),
    "worker.id_type": Text("证件类型", "ID document type"),
    "worker.id_number": Text("证件号码", "ID number"),
    "worker.birth_date": Text("出生日期", "Date of birth"),
    "worker.sex": Text("性别", "Sex"),
    "worker.female_original_retirement_age": Text(
        "原法定退休年龄（女职工）", "Original statutory retirement age (women)"
    ),
    "worker.household_address": Text("户籍地址", "Household registration address"),
    "worker.residence_address": Text("经常居住地（通讯地址）", "Usual residence (postal address)"),
    "worker.phone": Text("乙方联系电话", "Worker phone"),
    "employment_start": Text("用工之日", "First day of work"),
    "continuous_service_start": Text("连续工作起始日", "Start of continuous service"),
    "employment_form": Text("用工形式", "Form of employment"),
    "term.type": Text("合同期限类型", "Term type"),
    "term.start_date": Text("合同起始日", "Term start"),
    "term.end_date": Text("合同终止日", "Term end"),
    "term.task": Text("工作任务", "Task (task-based term)"),
    "term.probation_end": Text("试用期截止日", "Probation ends"),
    "job.position": Text("岗位（工种）", "Position"),
    "job.duties": Text("岗位职责", "Duties"),
    "job.place": Text("工作地点", "Place of work"),
    "job.region.province": Text("工作地所在省份", "Province of work"),
    "job.region.city": Text("工作地所在城市", "City of work"),
    "job.region.district": Text("工作地所在区县", "District of work"),
    "working_time.system": Text("工时制度", "Working-time system"),
    "working_time.cycle": Text("综合计算工时周期", "Averaging period"),
    "working_time.approval_number": Text("工时审批文号", "Working-time approval number"),
    "working_time.hours_per_day": Text("每日工作小时数", "Hours per day"),
    "working_time.days_per_week": Text("每周工作天数", "Days per week"),
    "working_time.leave": Text("休息休假约定", "Agreed leave"),
    "pay.form": Text("工资形式", "Form of pay"),
    "pay.monthly_wage": Text("月工资（元）", "Monthly wage (yuan)"),
    "pay.hourly_wage": Text("小时工资（元）", "Hourly wage (yuan)"),
    "pay.piece_rate": Text("计件单价", "Piece rate"),
    "pay.performance": Text("绩效工资计算办法", "How performance pay is computed"),
    "pay.other": Text("其他工资形式说明", "Other form of pay"),
    "pay.payday": Text("每月工资支付日", "Payday of the month"),
    "pay.pay_cycle_days": Text("工资结算周期（天，非全日制）", "Pay cycle (days, part-time)"),
    "pay.probation_wage": Text("试用期工资（元）", "Probation wage (yuan)"),
    "pay.same_position_lowest_wage": Text(
        "本单位相同岗位最低档工资（元）", "Lowest wage of the same position here (yuan)"
    ),
    "pay.adjustment": Text("工资调整约定", "Wage adjustment"),
    "social_insurance.enrolled": Text("依法参加社会保险", "Enrolled in social insurance"),
    "social_insurance.benefits": Text("福利待遇", "Benefits"),
    "protection.training": Text("职业培训", "Vocational training"),
    "protection.conditions": Text("劳动保护和劳动条件", "Labor protection and conditions"),
    "protection.occupational_hazards": Text("职业危害防护", "Occupational hazard protection"),
    "agreed.non_compete.worker_category": Text("竞业限制人员类别", "Non-compete: category"),
    "agreed.non_compete.duration_months": Text(
        "竞业限制期限（月）", "Non-compete: duration (months)"
    ),
    "agreed.non_compete.monthly_compensation": Text(
        "竞业限制月经济补偿（元）", "Non-compete: monthly compensation (yuan)"
    ),
    "agreed.service_period.training_cost": Text(
        "专项培训费用（元）", "Service period: training cost (yuan)"
    ),
    "agreed.service_period.months": Text("服务期（月）", "Service period (months)"),
    "agreed.service_period.penalty": Text("服务期违约金（元）", "Service period: penalty (yuan)"),
    "agreed.other": Text("其他约定事项", "Other agreed matters"),
    "dispatch.host_name": Text("用工单位", "Host employer"),
    "dispatch.host_credit_code": Text("用工单位统一社会信用代码", "Host employer's credit code"),
    "dispatch.start_date": Text("派遣起始日", "Dispatch start"),
    "dispatch.end_date": Text("派遣终止日", "Dispatch end"),
    "dispatch.position": Text("派遣岗位", "Dispatch position"),
    "dispatch.place": Text("派遣工作地点", "Dispatch place of work"),
    "dispatch.unassigned_monthly_pay": Text(
        "无工作期间月报酬（元）", "Monthly pay while unassigned (yuan)"
    ),
    "other": Text("其他事项", "Other terms"),
}

# Names of the choices (enum values and literals), Chinese and English.
CHOICE_NAMES: dict[str, Text] = {
    "resident_id": Text("居民身份证", "Resident ID card"),
    "hmt_residence_permit": Text("港澳台居民居住证", "HK/Macao/Taiwan residence permit"),
    "foreign_permanent_residence": Text("外国人永久居留身份证", "Foreign permanent residence ID"),
    "passport": Text("护照", "Passport"),
    "male": Text("男", "male"),
    "female": Text("女", "female"),
    "full_time": Text("全日制", "full-time"),
    "part_time": Text("非全日制", "part-time"),
    "fixed": Text("固定期限", "fixed term"),
    "open_ended": Text("无固定期限", "open-ended"),
    "task": Text("以完成一定工作任务为期限", "until a task is done"),
    "standard": Text("标准工时工作制", "standard hours"),
    "comprehensive": Text("综合计算工时工作制", "averaged hours"),
    "flexible": Text("不定时工作制", "flexible hours"),
    "week": Text("周", "week"),
    "month": Text("月", "month"),
    "quarter": Text("季", "quarter"),
    "year": Text("年", "year"),
    "monthly": Text("月工资", "monthly wage"),
    "piece": Text("计件工资", "piece rate"),
    "base_plus_performance": Text("基本工资加绩效工资", "base plus performance pay"),
    "hourly": Text("小时工资", "hourly wage"),
    "other": Text("其他", "other"),
    "senior_management": Text("高级管理人员", "senior management"),
    "senior_technical": Text("高级技术人员", "senior technical staff"),
    "confidentiality": Text("其他负有保密义务的人员", "other staff bound to confidentiality"),
    "50": Text("50 周岁", "50 years"),
    "55": Text("55 周岁", "55 years"),
}

# The sections of the model texts; a field belongs to the first whose prefix it starts with.
SECTIONS: tuple[tuple[str, Text, tuple[str, ...]], ...] = (
    ("parties", Text("双方基本情况", "The parties"), ("number", "signing_date", "employer.")),
    ("worker", Text("乙方（劳动者）", "The worker"), ("worker.",)),
    (
        "term",
        Text("一、劳动合同期限", "1. Term of the contract"),
        ("term.", "employment_start", "continuous_service_start", "employment_form"),
    ),
    ("job", Text("二、工作内容和工作地点", "2. Work and place of work"), ("job.",)),
    ("time", Text("三、工作时间和休息休假", "3. Working time, rest and leave"), ("working_time.",)),
    ("pay", Text("四、劳动报酬", "4. Remuneration"), ("pay.",)),
    (
        "insurance",
        Text("五、社会保险和福利待遇", "5. Social insurance and benefits"),
        ("social_insurance.",),
    ),
    (
        "protection",
        Text("六、职业培训和劳动保护", "6. Training and labor protection"),
        ("protection.",),
    ),
    ("agreed", Text("八、双方约定事项", "8. Matters agreed by the parties"), ("agreed.",)),
    ("dispatch", Text("劳务派遣", "Labor dispatch"), ("dispatch.",)),
    ("other", Text("十、其他", "10. Other"), ("other",)),
)
# Blocks that are one optional object: left out when every one of their inputs is blank.
OPTIONAL_GROUPS = ("agreed.non_compete", "agreed.service_period", "dispatch")
_SKIPPED = ("schema_version", "template", "agreed.penalties")
_LONG = frozenset(
    {
        "term.task",
        "job.duties",
        "working_time.leave",
        "pay.performance",
        "pay.other",
        "pay.adjustment",
        "social_insurance.benefits",
        "protection.training",
        "protection.conditions",
        "protection.occupational_hazards",
        "agreed.other",
        "other",
    }
)


@dataclass(frozen=True, slots=True)
class FormField:
    path: str
    label: Text
    kind: Kind
    required: bool
    choices: tuple[tuple[str, Text], ...] = ()
    numeric_choices: bool = False  # a Literal of numbers: the value goes back as an int

    @property
    def id(self) -> str:
        """An HTML id (dots are valid, but awkward in CSS selectors)."""
        return "f-" + self.path.replace(".", "-").replace("_", "-")


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: Text
    fields: tuple[FormField, ...]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None was allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _leaf(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _field(path: str, annotation: Any, required: bool) -> FormField:
    leaf = _leaf(annotation)
    label = LABELS[path]
    if isinstance(leaf, type) and issubclass(leaf, Enum):
        choices = tuple((str(m.value), CHOICE_NAMES[str(m.value)]) for m in leaf)
        return FormField(path, label, Kind.SELECT, required, choices)
    if typing.get_origin(leaf) is Literal:
        values = typing.get_args(leaf)
        choices = tuple((str(v), CHOICE_NAMES[str(v)]) for v in values)
        numeric = all(isinstance(v, int) for v in values)
        return FormField(path, label, Kind.SELECT, required, choices, numeric)
    if leaf is bool:
        return FormField(path, label, Kind.CHECKBOX, False)
    if leaf is date:
        return FormField(path, label, Kind.DATE, required)
    if leaf is Decimal:
        return FormField(path, label, Kind.NUMBER, required)
    if leaf is int:
        return FormField(path, label, Kind.INTEGER, required)
    kind = Kind.TEXTAREA if path in _LONG else Kind.TEXT
    return FormField(path, label, kind, required)


def _walk(model: type[BaseModel], prefix: str, parent_required: bool) -> list[FormField]:
    out: list[FormField] = []
    for name, info in model.model_fields.items():
        path = prefix + name
        if path.startswith(_SKIPPED):
            continue
        annotation, optional = _unwrap(info.annotation)
        required = parent_required and info.is_required() and not optional
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            # A nested block: its fields are required only where the block itself is.
            out.extend(_walk(annotation, path + ".", required or not optional))
        else:
            out.append(_field(path, annotation, required))
    return out


def sections(template: TemplateId) -> tuple[Section, ...]:
    """The form's sections for `template` (the dispatch part only for dispatch contracts)."""
    fields = _walk(Contract, "", True)
    if template is not TemplateId.DISPATCH:
        fields = [f for f in fields if not f.path.startswith(("dispatch.", "employer.dispatch"))]
    grouped: list[Section] = []
    for key, title, _prefixes in SECTIONS:
        mine = tuple(f for f in fields if _section_of(f.path) == key)
        if mine:
            grouped.append(Section(key, title, mine))
    return tuple(grouped)


def _section_of(path: str) -> str:
    for key, _title, prefixes in SECTIONS:
        if any(path == p or (p.endswith(".") and path.startswith(p)) for p in prefixes):
            return key
    raise KeyError(path)


def input_paths(template: TemplateId) -> list[str]:
    return [f.path for s in sections(template) for f in s.fields]


# ---- values in and out ----------------------------------------------------------------------


def values_of(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """The form's values from a contract's JSON (model_dump(mode="json")), by dotted path."""
    out: dict[str, str] = {}
    for name, value in data.items():
        path = prefix + name
        if isinstance(value, Mapping):
            out.update(values_of(value, path + "."))
        elif value is None or isinstance(value, list):
            continue
        elif isinstance(value, bool):
            out[path] = "on" if value else ""
        else:
            out[path] = str(value)
    return out


def parse(form: Mapping[str, str], template: TemplateId) -> dict[str, Any]:
    """Nested data for `Contract` from a submitted form: blank inputs are left out (the
    model's defaults apply), an optional block whose inputs are all blank is left out."""
    fields = [f for s in sections(template) for f in s.fields]
    flat: dict[str, object] = {}
    for f in fields:
        raw = form.get(f.path, "").strip()
        if f.kind is Kind.CHECKBOX:
            flat[f.path] = raw == "on"
        elif f.numeric_choices and raw.isdigit():
            flat[f.path] = int(raw)
        elif raw.strip():
            flat[f.path] = raw.strip()
    for group in OPTIONAL_GROUPS:
        if not any(p.startswith(group + ".") for p in flat):
            flat = {p: v for p, v in flat.items() if not p.startswith(group + ".")}
    nested: dict[str, Any] = {"template": template.value}
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


# ---- findings beside their inputs -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    """One message shown beside an input: a rule finding or a validation error."""

    severity: str  # error | warning | info
    message: Text
    article: Text | None = None
    warning_id: str | None = None  # an acknowledgeable warning's id


@dataclass(slots=True)
class Placed:
    by_field: dict[str, list[Note]] = field(default_factory=dict)
    general: list[Note] = field(default_factory=list)

    def add(self, path: str | None, note: Note, inputs: Sequence[str]) -> None:
        target = nearest_input(path, inputs)
        if target is None:
            self.general.append(note)
        else:
            self.by_field.setdefault(target, []).append(note)

    @property
    def errors(self) -> int:
        notes = [n for ns in self.by_field.values() for n in ns] + self.general
        return sum(1 for n in notes if n.severity == "error")

    @property
    def warnings(self) -> list[Note]:
        notes = [n for ns in self.by_field.values() for n in ns] + self.general
        return [n for n in notes if n.warning_id is not None]


def nearest_input(path: str | None, inputs: Sequence[str]) -> str | None:
    """The input a field path concerns: itself, else the first input inside it (a block
    such as `term`), else the nearest enclosing input (`agreed.penalties[0].amount` has
    none and goes to the general list)."""
    if not path:
        return None
    path = path.split("[", 1)[0]
    if path in inputs:
        return path
    inside = [p for p in inputs if p.startswith(path + ".")]
    if inside:
        return inside[0]
    parts = path.split(".")
    while len(parts) > 1:
        parts.pop()
        candidate = ".".join(parts)
        if candidate in inputs:
            return candidate
    return None


def validation_notes(error: ValidationError) -> list[tuple[str, Note]]:
    """Pydantic's errors as (field path, note); the message is pydantic's own (English)
    after a Chinese lead, since pydantic has no Chinese messages."""
    out = []
    for problem in error.errors(include_url=False):
        path = ".".join(str(p) for p in problem["loc"] if not isinstance(p, int))
        message = str(problem["msg"])
        out.append((path, Note("error", Text(f"填写有误：{message}", message))))
    return out
