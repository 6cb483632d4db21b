"""Language of the pages: Chinese by default, English on request.

The language comes from `?lang=` (which the switch link sets and which is then remembered in
a cookie), else from that cookie, else Chinese — never from Accept-Language alone, so a
worker's phone set to English still sees the Chinese contract flow unless he chooses.
Texts live in one catalogue (`laborsign.web.i18n_messages`), keyed by a dotted id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from laborsign.i18n import Lang, Text
from laborsign.web.i18n_messages import MESSAGES

LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT: Lang = "zh"
COOKIE = "laborsign_lang"
HTML_LANG: Mapping[Lang, str] = {"zh": "zh-CN", "en": "en"}


def as_lang(value: str | None) -> Lang | None:
    for lang in LANGS:
        if value == lang:
            return lang
    return None


def negotiate(query: str | None, cookie: str | None) -> Lang:
    """The page language: the query parameter, else the remembered choice, else Chinese."""
    return as_lang(query) or as_lang(cookie) or DEFAULT


@dataclass(frozen=True, slots=True)
class Translator:
    """`t("verify.title")` in templates; `t.text(Text(...))` for texts from the domain."""

    lang: Lang

    def __call__(self, key: str, **values: object) -> str:
        text = MESSAGES[key]  # a missing key is a bug; tests scan the templates
        return text.format(**values).get(self.lang) if values else text.get(self.lang)

    def text(self, text: Text) -> str:
        return text.get(self.lang)

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    @property
    def other(self) -> Lang:
        return "en" if self.lang == "zh" else "zh"
