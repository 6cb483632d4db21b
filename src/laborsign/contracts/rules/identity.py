"""Who the parties are: ID documents, the worker's age, the employer's credit code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from laborsign.contracts.model import Contract, IdDocumentType, Sex
from laborsign.contracts.rules.base import Hit, Severity, art, rule
from laborsign.contracts.rules.periods import birthday, has_full_years
from laborsign.contracts.rules.ports import RuleContext
from laborsign.contracts.rules.retirement import describe_age, retirement_date, track_for
from laborsign.i18n import Text

ID_FIELD = "worker.id_number"
_HMT = re.compile(r"^8[123]\d{15}[\dX]$")  # 810000 Hong Kong, 820000 Macao, 830000 Taiwan
_FOREIGN_OLD = re.compile(r"^[A-Z]{3}\d{12}$")  # 2004/2017 cards: nationality letters + digits
_FOREIGN_NEW = re.compile(r"^9\d{16}[\dX]$")  # 2023 card: GB 11643 layout, first digit 9
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")


def compact_id(number: str) -> str:
    return re.sub(r"[\s-]", "", number).upper()


def _gb11643_birth(number: str) -> date | None:
    """Birth date in positions 7–14 of an 18-character GB 11643-layout number."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _gb11643_sex(number: str) -> Sex:
    return Sex.MALE if int(number[16]) % 2 else Sex.FEMALE


def encoded_birth_and_sex(contract: Contract) -> tuple[date | None, Sex | None]:
    """Birth date and sex as the ID number encodes them (None when it does not)."""
    return _encoded(contract.worker.id_type, compact_id(contract.worker.id_number))


@lru_cache(maxsize=1024)
def _encoded(kind: IdDocumentType, number: str) -> tuple[date | None, Sex | None]:
    # Several rules ask for the same number; python-stdnum's check reads its area-code
    # database each time, which cost more than all the rules together.
    if kind is IdDocumentType.RESIDENT_ID and ric.is_valid(number):
        return ric.get_birth_date(number), _gb11643_sex(number)
    if (kind is IdDocumentType.HMT_RESIDENCE_PERMIT and _HMT.match(number)) or (
        kind is IdDocumentType.FOREIGN_PERMANENT_RESIDENCE and _FOREIGN_NEW.match(number)
    ):
        return _gb11643_birth(number), _gb11643_sex(number)
    return None, None


def birth_and_sex(contract: Contract) -> tuple[date | None, Sex | None]:
    """The ID number wins where it encodes them; else what the contract states."""
    birth, sex = encoded_birth_and_sex(contract)
    return birth or contract.worker.birth_date, sex or contract.worker.sex


def _checked_gb11643(number: str, today: date, label: Text) -> Text | None:
    """Check digit (ISO 7064 MOD 11-2) and birth date of a GB 11643-layout number."""
    if ric.calc_check_digit(number) != number[-1]:
        return Text(f"{label.zh}校验位错误", f"{label.en}: wrong check digit")
    birth = _gb11643_birth(number)
    if birth is None or birth > today:
        return Text(f"{label.zh}中的出生日期无效", f"{label.en}: invalid birth date")
    return None


