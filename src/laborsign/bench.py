"""`laborsign bench ...`: benchmarks that print the figures the issues name.

Benchmarks are measurements, not tests: they print numbers and never fail on them.
Each domain contributes a subcommand; `bench all` runs every one in turn.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import click


@click.group()
def bench() -> None:
    """Measure rendering, signing and evidence-log speed."""


@bench.command("all")
@click.pass_context
def bench_all(ctx: click.Context) -> None:
    """Run every benchmark."""
    for name, command in sorted(bench.commands.items()):
        if name != "all":
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


def _register() -> None:
    # Imported late: the domain benchmarks import `median_ms` from this module.
    from laborsign.contracts.render.bench import bench_render

    bench.add_command(bench_render)


_register()
