"""Complete, valid example contracts (fictitious parties; ID numbers with valid check digits)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from laborsign.contracts.model import (
    AgreedMatters,
    Contract,
    Dispatch,
    Employer,
    Job,
    Pay,
    Protection,
    Region,
    SocialInsurance,
    TemplateId,
    Term,
    TermType,
    Worker,
    WorkingTime,
)


def _employer(*, dispatch: bool) -> Employer:
    if dispatch:
        return Employer(
            name="杭州示例人力资源服务有限公司",
            credit_code="91330106MA2CFXKP44",
            legal_representative="周明",
            registered_address="浙江省杭州市西湖区文三路 100 号",
            business_address="浙江省杭州市西湖区文三路 100 号 5 楼",
            phone="0571-88880000",
            dispatch_licence="330106202300012",
        )
    return Employer(
        name="杭州示例科技有限公司",
        credit_code="91330106MA2B3C4D5D",
        legal_representative="李华",
        agent="王芳",
        registered_address="浙江省杭州市西湖区学院路 1 号",
        business_address="浙江省杭州市滨江区网商路 99 号",
        phone="0571-86660000",
    )


def _worker() -> Worker:
    return Worker(
        name="张三",
        id_number="110105199506150027",
        household_address="河南省郑州市金水区花园路 8 号",
        residence_address="浙江省杭州市滨江区长河街道 12 号",
        phone="13800138000",
    )


def example_contract(template: TemplateId = TemplateId.GENERAL) -> Contract:
    dispatch = template is TemplateId.DISPATCH
    start = date(2026, 1, 1)
    end = date(2028, 12, 31)  # three years: probation up to six months
    return Contract(
        template=template,
        number="LS-2026-000001" if not dispatch else "LS-2026-D00001",
        signing_date=date(2025, 12, 20),
        employer=_employer(dispatch=dispatch),
        worker=_worker(),
        employment_start=start,
        term=Term(
            type=TermType.FIXED, start_date=start, end_date=end, probation_end=date(2026, 3, 31)
        ),
        job=Job(
            position="软件工程师" if not dispatch else "仓储管理员",
            duties="负责公司软件产品的设计、开发、测试与维护，完成甲方安排的其他相关工作。"
            if not dispatch
            else "负责用工单位仓库的入库、出库、盘点和库存记录。",
            place="浙江省杭州市滨江区网商路 99 号",
            region=Region(province="浙江省", city="杭州市", district="滨江区"),
        ),
        working_time=WorkingTime(leave="乙方依法享受法定节假日、年休假、婚假、丧假、产假等假期。"),
        pay=Pay(
            monthly_wage=Decimal("12000.00") if not dispatch else Decimal("6000.00"),
            payday=15,
            probation_wage=Decimal("10000.00") if not dispatch else Decimal("5000.00"),
            adjustment="甲方根据经营状况和乙方工作表现，每年调整一次工资。",
        ),
        social_insurance=SocialInsurance(benefits="甲方为乙方提供补充医疗保险和年度体检。"),
        protection=Protection(
            training="甲方根据工作需要为乙方提供岗前培训和在岗培训。",
            conditions="甲方提供符合国家规定的劳动安全卫生条件和必要的劳动保护用品。",
            occupational_hazards="本岗位无已知职业病危害；如有变化，甲方应如实告知并采取防护措施。",
        ),
        agreed=AgreedMatters(other="无。"),
        dispatch=Dispatch(
            host_name="杭州示例物流有限公司",
            host_credit_code="91330108MA27Y8XX16",
            start_date=start,
            end_date=date(2026, 6, 30),
            position="仓储管理员",
            place="浙江省杭州市滨江区物流园 3 号库",
            unassigned_monthly_pay=Decimal("2490.00"),
        )
        if dispatch
        else None,
    )
