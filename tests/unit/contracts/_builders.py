"""Contract variants for rule tests: the example with dotted-path changes, re-validated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, TemplateId
from laborsign.contracts.rules import (
    EarlierContract,
    Finding,
    InMemoryEarlierContracts,
    InMemoryMinimumWages,
    MinimumWage,
    RuleContext,
    check,
)

TODAY = date(2025, 12, 1)
# Fixture figures for tests only — not real published minimum wages.
FIXTURE_WAGE = MinimumWage(
    province="浙江省",
    area="杭州市",
    tier=1,
    monthly=Decimal("2000.00"),
    hourly=Decimal("20.00"),
    effective_from=date(2024, 1, 1),
    source="test fixture",
)
WAGES = InMemoryMinimumWages([FIXTURE_WAGE])


def gb11643(prefix: str, birth: date, sequence: str = "002") -> str:
    """A number in GB 11643 layout with a correct check digit."""
    body = f"{prefix}{birth:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def variant(
    changes: Mapping[str, Any] | None = None, template: TemplateId = TemplateId.GENERAL
) -> Contract:
    data: dict[str, Any] = example_contract(template).model_dump(mode="json")
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
        node[last] = value
    return Contract.model_validate(data)


def context(
    *,
    today: date = TODAY,
    wages: bool = True,
    earlier: Sequence[EarlierContract] = (),
    worker_id: str = "110105199506150027",
    employer_code: str = "91330106MA2B3C4D5D",
) -> RuleContext:
    return RuleContext(
        today=today,
        minimum_wages=WAGES if wages else None,
        earlier_contracts=InMemoryEarlierContracts({(employer_code, worker_id): earlier}),
    )


def findings_of(rule_id: str, contract: Contract, ctx: RuleContext) -> list[Finding]:
    return [f for f in check(contract, ctx) if f.rule_id == rule_id]
