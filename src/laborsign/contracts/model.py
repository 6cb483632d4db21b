"""The contract data: every blank and choice of the two MOHRSS model texts, typed.

Pure data, no I/O. The JSON Schema of `Contract` is published in docs/ (kept in sync by a
test). Amounts are in yuan (元) as decimals; dates are ISO dates; free texts are bounded and
refuse control characters so that nothing invisible ends up in a signed document.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["1.0"] = "1.0"

_ALLOWED_CONTROL = {"\n"}


def _no_control_characters(value: str) -> str:
    for ch in value:
        if ch not in _ALLOWED_CONTROL and unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"}:
            raise ValueError(
                f"含有不可见的控制字符 U+{ord(ch):04X} / contains the control character "
                f"U+{ord(ch):04X}"
            )
    return value


def _bounded(max_length: int, *, min_length: int = 1) -> object:
    return Field(min_length=min_length, max_length=max_length)


Name = Annotated[str, _bounded(100), AfterValidator(_no_control_characters)]
ShortText = Annotated[str, _bounded(200), AfterValidator(_no_control_characters)]
LongText = Annotated[str, _bounded(5000), AfterValidator(_no_control_characters)]
OptionalLongText = Annotated[
    str, _bounded(5000, min_length=0), AfterValidator(_no_control_characters)
]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9][0-9\- ]{4,19}$")]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("100000000"), decimal_places=2)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TemplateId(StrEnum):
    GENERAL = "general"  # 《劳动合同（通用）》
    DISPATCH = "dispatch"  # 《劳动合同（劳务派遣）》


class IdDocumentType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"  # 港澳台居民居住证
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"  # 外国人永久居留身份证
    PASSPORT = "passport"  # 护照


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Employer(_Model):
    """甲方: the employer, or in a dispatch contract the dispatch agency."""

    name: Name
    credit_code: Annotated[str, Field(min_length=18, max_length=18)]  # 统一社会信用代码
    legal_representative: Name  # 法定代表人（主要负责人）
    agent: Name | None = None  # 委托代理人
    registered_address: ShortText  # 注册地
    business_address: ShortText  # 经营地
    phone: Phone
    dispatch_licence: ShortText | None = None  # 劳务派遣经营许可证编号 (dispatch only)


class Worker(_Model):
    """乙方: the worker. The birth date and sex are read from a resident ID where it has one."""

    name: Name
    id_type: IdDocumentType = IdDocumentType.RESIDENT_ID
    id_number: Annotated[str, Field(min_length=5, max_length=32)]
    birth_date: date | None = None  # required for documents that do not encode it
    sex: Sex | None = None
    # 原法定退休年龄 of a woman (50, or 55 e.g. for cadre posts): selects her track of the
    # 2024 gradual raise; the retirement-age rule assumes 50 when it is not stated.
    female_original_retirement_age: Literal[50, 55] | None = None
    household_address: ShortText  # 户籍地址
    residence_address: ShortText  # 经常居住地（通讯地址）
    phone: Phone


class TermType(StrEnum):
    FIXED = "fixed"  # 固定期限
    OPEN_ENDED = "open_ended"  # 无固定期限
    TASK = "task"  # 以完成一定工作任务为期限


class Term(_Model):
    """一、劳动合同期限. Probation starts with the term and ends on `probation_end` (inclusive)."""

    type: TermType
    start_date: date
    end_date: date | None = None  # fixed term only
    task: LongText | None = None  # task-based term only
    probation_end: date | None = None


class EmploymentForm(StrEnum):
    FULL_TIME = "full_time"  # 全日制
    PART_TIME = "part_time"  # 非全日制 (LCL Art. 68–72)


class Region(_Model):
    """Where the work is performed, for minimum-wage lookup (条例 Art. 14)."""

    province: Name  # 省级行政区, e.g. 浙江省
    city: Name | None = None  # 地级市, e.g. 杭州市
    district: Name | None = None  # 区县, e.g. 西湖区


class Job(_Model):
    """二、工作内容和工作地点."""

    position: ShortText  # 岗位（工种）
    duties: LongText  # 岗位职责
    place: ShortText  # 工作地点 as written in the contract
    region: Region


class WorkingTimeSystem(StrEnum):
    STANDARD = "standard"  # 标准工时工作制
    COMPREHENSIVE = "comprehensive"  # 综合计算工时工作制
    FLEXIBLE = "flexible"  # 不定时工作制


class ComprehensiveCycle(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class WorkingTime(_Model):
    """三、工作时间和休息休假."""

    system: WorkingTimeSystem = WorkingTimeSystem.STANDARD
    cycle: ComprehensiveCycle | None = None  # comprehensive only
    approval_number: ShortText | None = None  # 审批文号 (comprehensive/flexible)
    hours_per_day: Annotated[Decimal, Field(gt=0, le=24)] = Decimal(8)
    days_per_week: Annotated[Decimal, Field(gt=0, le=7)] = Decimal(5)
    leave: OptionalLongText = ""  # agreed leave beyond the statutory


class PayForm(StrEnum):
    MONTHLY = "monthly"  # 月工资
    PIECE = "piece"  # 计件工资
    BASE_PLUS_PERFORMANCE = "base_plus_performance"  # 基本工资 + 绩效工资
    HOURLY = "hourly"  # 小时工资 (part-time)
    OTHER = "other"


class Pay(_Model):
    """四、劳动报酬. `monthly_wage` (月工资 or 基本工资) is what minimum-wage rules compare."""

    form: PayForm = PayForm.MONTHLY
    monthly_wage: Money | None = None
    hourly_wage: Money | None = None
    piece_rate: ShortText | None = None  # 计件单价
    performance: LongText | None = None  # how performance pay is computed
    other: LongText | None = None
    payday: Annotated[int, Field(ge=1, le=31)]  # 每月 N 日前支付
    pay_cycle_days: Annotated[int, Field(ge=1, le=31)] | None = None  # part-time
    probation_wage: Money | None = None
    same_position_lowest_wage: Money | None = None  # 本单位相同岗位最低档工资
    adjustment: OptionalLongText = ""


class SocialInsurance(_Model):
    """五、社会保险和福利待遇."""

    enrolled: bool = True
    benefits: OptionalLongText = ""


class Protection(_Model):
    """六、职业培训和劳动保护."""

    training: OptionalLongText = ""
    conditions: LongText  # 劳动保护和劳动条件
    occupational_hazards: LongText  # 职业危害防护


class WorkerCategory(StrEnum):
    SENIOR_MANAGEMENT = "senior_management"  # 高级管理人员
    SENIOR_TECHNICAL = "senior_technical"  # 高级技术人员
    CONFIDENTIALITY = "confidentiality"  # 其他负有保密义务的人员
    OTHER = "other"


class NonCompete(_Model):
    worker_category: WorkerCategory
    duration_months: Annotated[int, Field(ge=1, le=600)]
    monthly_compensation: Money | None = None


class ServicePeriod(_Model):
    training_cost: Money  # 专项培训费用
    months: Annotated[int, Field(ge=1, le=600)]
    penalty: Money  # 违约金


class PenaltyReason(StrEnum):
    SERVICE_PERIOD = "service_period"
    NON_COMPETE = "non_compete"
    OTHER = "other"


class Penalty(_Model):
    """A 违约金 the worker would owe (LCL Art. 25 allows two reasons only)."""

    reason: PenaltyReason
    clause: ShortText
    amount: Money


class AgreedMatters(_Model):
    """八、双方约定事项."""

    non_compete: NonCompete | None = None
    service_period: ServicePeriod | None = None
    penalties: tuple[Penalty, ...] = ()
    other: OptionalLongText = ""


class Dispatch(_Model):
    """The dispatch-only part (《劳动合同（劳务派遣）》, LCL Art. 58–59)."""

    host_name: Name  # 用工单位
    host_credit_code: Annotated[str, Field(min_length=18, max_length=18)] | None = None
    start_date: date
    end_date: date
    position: ShortText
    place: ShortText
    unassigned_monthly_pay: Money  # 无工作期间的报酬


class Contract(_Model):
    """A labor contract as filled in from one of the two model texts."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    template: TemplateId
    number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9\-_/]{0,63}$")]  # 合同编号
    signing_date: date | None = None
    employer: Employer
    worker: Worker
    employment_start: date | None = None  # 用工之日; the term start when absent
    # Start of continuous service with this employer when it began before the contracts
    # the platform knows (for the ten-year open-ended entitlement, LCL Art. 14(2)(1)).
    continuous_service_start: date | None = None
    employment_form: EmploymentForm = EmploymentForm.FULL_TIME
    term: Term
    job: Job
    working_time: WorkingTime = WorkingTime()
    pay: Pay
    social_insurance: SocialInsurance = SocialInsurance()
    protection: Protection
    agreed: AgreedMatters = AgreedMatters()
    dispatch: Dispatch | None = None
    other: OptionalLongText = ""  # 十、其他 — additional terms

    @property
    def effective_employment_start(self) -> date:
        return self.employment_start or self.term.start_date