@rule(
    "ID-GB11643",
    Severity.ERROR,
    art("GB 11643《公民身份号码》", "GB 11643 citizen identity number"),
    Text(
        "居民身份证号码：18 位、出生日期有效、地址码存在、校验位正确",
        "resident ID number: 18 characters, valid birth date and area code, check digit",
    ),
)
def resident_id(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.worker.id_type is not IdDocumentType.RESIDENT_ID:
        return
    number = compact_id(contract.worker.id_number)
    try:
        ric.validate(number)
    except StdnumError as exc:
        yield Hit(
            ID_FIELD,
            Text(
                "居民身份证号码无效（长度、地址码、出生日期或校验位不符）",
                f"invalid resident ID number ({type(exc).__name__})",
            ),
        )
        return
    if ric.get_birth_date(number) > context.today:
        yield Hit(
            ID_FIELD, Text("身份证号码中的出生日期在未来", "the birth date lies in the future")
        )


@rule(
    "ID-HMT",
    Severity.ERROR,
    art(
        "《港澳台居民居住证申领发放办法》", "Regulation on residence permits for HK, Macao, Taiwan"
    ),
    Text(
        "港澳台居民居住证号码：18 位，以 81/82/83 开头，出生日期有效，校验位正确",
        "HK/Macao/Taiwan residence permit: 18 characters starting 81/82/83, birth date, "
        "check digit",
    ),
)
def hmt_permit(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.worker.id_type is not IdDocumentType.HMT_RESIDENCE_PERMIT:
        return
    number = compact_id(contract.worker.id_number)
    label = Text("港澳台居民居住证号码", "residence permit number")
    if not _HMT.match(number):
        yield Hit(
            ID_FIELD,
            Text(
                "港澳台居民居住证号码应为以 81、82 或 83 开头的 18 位号码",
                "a residence permit number has 18 characters starting with 81, 82 or 83",
            ),
        )
        return
    problem = _checked_gb11643(number, context.today, label)
    if problem:
        yield Hit(ID_FIELD, problem)


@rule(
    "ID-FOREIGN-PR",
    Severity.ERROR,
    art("《外国人永久居留身份证》号码规则", "foreign permanent resident ID card numbering"),
    Text(
        "外国人永久居留身份证号码：旧版 3 位字母 + 12 位数字，"
        "或 2023 版以 9 开头的 18 位（含校验位）",
        "foreign permanent resident ID: old 3 letters + 12 digits, or 2023 18 characters "
        "starting with 9 (check digit)",
    ),
)
def foreign_permanent_resident(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.worker.id_type is not IdDocumentType.FOREIGN_PERMANENT_RESIDENCE:
        return
    number = compact_id(contract.worker.id_number)
    if _FOREIGN_OLD.match(number):
        return
    if not _FOREIGN_NEW.match(number):
        yield Hit(
            ID_FIELD,
            Text(
                "外国人永久居留身份证号码应为 3 位字母加 12 位数字，或以 9 开头的 18 位号码",
                "expected 3 letters and 12 digits, or 18 characters starting with 9",
            ),
        )
        return
    problem = _checked_gb11643(
        number, context.today, Text("外国人永久居留身份证号码", "permanent resident ID number")
    )
    if problem:
        yield Hit(ID_FIELD, problem)


@rule(
    "ID-PASSPORT",
    Severity.ERROR,
    art("ICAO Doc 9303 护照号码", "ICAO Doc 9303 passport number"),
    Text("护照号码：5–17 位字母或数字", "passport number: 5–17 letters or digits"),
)
def passport(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if contract.worker.id_type is IdDocumentType.PASSPORT and not _PASSPORT.match(
        compact_id(contract.worker.id_number)
    ):
        yield Hit(
            ID_FIELD,
            Text("护照号码应为 5–17 位字母或数字", "a passport number has 5–17 letters or digits"),
        )


@rule(
    "ID-CONSISTENT",
    Severity.ERROR,
    art("《劳动合同法》第十七条第一款第二项", "Labor Contract Law Art. 17(1)(2)"),
    Text(
        "填写的出生日期、性别与证件号码一致",
        "the stated birth date and sex agree with the ID number",
    ),
)
def consistent_identity(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    birth, sex = encoded_birth_and_sex(contract)
    worker = contract.worker
    if birth and worker.birth_date and birth != worker.birth_date:
        yield Hit(
            "worker.birth_date",
            Text(
                f"出生日期与证件号码中的 {birth.isoformat()} 不一致",
                f"the birth date differs from {birth.isoformat()} in the ID number",
            ),
        )
    if sex and worker.sex and sex is not worker.sex:
        yield Hit("worker.sex", Text("性别与证件号码不一致", "the sex differs from the ID number"))


def _birth_or_none(contract: Contract) -> date | None:
    return birth_and_sex(contract)[0]


@rule(
    "AGE-UNKNOWN",
    Severity.WARNING,
    art("《劳动法》第十五条", "Labor Law Art. 15"),
    Text(
        "证件号码不含出生日期且未填写出生日期时，无法检查年龄",
        "age cannot be checked: the ID does not encode a birth date and none is stated",
    ),
)
def age_unknown(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    if _birth_or_none(contract) is None:
        yield Hit(
            "worker.birth_date",
            Text(
                "未知出生日期，无法检查最低就业年龄和退休年龄，请填写",
                "birth date unknown: minimum working age and retirement age not checked; state it",
            ),
        )


@rule(
    "AGE-16",
    Severity.ERROR,
    art("《劳动法》第十五条", "Labor Law Art. 15"),
    Text(
        "用工之日劳动者须已满 16 周岁（禁止招用未满十六周岁的未成年人）",
        "the worker must be 16 full years old on the first day of work",
    ),
)
def minimum_age(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    birth = _birth_or_none(contract)
    start = contract.effective_employment_start
    if birth and not has_full_years(birth, 16, start):
        yield Hit(
            ID_FIELD,
            Text(
                f"用工之日 {start} 劳动者未满 16 周岁，禁止招用",
                f"the worker is under 16 on {start}: employing him or her is prohibited",
            ),
        )


@rule(
    "AGE-MINOR",
    Severity.WARNING,
    art("《劳动法》第五十八条、第六十四条", "Labor Law Art. 58, 64"),
    Text(
        "16–17 周岁的未成年工：特殊保护，不得从事有毒有害、繁重体力劳动",
        "a minor worker (16–17): special protection, no hazardous or heavy work",
    ),
)
def minor_worker(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    birth = _birth_or_none(contract)
    start = contract.effective_employment_start
    if birth and has_full_years(birth, 16, start) and not has_full_years(birth, 18, start):
        yield Hit(
            ID_FIELD,
            Text(
                f"劳动者为未成年工（{birthday(birth, 18)} 满 18 周岁）：须定期体检，"
                "不得安排矿山井下、有毒有害、国家规定的第四级体力劳动强度的劳动",
                f"the worker is a minor until {birthday(birth, 18)}: periodic health checks; "
                "no underground, toxic or hazardous work, nor the heaviest physical labour",
            ),
        )


@rule(
    "AGE-RETIREMENT",
    Severity.WARNING,
    art("《劳动合同法实施条例》第二十一条", "LCL Implementing Regulation Art. 21"),
    Text(
        "用工之日已达法定退休年龄（按 2024 年渐进式延迟退休办法）：可能构成劳务关系",
        "at or above the statutory retirement age (2024 gradual raise) on the first day of "
        "work: the relationship may be a service, not a labor, relationship",
    ),
)
def retirement_age(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    birth, sex = birth_and_sex(contract)
    if birth is None:
        return
    if sex is None:
        yield Hit(
            "worker.sex",
            Text(
                "未知性别，无法确定法定退休年龄，请填写", "sex unknown: retirement age not checked"
            ),
        )
        return
    track = track_for(sex, contract.worker.female_original_retirement_age)
    reached = retirement_date(birth, track)
    start = contract.effective_employment_start
    if start >= reached:
        zh_age, en_age = describe_age(track.age_months(birth))
        assumed = (
            Text("（按原退休年龄 50 岁计算；如为 55 岁请填写）", " (original age 50 assumed)")
            if sex is Sex.FEMALE and contract.worker.female_original_retirement_age is None
            else Text("", "")
        )
        yield Hit(
            ID_FIELD,
            Text(
                f"劳动者已于 {reached} 达到法定退休年龄 {zh_age}{assumed.zh}：可能构成劳务关系，"
                "已享受基本养老保险待遇的，不能订立劳动合同",
                f"the worker reached the statutory retirement age of {en_age} on {reached}"
                f"{assumed.en}: this may be a service relationship, not a labor contract",
            ),
        )


@rule(
    "ID-USCC",
    Severity.ERROR,
    art(
        "GB 32100《法人和其他组织统一社会信用代码编码规则》", "GB 32100 unified social credit code"
    ),
    Text(
        "用人单位（及用工单位）统一社会信用代码：18 位，校验码正确",
        "employer (and host) unified social credit code: 18 characters with its check character",
    ),
)
def credit_codes(contract: Contract, context: RuleContext) -> Iterator[Hit]:
    codes = [("employer.credit_code", contract.employer.credit_code)]
    if contract.dispatch and contract.dispatch.host_credit_code:
        codes.append(("dispatch.host_credit_code", contract.dispatch.host_credit_code))
    for path, code in codes:
        if not uscc.is_valid(code):
            yield Hit(
                path,
                Text(
                    "统一社会信用代码无效（格式或校验码不符）",
                    "invalid unified social credit code (format or check character)",
                ),
            )
