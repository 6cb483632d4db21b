"""`laborsign worker`: a separate process that consumes the job queue."""

from __future__ import annotations

import logging

import click

from laborsign.cli import container


@click.command()
@click.option(
    "--concurrency",
    "-c",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="worker threads",
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="also run the periodic sweeps (run them in at least one worker)",
)
@click.pass_context
def worker(ctx: click.Context, concurrency: int, periodic: bool) -> None:
    """Run background jobs from the queue until stopped (SIGINT finishes running jobs)."""
    c = container(ctx)
    if c.settings.jobs_backend == "immediate":
        raise click.UsageError("jobs_backend=immediate runs jobs in place; there is no queue")
    logging.basicConfig(
        level=c.settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    c.jobs.consumer(concurrency, periodic=periodic).run()
