"""Bilingual texts: Chinese first, English available."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]


@dataclass(frozen=True, slots=True)
class Text:
    """A message in Chinese and English; `str()` gives the Chinese."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def format(self, **values: object) -> Text:
        return Text(self.zh.format(**values), self.en.format(**values))

    def get(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def both(self) -> str:
        return f"{self.zh} ({self.en})"
