"""`laborsign bench evidence`: append rate, proof latency at 1M leaves, publish time."""

from __future__ import annotations

import click

from laborsign.bench import bench


@bench.command("evidence")
@click.option("--database-url", default="", help="default: PostgreSQL at 127.0.0.1, else SQLite")
@click.option("--leaves", default=1_000_000, show_default=True, help="tree size for proofs")
@click.option("--package-only", is_flag=True, help="only the evidence package figures")
def bench_evidence(database_url: str, leaves: int, package_only: bool) -> None:
    """Appends/s, inclusion proof p50/p99 at --leaves, time to publish a checkpoint, and the
    time of `evidence verify` on the package of a completed contract."""
    import os

    from laborsign.evidence import package_bench

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    click.echo(f"load average at start: {load} ({os.cpu_count()} CPUs)")
    for line in package_bench.run():
        click.echo(line)
    if package_only:
        return
    from laborsign.evidence.benchmark import run

    for line in run(database_url, leaves):
        click.echo(line)
