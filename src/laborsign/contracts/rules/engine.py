"""Run every registered rule over a contract, in a fixed order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from laborsign.contracts.model import Contract, Region
from laborsign.contracts.rules.base import Finding, Severity, registered
from laborsign.contracts.rules.ports import MinimumWage, MinimumWages, RuleContext


class _Memo:
    """Asks the underlying port once per (region, date) during one check (several rules ask)."""

    def __init__(self, inner: MinimumWages) -> None:
        self._inner = inner
        self._seen: dict[tuple[Region, date], MinimumWage | None] = {}

    def lookup(self, region: Region, on: date) -> MinimumWage | None:
        key = (region, on)
        if key not in self._seen:
            self._seen[key] = self._inner.lookup(region, on)
        return self._seen[key]


def check(contract: Contract, context: RuleContext) -> list[Finding]:
    """All findings: errors first, then warnings; within each, rule order, then field order.

    Deterministic for the same contract and context, so findings can be recorded and
    compared (an HR user acknowledges exactly the warnings shown).
    """
    if context.minimum_wages is not None:
        context = replace(context, minimum_wages=_Memo(context.minimum_wages))
    findings = [f for r in registered() for f in r.run(contract, context)]
    return sorted(findings, key=lambda f: f.severity is not Severity.ERROR)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
