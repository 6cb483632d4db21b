from __future__ import annotations

import pytest

from laborsign.errors import InvalidInput
from laborsign.notify.addresses import mask_email, mask_phone
from laborsign.notify.messages import TEMPLATES, MessageKind, render

SAMPLE = {
    "employer": "示例<公司>",
    "link": "https://sign.example/c/abc",
    "expires": "2025-03-08",
    "code": "123456",
    "minutes": "5",
}


@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_renders_chinese_first_then_english(kind: MessageKind) -> None:
    params = {name: SAMPLE[name] for name in TEMPLATES[kind].params}
    message = render(kind.value, params)
    zh, en = message.text.split("\n\n")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert en.isascii() or "示例" in en  # English text; only the employer's name is Chinese
    for value in params.values():
        assert value in message.text
    assert "<公司>" not in message.html  # parameters are escaped in HTML
    if "employer" in params:
        assert "&lt;公司&gt;" in message.html


def test_the_signing_invitation_says_it_is_free() -> None:
    text = render("contract-to-sign", {k: SAMPLE[k] for k in ("employer", "link", "expires")})
    assert "免费" in text.text and "free of charge" in text.text


def test_missing_or_extra_parameters_are_refused() -> None:
    with pytest.raises(InvalidInput):
        render("otp", {"code": "123456"})
    with pytest.raises(InvalidInput):
        render("otp", {"code": "123456", "minutes": "5", "phone": "13800138000"})
    with pytest.raises(InvalidInput):
        render("no-such-template", {})


def test_masks_keep_too_little_to_reach_the_person() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_email("zhang.san@example.cn") == "z***@example.cn"
