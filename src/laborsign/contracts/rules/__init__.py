"""The labor-law rule engine: pure functions of a contract and a `RuleContext`.

`check(contract, context)` returns `Finding`s; an ERROR blocks sending, a WARNING must be
acknowledged. Importing the rule modules below registers their rules in this order, which
is the order of findings and of docs/rules.md.
"""

from laborsign.contracts.rules import (  # noqa: F401 - imported to register their rules
    agreements,
    clauses,
    dispatch,
    history,
    hours,
    identity,
    probation,
    wages,
)
from laborsign.contracts.rules.base import Finding, Rule, Severity, registered
from laborsign.contracts.rules.engine import check, has_errors
from laborsign.contracts.rules.ports import (
    EarlierContract,
    EarlierContracts,
    InMemoryEarlierContracts,
    InMemoryMinimumWages,
    MinimumWage,
    MinimumWages,
    RuleContext,
)

__all__ = [
    "EarlierContract",
    "EarlierContracts",
    "Finding",
    "InMemoryEarlierContracts",
    "InMemoryMinimumWages",
    "MinimumWage",
    "MinimumWages",
    "Rule",
    "RuleContext",
    "Severity",
    "check",
    "has_errors",
    "registered",
]
