"""Checking every row of a sheet before anything is created: types, then labor-law rules.

A row's problems are plain dicts (field path, severity, Chinese and English message, rule)
that hold no personal data, so they are stored as they are and shown in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from laborsign.bulk.rows import to_contract
from laborsign.bulk.sheet import Sheet
from laborsign.contracts.io import FieldProblem
from laborsign.contracts.model import Contract, Employer
from laborsign.contracts.rules import Finding, RuleContext, check
from laborsign.i18n import Text

Problem = dict[str, str]
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class CheckedRow:
    number: int
    contract: Contract | None  # None when the row has errors of type or form
    problems: list[Problem]

    @property
    def has_errors(self) -> bool:
        return any(p["severity"] == ERROR for p in self.problems)


def field_problem(problem: FieldProblem) -> Problem:
    return {
        "field": problem.path,
        "severity": ERROR,
        "zh": problem.message.zh,
        "en": problem.message.en,
        "rule": "",
    }


def finding_problem(finding: Finding) -> Problem:
    return {
        "field": finding.field,
        "severity": finding.severity.value,
        "zh": finding.message.zh,
        "en": finding.message.en,
        "rule": finding.rule_id,
    }


def _duplicate(field: str, what: Text) -> Problem:
    return {"field": field, "severity": ERROR, "zh": what.zh, "en": what.en, "rule": ""}


def check_sheet(
    sheet: Sheet,
    employer: Employer,
    context_for: Callable[[list[Contract]], RuleContext],
    existing_numbers: Callable[[Iterable[str]], set[str]],
) -> Iterator[CheckedRow]:
    """Each row's contract and problems. Contract numbers must be new and unique in the
    sheet, and one worker gets one contract per sheet. `context_for` gets every row that
    parsed before any is checked, so that it can fetch what the rules need at once."""
    parsed = [
        (r.number, to_contract(r, sheet.columns, sheet.template, employer)) for r in sheet.rows
    ]
    contracts = [c for _, c in parsed if isinstance(c, Contract)]
    context = context_for(contracts)
    numbers = Counter(c.number for c in contracts)
    people = Counter(c.worker.id_number.upper() for c in contracts)
    taken = existing_numbers({c.number for c in contracts})
    for number, outcome in parsed:
        if not isinstance(outcome, Contract):
            yield CheckedRow(number, None, [field_problem(p) for p in outcome])
            continue
        problems = [finding_problem(f) for f in check(outcome, context)]
        if numbers[outcome.number] > 1:
            problems.append(
                _duplicate("number", Text("合同编号在表中重复", "contract number repeated"))
            )
        if outcome.number in taken:
            problems.append(
                _duplicate("number", Text("合同编号已存在", "contract number already exists"))
            )
        if people[outcome.worker.id_number.upper()] > 1:
            problems.append(
                _duplicate(
                    "worker.id_number",
                    Text("同一劳动者在表中出现多次", "the same worker appears more than once"),
                )
            )
        yield CheckedRow(number, outcome, problems)
