"""What a rule is and what it reports.

A rule is a pure function of the contract and a `RuleContext` that yields `Hit`s (a field
path and a bilingual explanation). The registry adds what is fixed per rule — the stable
id, the severity and the article — so that every finding of one rule is reported alike
and docs/rules.md can be generated from the same place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from laborsign.i18n import Text

if TYPE_CHECKING:
    from laborsign.contracts.model import Contract
    from laborsign.contracts.rules.ports import RuleContext


class Severity(StrEnum):
    ERROR = "error"  # blocks sending the contract
    WARNING = "warning"  # must be acknowledged by the HR user (and is recorded)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule found: where (a field path as `load_contract` names it) and why."""

    field: str
    message: Text


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one field of a contract."""

    rule_id: str
    severity: Severity
    field: str
    message: Text
    article: Text

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule_id,
            "severity": self.severity.value,
            "field": self.field,
            "message_zh": self.message.zh,
            "message_en": self.message.en,
            "article_zh": self.article.zh,
            "article_en": self.article.en,
        }


CheckFn = Callable[["Contract", "RuleContext"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    article: Text
    summary: Text  # what the rule checks, for docs/rules.md
    check: CheckFn

    def run(self, contract: Contract, context: RuleContext) -> list[Finding]:
        return [
            Finding(self.id, self.severity, hit.field, hit.message, self.article)
            for hit in self.check(contract, context)
        ]


_REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, article: Text, summary: Text
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable id (ids never change once published)."""

    def register(fn: CheckFn) -> CheckFn:
        if rule_id in _REGISTRY:
            raise RuntimeError(f"duplicate rule id {rule_id}")
        _REGISTRY[rule_id] = Rule(rule_id, severity, article, summary, fn)
        return fn

    return register


def registered() -> tuple[Rule, ...]:
    """Every rule in registration order (the order the rule modules are imported in)."""
    return tuple(_REGISTRY.values())


def art(zh: str, en: str) -> Text:
    return Text(zh, en)
