"""`laborsign bench ...`: benchmarks that print the figures the issues name.

Benchmarks are measurements, not tests: they print numbers and never fail on them.
Each domain contributes a subcommand; `bench all` runs every one in turn.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import click

from laborsign.clitools import LazyGroup

# Each domain's benchmark module registers itself with `@bench.command` when imported.
BENCHMARKS: dict[str, tuple[str, str, str]] = {
    "api": ("laborsign.web.api_bench", "", "GET /api/v1/contracts/{id} under 20 clients."),
    "bulk": ("laborsign.bulk.bench", "", "Bulk issuance: a sheet to sent contracts."),
    "contracts": ("laborsign.contracts.service_bench", "", "Contract service operations."),
    "evidence": ("laborsign.evidence.bench", "", "Evidence log appends, proofs, packages."),
    "privacy": ("laborsign.privacy.bench", "", "Field encryption and document store."),
    "render": ("laborsign.contracts.render.bench", "bench_render", "Contract rendering."),
    "rules": ("laborsign.contracts.rules_bench", "", "Labor-law rule checks."),
    "sign": ("laborsign.signing.bench", "", "PAdES signing and verification."),
}


@click.group(cls=LazyGroup, lazy=BENCHMARKS)
def bench() -> None:
    """Measure rendering, signing and evidence-log speed."""


@bench.command("all")
@click.pass_context
def bench_all(ctx: click.Context) -> None:
    """Run every benchmark."""
    for name in bench.list_commands(ctx):
        command = bench.get_command(ctx, name)
        if name != "all" and command is not None:
            click.echo(f"== {name} ==")
            ctx.invoke(command)


def median_ms(
    fn: Callable[[], object],
    *,
    repeat: int,
    warmup: int = 3,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median time of `fn` in milliseconds after `warmup` untimed calls: wall time, or with
    `clock=time.process_time` this process's CPU time (steadier on a busy machine)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = clock()
        fn()
        samples.append((clock() - started) * 1000)
    return statistics.median(samples)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
