"""`laborsign contract render FILE|- --out PDF`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import click

from laborsign.errors import InvalidInput, RenderError


@click.command("render")
@click.argument("source", type=click.File("rb"), metavar="FILE|-")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="where to write the PDF/A-2b file",
)
def render_command(source: BinaryIO, out: Path) -> None:
    """Render a contract (JSON) to PDF/A-2b and print where its signature boxes are.

    Exit code 0: written; 2: the input is not a valid contract or holds a character no
    installed font can draw (the field is named); 1: rendering failed otherwise.
    """
    from laborsign.contracts.io import decode_input, load_contract
    from laborsign.contracts.render import shared_renderer

    contract = load_contract(decode_input(source.read()))
    try:
        rendered = shared_renderer().render(contract)
    except RenderError as exc:
        if exc.field is not None:
            # A character in a named field: the input has to change, like any invalid field.
            raise InvalidInput(exc.message, field=exc.field) from exc
        raise
    # Write next to the target and rename, so a reader never sees half a PDF.
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(rendered.pdf)
    os.replace(partial, out)
    click.echo(f"{out}  sha256={rendered.sha256}")
    for box in rendered.boxes:
        click.echo(
            f"  {box.role}: page {box.page}, x={box.x:.2f} y={box.y:.2f} "
            f"w={box.width:.2f} h={box.height:.2f} pt"
        )
