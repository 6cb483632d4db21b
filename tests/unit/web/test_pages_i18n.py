"""The pages' catalogue: every key a template asks for exists, in both languages."""

from __future__ import annotations

import re

import pytest

from laborsign.parties.roles import Role
from laborsign.web.i18n import Translator, negotiate
from laborsign.web.i18n_messages import MESSAGES
from laborsign.web.pages.ops_status import State
from laborsign.web.pages.templating import TEMPLATES

_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")


def test_every_template_key_is_in_the_catalogue() -> None:
    used = {key for path in TEMPLATES.glob("*.html") for key in _KEY.findall(path.read_text())}
    assert used, "no keys found: the pattern no longer matches the templates"
    assert used <= MESSAGES.keys(), sorted(used - MESSAGES.keys())


def test_keys_built_from_values_exist() -> None:
    # Templates compose these keys: "role." ~ role, "state." ~ state, "check." ~ status.
    for role in Role:
        assert f"role.{role.value}" in MESSAGES
    for state in State:
        assert f"state.{state.value}" in MESSAGES
    for status in ("passed", "failed", "skipped"):
        assert f"check.{status}" in MESSAGES


def test_every_message_has_both_languages() -> None:
    for key, text in MESSAGES.items():
        assert text.zh.strip() and text.en.strip(), key
        assert re.search(r"[\u4e00-\u9fff]", text.zh) or key == "nav.switch", key


@pytest.mark.parametrize(
    ("query", "cookie", "expected"),
    [
        (None, None, "zh"),
        ("en", None, "en"),
        (None, "en", "en"),
        ("zh", "en", "zh"),
        ("fr", "en", "en"),
        ("fr", "xx", "zh"),
    ],
)
def test_language_negotiation(query: str | None, cookie: str | None, expected: str) -> None:
    assert negotiate(query, cookie) == expected


def test_translator_formats_and_switches() -> None:
    assert Translator("zh")("verify.file_hint", mb=25) == "大小不超过 25 MB。"
    assert Translator("en")("verify.file_hint", mb=25) == "Up to 25 MB."
    assert Translator("en").other == "zh"
    with pytest.raises(KeyError):
        Translator("zh")("no.such.key")
