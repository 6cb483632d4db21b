"""The texts the platform sends: Chinese first, then English, one template per kind.

A commercial SMS provider holds its own copy of each SMS text (registered and approved as a
template); the platform passes it the kind's parameters. The development outbox and e-mail
render the texts here. Parameters are plain strings; HTML bodies escape them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from laborsign.errors import InvalidInput
from laborsign.i18n import Text


class MessageKind(StrEnum):
    CONTRACT_TO_SIGN = "contract-to-sign"
    OTP = "otp"
    COMPLETION = "completion"
    REMINDER = "reminder"
    DECLINED = "declined"
    VOIDED = "voided"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Template:
    params: frozenset[str]
    subject: Text
    body: Text


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    kind: MessageKind
    subject: str
    text: str
    html: str


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


TEMPLATES: Mapping[MessageKind, Template] = {
    MessageKind.CONTRACT_TO_SIGN: Template(
        frozenset({"employer", "link", "expires"}),
        _t("{employer}邀请您签订电子劳动合同", "{employer} invites you to sign a labor contract"),
        _t(
            "{employer}邀请您在线签订电子劳动合同，"
            "请在 {expires} 前打开 {link} 阅读签约须知并签署。"
            "签约全程免费。链接仅供本人使用，请勿转发。",
            "{employer} invites you to sign an electronic labor contract. Open {link} before "
            "{expires} to read the notice and sign. Signing is free of charge. The link is for "
            "you alone; do not forward it.",
        ),
    ),
    MessageKind.OTP: Template(
        frozenset({"code", "minutes"}),
        _t("您的验证码", "Your verification code"),
        _t(
            "验证码 {code}，{minutes} 分钟内有效，仅用于本次操作。工作人员不会向您索要验证码，"
            "请勿告诉他人。",
            "Verification code {code}, valid for {minutes} minutes, for this operation only. "
            "Nobody from the platform will ask you for it; do not share it.",
        ),
    ),
    MessageKind.COMPLETION: Template(
        frozenset({"employer", "link"}),
        _t("您与{employer}的劳动合同已订立", "Your labor contract with {employer} is concluded"),
        _t(
            "您与{employer}的电子劳动合同已订立完成。"
            "您可随时免费在 {link} 查看、下载和打印合同全文，"
            "请及时下载保存。",
            "Your electronic labor contract with {employer} has been concluded. You can view, "
            "download and print the full text at {link} at any time, free of charge; please "
            "download and keep a copy.",
        ),
    ),
    MessageKind.REMINDER: Template(
        frozenset({"employer", "link", "expires"}),
        _t("提醒：{employer}的劳动合同待您签署", "Reminder: a labor contract from {employer}"),
        _t(
            "提醒：{employer}的电子劳动合同尚待您签署，请在 {expires} 前打开 {link}。",
            "Reminder: the electronic labor contract from {employer} awaits your signature; "
            "open {link} before {expires}.",
        ),
    ),
    MessageKind.DECLINED: Template(
        frozenset({"employer"}),
        _t("劳动合同已被拒签", "A labor contract was declined"),
        _t(
            "{employer}发起的电子劳动合同已被拒签，合同不会生效。",
            "The electronic labor contract from {employer} was declined and will not take effect.",
        ),
    ),
    MessageKind.VOIDED: Template(
        frozenset({"employer"}),
        _t("劳动合同已作废", "A labor contract was voided"),
        _t(
            "{employer}已作废其发起的电子劳动合同，原签署链接失效。",
            "{employer} voided the electronic labor contract it had sent; the signing link no "
            "longer works.",
        ),
    ),
    MessageKind.EXPIRED: Template(
        frozenset({"employer"}),
        _t("劳动合同签署已过期", "A labor contract's signing period ended"),
        _t(
            "{employer}发起的电子劳动合同未在签署期限内完成签署，已过期，合同不会生效。",
            "The electronic labor contract from {employer} was not signed within its signing "
            "period; it has expired and will not take effect.",
        ),
    ),
}


def kind_of(template_id: str) -> MessageKind:
    try:
        return MessageKind(template_id)
    except ValueError:
        raise InvalidInput(
            Text("未知的消息模板：{t}", "unknown message template: {t}").format(t=template_id),
            field="template_id",
        ) from None


def render(template_id: str, params: Mapping[str, str]) -> RenderedMessage:
    """Both languages of one message; refuses missing or unexpected parameters."""
    kind = kind_of(template_id)
    template = TEMPLATES[kind]
    given = set(params)
    if given != template.params:
        raise InvalidInput(
            Text(
                "消息参数不符：需要 {need}", "message parameters do not match: need {need}"
            ).format(need=", ".join(sorted(template.params))),
            field="params",
        )
    subject = template.subject.format(**params)
    body = template.body.format(**params)
    escaped = {k: html.escape(v) for k, v in params.items()}
    body_html = template.body.format(**escaped)
    return RenderedMessage(
        kind=kind,
        subject=f"{subject.zh} / {subject.en}",
        text=f"{body.zh}\n\n{body.en}",
        html=f'<p lang="zh-CN">{body_html.zh}</p>\n<p lang="en">{body_html.en}</p>',
    )
