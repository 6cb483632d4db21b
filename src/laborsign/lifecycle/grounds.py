"""The legal grounds on which a labor contract ends (《劳动合同法》第三十六条至第四十四条).

Each ground says whether economic compensation (经济补偿, Art. 46) is due on it. Where the law
makes it depend on a fact the platform does not know (who proposed a mutual termination,
whether the employer offered a renewal on equal terms), the default is the usual case and
the caller states the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from laborsign.i18n import Text


class Ground(StrEnum):
    MUTUAL = "mutual"  # Art. 36
    WORKER_NOTICE = "worker_notice"  # Art. 37
    WORKER_EMPLOYER_FAULT = "worker_employer_fault"  # Art. 38
    DISMISSAL_FOR_CAUSE = "dismissal_for_cause"  # Art. 39
    DISMISSAL_WITH_NOTICE = "dismissal_with_notice"  # Art. 40
    REDUNDANCY = "redundancy"  # Art. 41
    EXPIRY = "expiry"  # Art. 44(1)
    RETIREMENT = "retirement"  # Art. 44(2)
    DEATH = "death"  # Art. 44(3)
    BANKRUPTCY = "bankruptcy"  # Art. 44(4)
    DISSOLUTION = "dissolution"  # Art. 44(5)


@dataclass(frozen=True, slots=True)
class GroundInfo:
    article: Text
    name: Text
    severance_due: bool  # the usual case (Art. 46); the caller may state otherwise
    by_worker: bool  # the worker ended it (解除 by the worker)


def _g(
    article: str, article_en: str, zh: str, en: str, due: bool, by_worker: bool = False
) -> GroundInfo:
    return GroundInfo(Text(article, article_en), Text(zh, en), due, by_worker)


GROUNDS: dict[Ground, GroundInfo] = {
    Ground.MUTUAL: _g(
        "《劳动合同法》第三十六条",
        "LCL Art. 36",
        "协商一致解除",
        "terminated by mutual agreement",
        True,  # due when the employer proposed it (Art. 46(2)), the usual case
    ),
    Ground.WORKER_NOTICE: _g(
        "《劳动合同法》第三十七条",
        "LCL Art. 37",
        "劳动者提前通知解除",
        "terminated by the worker with notice",
        False,
        True,
    ),
    Ground.WORKER_EMPLOYER_FAULT: _g(
        "《劳动合同法》第三十八条",
        "LCL Art. 38",
        "劳动者因用人单位过错解除",
        "terminated by the worker for the employer's fault",
        True,
        True,
    ),
    Ground.DISMISSAL_FOR_CAUSE: _g(
        "《劳动合同法》第三十九条",
        "LCL Art. 39",
        "过失性辞退",
        "dismissal for cause",
        False,
    ),
    Ground.DISMISSAL_WITH_NOTICE: _g(
        "《劳动合同法》第四十条",
        "LCL Art. 40",
        "无过失性辞退",
        "dismissal with notice",
        True,
    ),
    Ground.REDUNDANCY: _g(
        "《劳动合同法》第四十一条",
        "LCL Art. 41",
        "经济性裁员",
        "economic redundancy",
        True,
    ),
    Ground.EXPIRY: _g(
        "《劳动合同法》第四十四条第一项",
        "LCL Art. 44(1)",
        "劳动合同期满终止",
        "ended at the expiry of its term",
        True,  # unless the worker refused a renewal on equal or better terms (Art. 46(5))
    ),
    Ground.RETIREMENT: _g(
        "《劳动合同法》第四十四条第二项",
        "LCL Art. 44(2)",
        "劳动者开始依法享受基本养老保险待遇",
        "the worker began drawing the basic pension",
        False,
    ),
    Ground.DEATH: _g(
        "《劳动合同法》第四十四条第三项",
        "LCL Art. 44(3)",
        "劳动者死亡或被宣告死亡、失踪",
        "the worker died or was declared dead or missing",
        False,
    ),
    Ground.BANKRUPTCY: _g(
        "《劳动合同法》第四十四条第四项",
        "LCL Art. 44(4)",
        "用人单位被依法宣告破产",
        "the employer was declared bankrupt",
        True,
    ),
    Ground.DISSOLUTION: _g(
        "《劳动合同法》第四十四条第五项",
        "LCL Art. 44(5)",
        "用人单位被吊销营业执照、责令关闭、撤销或提前解散",
        "the employer's licence was revoked, or it was closed or dissolved",
        True,
    ),
}
