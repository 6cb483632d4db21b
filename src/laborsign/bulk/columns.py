"""The columns of a bulk-issuance sheet, derived from the contract model.

Pure code, no I/O. Every leaf field of `Contract` that a row can fill becomes one column named
by its dotted path (`pay.monthly_wage`) and headed in Chinese. The employer's block is not a
column: it is the importing organisation's own record, the same on every row. Lists
(`agreed.penalties`) have no column: a sheet row holds one value per cell.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel

from laborsign.contracts.model import (
    ComprehensiveCycle,
    Contract,
    EmploymentForm,
    IdDocumentType,
    PayForm,
    Sex,
    TemplateId,
    TermType,
    WorkerCategory,
    WorkingTimeSystem,
)


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"


# Chinese headers, in the order of the model texts.
HEADERS: dict[str, str] = {
    "number": "合同编号",
    "signing_date": "签订日期",
    "worker.name": "乙方姓名",
    "worker.id_type": "证件类型",
    "worker.id_number": "证件号码",
    "worker.birth_date": "出生日期",
    "worker.sex": "性别",
    "worker.female_original_retirement_age": "原法定退休年龄（女职工）",
    "worker.household_address": "户籍地址",
    "worker.residence_address": "经常居住地（通讯地址）",
    "worker.phone": "乙方联系电话",
    "employment_start": "用工之日",
    "continuous_service_start": "连续工作起始日",
    "employment_form": "用工形式",
    "term.type": "合同期限类型",
    "term.start_date": "合同起始日",
    "term.end_date": "合同终止日",
    "term.task": "工作任务（以完成一定工作任务为期限）",
    "term.probation_end": "试用期截止日",
    "job.position": "岗位（工种）",
    "job.duties": "岗位职责",
    "job.place": "工作地点",
    "job.region.province": "工作地所在省份",
    "job.region.city": "工作地所在城市",
    "job.region.district": "工作地所在区县",
    "working_time.system": "工时制度",
    "working_time.cycle": "综合计算工时周期",
    "working_time.approval_number": "工时审批文号",
    "working_time.hours_per_day": "每日工作小时数",
    "working_time.days_per_week": "每周工作天数",
    "working_time.leave": "休息休假约定",
    "pay.form": "工资形式",
    "pay.monthly_wage": "月工资（元）",
    "pay.hourly_wage": "小时工资（元）",
    "pay.piece_rate": "计件单价",
    "pay.performance": "绩效工资计算办法",
    "pay.other": "其他工资形式说明",
    "pay.payday": "每月工资支付日",
    "pay.pay_cycle_days": "工资结算周期（天，非全日制）",
    "pay.probation_wage": "试用期工资（元）",
    "pay.same_position_lowest_wage": "本单位相同岗位最低档工资（元）",
    "pay.adjustment": "工资调整约定",
    "social_insurance.enrolled": "参加社会保险",
    "social_insurance.benefits": "福利待遇",
    "protection.training": "职业培训",
    "protection.conditions": "劳动保护和劳动条件",
    "protection.occupational_hazards": "职业危害防护",
    "agreed.non_compete.worker_category": "竞业限制人员类别",
    "agreed.non_compete.duration_months": "竞业限制期限（月）",
    "agreed.non_compete.monthly_compensation": "竞业限制月经济补偿（元）",
    "agreed.service_period.training_cost": "专项培训费用（元）",
    "agreed.service_period.months": "服务期（月）",
    "agreed.service_period.penalty": "服务期违约金（元）",
    "agreed.other": "其他约定事项",
    "dispatch.host_name": "用工单位",
    "dispatch.host_credit_code": "用工单位统一社会信用代码",
    "dispatch.start_date": "派遣起始日",
    "dispatch.end_date": "派遣终止日",
    "dispatch.position": "派遣岗位",
    "dispatch.place": "派遣工作地点",
    "dispatch.unassigned_monthly_pay": "无工作期间月报酬（元）",
    "other": "其他事项",
}

# Chinese names of the choices, shown in the sheet's drop-down lists.
CHOICE_NAMES: dict[type[Enum], dict[str, str]] = {
    IdDocumentType: {
        "resident_id": "居民身份证",
        "hmt_residence_permit": "港澳台居民居住证",
        "foreign_permanent_residence": "外国人永久居留身份证",
        "passport": "护照",
    },
    Sex: {"male": "男", "female": "女"},
    EmploymentForm: {"full_time": "全日制", "part_time": "非全日制"},
    TermType: {"fixed": "固定期限", "open_ended": "无固定期限", "task": "以完成一定工作任务为期限"},
    WorkingTimeSystem: {
        "standard": "标准工时工作制",
        "comprehensive": "综合计算工时工作制",
        "flexible": "不定时工作制",
    },
    ComprehensiveCycle: {"week": "周", "month": "月", "quarter": "季", "year": "年"},
    PayForm: {
        "monthly": "月工资",
        "piece": "计件工资",
        "base_plus_performance": "基本工资加绩效工资",
        "hourly": "小时工资",
        "other": "其他",
    },
    WorkerCategory: {
        "senior_management": "高级管理人员",
        "senior_technical": "高级技术人员",
        "confidentiality": "其他负有保密义务的人员",
        "other": "其他",
    },
}
TRUE_WORDS = {"是": True, "否": False}
# Blocks that are one optional object: absent when every one of their cells is blank.
OPTIONAL_GROUPS = ("agreed.non_compete", "agreed.service_period", "dispatch")
_SKIPPED_PREFIXES = ("schema_version", "template", "employer.", "agreed.penalties")


@dataclass(frozen=True, slots=True)
class Column:
    path: str
    header: str
    kind: Kind
    required: bool
    # (value, Chinese name) of each choice, in the model's order.
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        return self.header + ("*" if self.required else "")

    def choice_value(self, cell: str) -> str | None:
        """The stored value of a choice cell, given as its Chinese name or the value itself."""
        for value, name in self.choices:
            if cell in (value, name):
                return value
        return None


def _leaf_type(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and args:
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _column(path: str, annotation: Any, required: bool) -> Column:
    leaf = _leaf_type(annotation)
    header = HEADERS[path]
    if isinstance(leaf, type) and issubclass(leaf, Enum):
        names = CHOICE_NAMES[leaf]
        choices = tuple((m.value, names[m.value]) for m in leaf)
        return Column(path, header, Kind.CHOICE, required, choices)
    if typing.get_origin(leaf) is typing.Literal:
        choices = tuple((str(v), str(v)) for v in typing.get_args(leaf))
        return Column(path, header, Kind.CHOICE, required, choices)
    kind = {
        date: Kind.DATE,
        Decimal: Kind.NUMBER,
        int: Kind.INTEGER,
        bool: Kind.BOOLEAN,
    }.get(leaf, Kind.TEXT)
    return Column(path, header, kind, required)


def _walk(model: type[BaseModel], prefix: str, parent_required: bool) -> list[Column]:
    out: list[Column] = []
    for name, field in model.model_fields.items():
        path = prefix + name
        if path.startswith(_SKIPPED_PREFIXES):
            continue
        nested = _leaf_type(field.annotation)
        required = field.is_required() and parent_required
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            optional_group = path in OPTIONAL_GROUPS
            out.extend(_walk(nested, path + ".", required and not optional_group))
        else:
            out.append(_column(path, field.annotation, required))
    return out


def columns(template: TemplateId) -> tuple[Column, ...]:
    """The sheet's columns for one model text (the dispatch block only in dispatch sheets)."""
    found = _walk(Contract, "", True)
    if template is TemplateId.GENERAL:
        found = [c for c in found if not c.path.startswith("dispatch.")]
    return tuple(found)


def group_of(path: str) -> str | None:
    return next((g for g in OPTIONAL_GROUPS if path.startswith(g + ".")), None)
