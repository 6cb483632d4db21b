"""`laborsign bench render`: warm, first-in-a-fresh-process and bulk rendering speed."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import click

from laborsign.bench import median_ms

if TYPE_CHECKING:
    from laborsign.contracts.model import Contract

# Run in a fresh interpreter: everything a one-off `laborsign contract render` pays for.
_FRESH = """
import json, time
t0 = time.perf_counter()
from laborsign.contracts.examples import example_contract
t1 = time.perf_counter()
from laborsign.contracts.render import Renderer
t2 = time.perf_counter()
renderer = Renderer()
t3 = time.perf_counter()
renderer.render(example_contract())
t4 = time.perf_counter()
print(json.dumps({"import_model": t1 - t0, "import_render": t2 - t1,
                  "renderer": t3 - t2, "first_render": t4 - t3}))
"""


def _nth_contract(i: int) -> Contract:
    """The example contract with its own number and worker name (no two alike)."""
    from laborsign.contracts.examples import example_contract

    base = example_contract()
    worker = base.worker.model_copy(update={"name": f"张{'三四五六七八九十'[i % 8]}{i}"})
    return base.model_copy(update={"number": f"LS-BENCH-{i:06d}", "worker": worker})


def _render_nth(i: int) -> int:
    from laborsign.contracts.render import shared_renderer

    return len(shared_renderer().render(_nth_contract(i)).pdf)


@click.command("render")
@click.option("--repeat", default=50, show_default=True, help="warm renders to time")
@click.option("--count", default=1000, show_default=True, help="contracts in the bulk run")
@click.option(
    "--processes",
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="worker processes in the bulk run",
)
def bench_render(repeat: int, count: int, processes: int) -> None:
    """Median warm render, first render in a fresh process, bulk rate on all cores."""
    from laborsign.contracts.examples import example_contract
    from laborsign.contracts.render import Renderer

    # Other work on the machine inflates every wall-clock figure below; say how much.
    click.echo(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    contract = example_contract()
    with Renderer() as renderer:
        warm = median_ms(lambda: renderer.render(contract), repeat=repeat)
        size = len(renderer.render(contract).pdf)
        # Typst memoizes layout: re-rendering identical input is cheaper than a new
        # contract, so the figure that matters for real traffic is the distinct one.
        distinct = iter(range(10**6, 10**7))
        warm_distinct = median_ms(
            lambda: renderer.render(_nth_contract(next(distinct))),
            repeat=repeat,
        )
        cpu_started = time.process_time()
        renderer.render(_nth_contract(next(distinct)))
        cpu_one = (time.process_time() - cpu_started) * 1000
    click.echo(
        f"warm render (example general contract, {size / 1024:.0f} KiB): "
        f"median {warm:.1f} ms same input, {warm_distinct:.1f} ms distinct contracts, "
        f"over {repeat} (target ≤ 40 ms); one distinct render took {cpu_one:.0f} ms CPU"
    )

    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own interpreter running a constant script
        [sys.executable, "-c", _FRESH], check=True, capture_output=True, text=True
    ).stdout
    total = (time.perf_counter() - started) * 1000
    parts = {k: v * 1000 for k, v in json.loads(out).items()}
    click.echo(
        f"fresh process, import + first render: {total:.0f} ms wall (target ≤ 300 ms); "
        f"inside: model import {parts['import_model']:.0f} ms, renderer import "
        f"{parts['import_render']:.0f} ms, fonts {parts['renderer']:.0f} ms, "
        f"first render {parts['first_render']:.0f} ms"
    )

    # Spawned, not forked: a forked child would inherit Typst's threads in an unknown state.
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        # Warm every worker (fonts, compiler) before the clock starts.
        pool.map(_render_nth, range(processes), chunksize=1)
        started = time.perf_counter()
        sizes = pool.map(_render_nth, range(count), chunksize=8)
        elapsed = time.perf_counter() - started
    click.echo(
        f"bulk: {count} distinct contracts on {processes} processes in {elapsed:.2f} s = "
        f"{count / elapsed:.0f}/s (target ≥ 40/s; {sum(sizes) / count / 1024:.0f} KiB each)"
    )
