"""The pre-signing notice (签约须知, guideline Art. 6), versioned, bilingual.

Before signing, the worker is told the process, how to operate, what to watch for, how to
view and download the full text later, and that none of it costs him anything. The text is
fixed per version; its SHA-256 goes into the acknowledgement event, so the evidence shows
exactly which words the worker acknowledged. Changing a word means a new version.

`acknowledgement_event()` builds the `notice.acknowledged` event; the contract service
records it as the event of its `AcknowledgeNotice` transition (exactly one per contract,
which the evidence package verifier checks).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from laborsign.evidence.events import Event, EventType
from laborsign.i18n import Lang, Text

VERSION = "2025.1"
ARTIFACT = "notice.txt"


@dataclass(frozen=True, slots=True)
class Section:
    title: Text
    points: tuple[Text, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        Text("一、签约流程", "1. How signing works"),
        (
            Text("阅读并确认本须知。", "Read and acknowledge this notice."),
            Text(
                "核验本人身份：姓名、身份证号与手机号核验，并输入发送到本人手机的短信验证码。",
                "Prove who you are: your name, ID number and phone are checked, and you enter "
                "the code sent by SMS to your phone.",
            ),
            Text(
                "完整阅读合同文本；确认无误后，再次获取验证码以确认签署意愿。",
                "Read the whole contract; when it is right, request another code to confirm "
                "that you want to sign it.",
            ),
            Text(
                "手写签名后，平台以您本人的数字证书签署并加盖可信时间戳；用人单位签署后合同生效，"
                "您会收到短信或邮件通知。",
                "After you draw your signature, the platform signs with a digital certificate "
                "issued to you and adds a trusted timestamp; once the employer has signed the "
                "contract takes effect and you are notified by SMS or e-mail.",
            ),
        ),
    ),
    Section(
        Text("二、操作方法", "2. How to operate"),
        (
            Text(
                "用手机或电脑打开短信或邮件中的链接；链接只能打开一次，之后在同一页面内完成签署。",
                "Open the link in the SMS or e-mail on a phone or computer; the link opens "
                "once, and you finish signing in the same page.",
            ),
            Text(
                "按页面提示逐步操作；中途离开超过 30 分钟需重新打开新的链接。",
                "Follow the steps on the page; if you leave for more than 30 minutes you need "
                "a new link.",
            ),
        ),
    ),
    Section(
        Text("三、注意事项", "3. What to watch for"),
        (
            Text(
                "请本人操作。验证码和链接仅供本人使用，不要告诉或转发给任何人，包括用人单位的工作人员。",
                "Do it yourself. Codes and the link are for you alone; never tell or forward "
                "them to anyone, including the employer's staff.",
            ),
            Text(
                "签署前请仔细阅读合同的全部条款；有疑问可先与用人单位沟通，您也可以拒绝签署。",
                "Read every clause before signing; ask the employer first if anything is "
                "unclear. You may also decline to sign.",
            ),
            Text(
                "确认签署后合同文本不会再改变；如文本在您确认后被修改，须重新确认。",
                "Once you confirm, the text cannot change; if it is changed after your "
                "confirmation, you must confirm again.",
            ),
        ),
    ),
    Section(
        Text("四、查看和下载", "4. Viewing and downloading"),
        (
            Text(
                "合同订立后，您可随时在本平台“我的合同”页面用手机号和验证码登录，查看、下载、打印合同全文"
                "及其验证报告，请及时下载保存。",
                "After the contract is concluded you can sign in to “My contracts” on this "
                "platform with your phone and a code at any time to view, download and print "
                "the full text and its verification report; please download and keep a copy.",
            ),
            Text(
                "任何人都可以在本平台的公开验证页面离线核验合同的真实性。",
                "Anyone can check the contract's authenticity on the platform's public "
                "verification page, or offline.",
            ),
        ),
    ),
    Section(
        Text("五、费用", "5. Cost"),
        (
            Text(
                "签约、查看、下载和打印均免费，不向您收取任何费用。",
                "Signing, viewing, downloading and printing are free of charge: you pay nothing.",
            ),
        ),
    ),
)

TITLE = Text("电子劳动合同签约须知", "Notice before signing an electronic labor contract")


def render_text(lang: Lang) -> str:
    lines = [f"{TITLE.get(lang)}（{VERSION}）" if lang == "zh" else f"{TITLE.en} ({VERSION})"]
    for section in SECTIONS:
        lines.append("")
        lines.append(section.title.get(lang))
        lines.extend(f"- {point.get(lang)}" for point in section.points)
    return "\n".join(lines) + "\n"


def canonical_text() -> str:
    """Both languages, Chinese first: the exact text whose digest is recorded."""
    return render_text("zh") + "\n" + render_text("en")


def notice_sha256() -> str:
    return hashlib.sha256(canonical_text().encode("utf-8")).hexdigest()


def acknowledgement_event(contract_id: str, worker: str, at: datetime) -> Event:
    """The `notice.acknowledged` event naming the version and digest of this text."""
    return Event(
        EventType.NOTICE_ACKNOWLEDGED,
        contract_id,
        worker,
        at,
        {ARTIFACT: notice_sha256()},
        {"outcome": "acknowledged", "notice-version": VERSION},
    )
