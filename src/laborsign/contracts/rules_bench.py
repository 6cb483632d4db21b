"""`laborsign bench rules`: how long loading and checking one contract takes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import click

from laborsign.bench import bench, median_ms
from laborsign.contracts.examples import example_contract
from laborsign.contracts.io import dump_contract, load_contract
from laborsign.contracts.model import TemplateId
from laborsign.contracts.rules import InMemoryMinimumWages, MinimumWage, RuleContext, check

# A made-up figure so that the wage comparisons run; not a published minimum wage.
_FIGURE = MinimumWage(
    "浙江省", "杭州市", 1, Decimal("2000.00"), Decimal("20.00"), date(2024, 1, 1), "benchmark"
)


@bench.command("rules")
@click.option("--repeat", default=2000, show_default=True)
def bench_rules(repeat: int) -> None:
    """Median time to validate a contract's JSON and to run every labor-law rule on it."""
    contract = example_contract(TemplateId.DISPATCH)
    text = dump_contract(contract)
    context = RuleContext(today=date(2025, 12, 1), minimum_wages=InMemoryMinimumWages([_FIGURE]))
    load = median_ms(lambda: load_contract(text), repeat=repeat)
    rules = median_ms(lambda: check(contract, context), repeat=repeat)
    click.echo(f"load_contract (JSON → validated contract): {load:.3f} ms median")
    click.echo(f"check (all rules, in-memory minimum wages): {rules:.3f} ms median")
