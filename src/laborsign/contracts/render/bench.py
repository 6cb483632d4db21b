"""`laborsign bench render`: warm, first-in-a-fresh-process and bulk rendering speed.

Every figure is printed as wall time and CPU time, with the load average when the benchmark
started: on a busy machine the wall time grows with the other work while the CPU time stays
close to what the rendering itself costs. Targets are printed next to the figures; missing
one is information, never a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from laborsign.contracts.model import Contract

# Run in a fresh interpreter: everything a one-off `laborsign contract render` pays for.
_FRESH = """
import json, time
marks = [(time.perf_counter(), time.process_time())]
from laborsign.contracts.examples import example_contract
marks.append((time.perf_counter(), time.process_time()))
from laborsign.contracts.render import Renderer
marks.append((time.perf_counter(), time.process_time()))
renderer = Renderer()
marks.append((time.perf_counter(), time.process_time()))
renderer.render(example_contract())
marks.append((time.perf_counter(), time.process_time()))
print(json.dumps(marks))
"""
_FRESH_PARTS = ("model import", "renderer import", "fonts", "first render")


def nth_contract(i: int) -> Contract:
    """The example contract with its own number and worker name (no two alike)."""
    from laborsign.contracts.examples import example_contract

    base = example_contract()
    worker = base.worker.model_copy(update={"name": f"张{'三四五六七八九十'[i % 8]}{i}"})
    return base.model_copy(update={"number": f"LS-BENCH-{i:06d}", "worker": worker})


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> tuple[float, float]:
    """Median wall and median CPU milliseconds of `fn` (this process, all its threads)."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def load_line(when: str) -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


@click.command("render")
@click.option("--repeat", default=50, show_default=True, help="warm renders to time")
@click.option("--fresh", default=5, show_default=True, help="fresh processes to start")
@click.option("--count", default=1000, show_default=True, help="contracts in the bulk run")
@click.option(
    "--processes",
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="worker processes in the bulk run",
)
def bench_render(repeat: int, fresh: int, count: int, processes: int) -> None:
    """Median warm render, first render in a fresh process, bulk rate on all cores."""
    click.echo(load_line("at start"))
    _warm(repeat)
    _fresh_process(max(2, fresh))
    _bulk(count, processes)
    click.echo(load_line("at end"))


def _warm(repeat: int) -> None:
    from laborsign.contracts.examples import example_contract
    from laborsign.contracts.render import Renderer

    contract = example_contract()
    with Renderer() as renderer:
        same_wall, same_cpu = timed(lambda: renderer.render(contract), repeat=repeat)
        size = len(renderer.render(contract).pdf)
        # Typst memoizes layout: re-rendering identical input is cheaper than a new
        # contract, so the figure that matters for real traffic is the distinct one.
        contracts = iter([nth_contract(i) for i in range(10**6, 10**6 + repeat + 3)])
        wall, cpu = timed(lambda: renderer.render(next(contracts)), repeat=repeat)
    click.echo(
        f"warm render, distinct contracts (example general contract, {size / 1024:.0f} KiB): "
        f"median {wall:.1f} ms wall, {cpu:.1f} ms CPU over {repeat} (target ≤ 40 ms)"
    )
    click.echo(
        f"warm render, same contract again: median {same_wall:.1f} ms wall, {same_cpu:.1f} ms CPU"
    )


def _fresh_process(runs: int) -> None:
    """Start `runs` interpreters that import, load fonts and render once.

    The first one compiles the modules' bytecode into a private cache (an installed package
    ships with it; this environment may disable writing it), the others use it.
    """
    walls: list[float] = []
    cpus: list[float] = []
    parts: list[list[tuple[float, float]]] = []
    with tempfile.TemporaryDirectory(prefix="laborsign-bench-pyc-") as pycache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": pycache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            out = subprocess.run(  # noqa: S603 - our own interpreter running a constant script
                [sys.executable, "-c", _FRESH], check=True, capture_output=True, text=True, env=env
            ).stdout
            walls.append((time.perf_counter() - started) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(
                (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
            )
            parts.append(_spans(json.loads(out)))
    cached = slice(1, None)
    inside = ", ".join(
        f"{name} {statistics.median(p[i][0] for p in parts[cached]):.0f} ms wall "
        f"/ {statistics.median(p[i][1] for p in parts[cached]):.0f} ms CPU"
        for i, name in enumerate(_FRESH_PARTS)
    )
    wall, cpu = statistics.median(walls[cached]), statistics.median(cpus[cached])
    click.echo(
        f"fresh process, import + fonts + first render: median {wall:.0f} "
        f"ms wall, {cpu:.0f} ms CPU over {runs - 1} starts "
        f"(target ≤ 300 ms); inside: {inside}"
    )
    click.echo(
        f"fresh process without bytecode cache (first start, compiles every module): "
        f"{walls[0]:.0f} ms wall, {cpus[0]:.0f} ms CPU"
    )


def _spans(marks: list[list[float]]) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds between successive (perf_counter, process_time) marks."""
    return [
        ((later[0] - earlier[0]) * 1000, (later[1] - earlier[1]) * 1000)
        for earlier, later in itertools.pairwise(marks)
    ]


def _bulk(count: int, processes: int) -> None:
    from laborsign.contracts.render.bulk import RenderPool
    from laborsign.errors import RenderError

    contracts = [nth_contract(i) for i in range(count)]
    started = time.perf_counter()
    with RenderPool(processes) as pool:
        pool.wait_until_warm()  # the clock starts with every worker ready
        startup = time.perf_counter() - started
        pool.worker_cpu_seconds = 0.0
        cpu_parent = time.process_time()
        started = time.perf_counter()
        sizes = [
            len(result.pdf)
            for result in pool.render_many(contracts)
            if not isinstance(result, RenderError)
        ]
        elapsed = time.perf_counter() - started
        cpu_parent = time.process_time() - cpu_parent
        worker_cpu = pool.worker_cpu_seconds
    click.echo(
        f"bulk: {len(sizes)} distinct contracts on {processes} processes in {elapsed:.2f} s wall "
        f"= {len(sizes) / elapsed:.1f}/s (target ≥ 40/s); CPU {worker_cpu * 1000 / count:.1f} ms "
        f"per contract in the workers ({worker_cpu:.1f} s), {cpu_parent:.1f} s in the parent; "
        f"{sum(sizes) / max(1, len(sizes)) / 1024:.0f} KiB each; pool start and warm-up "
        f"{startup:.1f} s"
    )
    if worker_cpu > 0:
        # Computed, not measured: what the workers' CPU time allows when nothing else runs.
        ceiling = processes * count / worker_cpu
        click.echo(f"bulk: CPU-bound ceiling on {processes} idle cores {ceiling:.1f}/s (computed)")
