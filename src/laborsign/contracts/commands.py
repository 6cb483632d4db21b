"""`laborsign contract ...` commands."""

from __future__ import annotations

import click


@click.group()
def contract() -> None:
    """Contract documents: examples, labor-law checks, rendering."""
