"""The `laborsign` command loads domains only when one of their commands runs."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from laborsign.bench import BENCHMARKS, bench
from laborsign.cli import COMMANDS, main


def test_listing_commands_imports_no_domain() -> None:
    probe = (
        "import sys; from click.testing import CliRunner; from laborsign.cli import main; "
        "CliRunner().invoke(main, ['--help']); CliRunner().invoke(main, ['bench', '--help']); "
        "heavy = [m for m in ('pyhanko', 'sqlalchemy', 'typst', 'fastapi') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_resolves(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_every_benchmark_resolves(name: str) -> None:
    assert isinstance(bench.get_command(click.Context(bench), name), click.Command)
