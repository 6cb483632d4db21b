"""report.pdf (出证报告): what the package proves, for a human reader, in Chinese.

The report is informative; the evidence is the rest of the package, which the offline
verifier checks. Personal data is masked: names keep the surname, ID numbers their first and
last four characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from laborsign.evidence.events import Event, EventType, ExtraValue
from laborsign.verification.report import Kind, VerificationReport

REPORT_TEMPLATE = "evidence_report"
BEIJING = timezone(timedelta(hours=8), "CST")

STEP_NAMES: Mapping[EventType, str] = {
    EventType.CREATED: "合同创建",
    EventType.RULES_CHECKED: "法规校验",
    EventType.SENT: "发送签署通知",
    EventType.NOTICE_ACKNOWLEDGED: "签约须知确认",
    EventType.IDENTITY_VERIFIED: "身份核验",
    EventType.OTP_VERIFIED: "短信验证码核验",
    EventType.INTENT_CONFIRMED: "签署意愿确认",
    EventType.WORKER_SIGNED: "劳动者签名",
    EventType.EMPLOYER_SIGNED: "用人单位签章",
    EventType.EFFECTIVE: "加盖文档时间戳，合同生效",
    EventType.DOCUMENT_TIMESTAMPED: "文档时间戳",
    EventType.DOWNLOADED: "下载",
    EventType.FILED: "备案",
    EventType.RENEWED: "续订",
    EventType.AMENDED: "变更",
    EventType.TERMINATED: "解除或终止",
    EventType.DECLINED: "拒签",
    EventType.VOIDED: "作废",
    EventType.EXPIRED: "过期",
    EventType.ARCHIVED: "归档",
}

_VALUES: Mapping[str, str] = {
    "passed": "通过",
    "acknowledged": "已确认",
    "confirmed": "已确认",
    "development": "开发环境模拟",
    "otp": "一次性验证码",
    "pades-b-lt": "PAdES 电子签名（含时间戳与验证数据）",
    "document-timestamp": "文档时间戳",
    "worker-first": "劳动者先签",
    "employer-first": "用人单位先签",
}
_KEYS: Mapping[str, str] = {
    "outcome": "结果",
    "method": "方式",
    "channel": "渠道",
    "authoritative": "权威核验",
    "rules": "校验规则数",
    "warnings": "提示数",
    "template": "模板",
    "signing-order": "签署顺序",
    "completion": "完成方式",
    "field": "签名域",
}


def mask_name(name: str) -> str:
    """张三 → 张*: the surname stays, so the parties can recognise the record."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


def mask_id(number: str) -> str:
    """11010519491231002X → 1101**********002X."""
    number = number.strip()
    if len(number) < 10:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def beijing(at: datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _value(value: ExtraValue) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return _VALUES.get(str(value), str(value))


def describe(event: Event) -> str:
    """The method and outcome of one step, in words (digests stay in the hash table)."""
    parts = [
        f"{_KEYS[key]}：{_value(value)}"
        for key, value in event.extra.items()
        if key in _KEYS and value is not None
    ]
    if event.type is EventType.IDENTITY_VERIFIED and event.extra.get("authoritative") is False:
        parts.append("（非权威核验，仅供开发测试）")
    if "revision.pdf" in event.artifacts:
        parts.append(f"绑定文档摘要 {event.artifacts['revision.pdf'][:16]}…")
    if "contract.pdf" in event.artifacts:
        parts.append(f"最终合同摘要 {event.artifacts['contract.pdf'][:16]}…")
    parts.append(f"操作者 {event.actor}")
    return "；".join(parts)


@dataclass(frozen=True, slots=True)
class Parties:
    """Who the contract is between, as the report shows them (masked where personal)."""

    employer: str
    worker: str
    worker_id: str | None = None

    @classmethod
    def from_signatures(cls, report: VerificationReport) -> Parties:
        """Names from the signing certificates, when no better source is at hand."""
        by_field = {s.field: s.signer for s in report.signatures if s.kind is Kind.SIGNATURE}
        return cls(
            employer=by_field.get("LaborSign-Employer", "（未知）"),
            worker=by_field.get("LaborSign-Worker", "（未知）"),
        )


@dataclass(frozen=True, slots=True)
class CheckpointFacts:
    origin: str
    size: int
    root_b64: str
    tsa_time: datetime
    tsa: str
    witnesses: Sequence[str]


def report_data(
    *,
    contract_id: str,
    parties: Parties,
    events: Sequence[Event],
    signatures: VerificationReport,
    checkpoint: CheckpointFacts,
    hashes: Sequence[tuple[str, str]],
) -> dict[str, object]:
    """The JSON the report template typesets."""
    rows = [
        {
            "no": f"{n + 1}",
            "time": beijing(e.at),
            "step": STEP_NAMES.get(e.type, e.type.value),
            "details": describe(e),
        }
        for n, e in enumerate(events)
    ]
    signature_rows = []
    for s in signatures.signatures:
        signer = mask_name(s.signer) if s.field == "LaborSign-Worker" else s.signer
        when = s.timestamp.time if s.timestamp else ""
        if when:
            when = beijing(datetime.fromisoformat(when))
        label = "文档时间戳" if s.kind is Kind.DOCUMENT_TIMESTAMP else s.field
        if s.timestamp and s.kind is Kind.SIGNATURE:
            signer = f"{signer}（时间戳：{s.timestamp.tsa}）"
        signature_rows.append(
            {"field": label, "signer": signer, "time": when, "status": "有效" if s.ok else "无效"}
        )
    return {
        "contract": contract_id,
        "basis": "《电子劳动合同订立指引》（人社厅发〔2021〕54号）",
        "masking": "为保护个人信息，报告中劳动者姓名仅保留姓氏，证件号码仅保留前四位与后四位；"
        "证据包中的存证记录不含姓名、证件号码或手机号明文。",
        "parties": {
            "employer": parties.employer,
            "worker": mask_name(parties.worker),
            "worker_id": mask_id(parties.worker_id) if parties.worker_id else "（未提供）",
        },
        "events": rows,
        "signatures": signature_rows,
        "checkpoint": {
            "origin": checkpoint.origin,
            "size": str(checkpoint.size),
            "root": checkpoint.root_b64,
            "tsa_time": beijing(checkpoint.tsa_time),
            "tsa": checkpoint.tsa,
            "witnesses": "、".join(checkpoint.witnesses) or "（未配置见证方）",
        },
        "hashes": [{"name": n, "sha256": h} for n, h in hashes],
        "verify": [
            "1. 离线验证整个证据包（无需联网、无需账户）：laborsign evidence verify 证据包.zip",
            "2. 也可按 docs/evidence-package.md 自行验证：重新计算每条存证记录的叶子哈希 "
            "SHA-256(0x00 ‖ 文件内容)，用 events/NNNN.tlog-proof 中的包含证明算出根哈希，"
            "与 checkpoint 中经 log.vkey 签名的根哈希比对。",
            "3. 检查点时间戳：openssl ts -reply -in checkpoint.tsr -text；"
            "openssl ts -verify -in checkpoint.tsr -data checkpoint -CAfile trust/root.pem"
            " -untrusted trust/tsa.pem",
            "4. 合同签名：laborsign verify contract.pdf --trust trust/root.pem；"
            "最后一条存证记录中的 contract.pdf 摘要须等于合同文件的 SHA-256。",
            "5. 根证书与日志公钥应与平台公布的值核对；内置 CA 与时间戳服务仅为私有（开发）信任根。",
        ],
    }
