"""`laborsign witness ...` (a witness as its own process) and `laborsign evidence ...`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from laborsign.evidence.note import Ed25519Verifier

DEFAULT_WITNESS_NAME = "witness.laborsign.example/w1"


@click.group()
def witness() -> None:
    """A tlog-witness: cosigns the checkpoints of logs it knows, if they stay consistent."""


@witness.command("init")
@click.option("--data", type=click.Path(path_type=Path), required=True, help="witness data dir")
@click.option("--name", default=DEFAULT_WITNESS_NAME, show_default=True, help="witness key name")
def witness_init(data: Path, name: str) -> None:
    """Create the witness key (once) and print its verifier key."""
    from laborsign.evidence.witness import init_witness

    click.echo(init_witness(data, name).verifier.vkey)


@witness.command("serve")
@click.option("--data", type=click.Path(path_type=Path), required=True, help="witness data dir")
@click.option("--log-vkey", "log_vkeys", multiple=True, required=True, help="a log's vkey")
@click.option("--name", default=DEFAULT_WITNESS_NAME, show_default=True, help="witness key name")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8010, show_default=True, type=int)
def witness_serve(data: Path, log_vkeys: tuple[str, ...], name: str, host: str, port: int) -> None:
    """Serve POST /add-checkpoint for the logs given by --log-vkey."""
    import uvicorn

    from laborsign.evidence.witness import (
        STATE_FILE,
        WitnessState,
        create_witness_app,
        init_witness,
    )

    signer = init_witness(data, name)
    logs = [Ed25519Verifier.from_vkey(v) for v in log_vkeys]
    app = create_witness_app(signer, logs, WitnessState(data / STATE_FILE))
    click.echo(f"witness {signer.verifier.vkey} on http://{host}:{port}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group()
def evidence() -> None:
    """The evidence log: publish and show checkpoints."""


@evidence.command("publish")
@click.pass_context
def evidence_publish(ctx: click.Context) -> None:
    """Publish a checkpoint now (signed, cosigned, timestamped) and print it."""
    from laborsign.cli import container

    published = container(ctx).evidence.publish(datetime.now(UTC))
    click.echo(str(published.note), nl=False)


@evidence.command("vkey")
@click.pass_context
def evidence_vkey(ctx: click.Context) -> None:
    """Print the log's verifier key (for witnesses and verifiers)."""
    from laborsign.cli import container
    from laborsign.evidence.keys import load_log_signer

    settings = container(ctx).settings
    click.echo(load_log_signer(settings.home, settings.evidence_origin).verifier.vkey)


@evidence.command("export")
@click.argument("contract_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--pdf",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="the signed contract as stored",
)
@click.pass_context
def evidence_export(ctx: click.Context, contract_id: str, out: Path, pdf: Path) -> None:
    """Write the evidence package (ZIP) of a contract, for offline verification."""
    from laborsign.cli import container
    from laborsign.evidence.package_wiring import export_for

    data = export_for(container(ctx), contract_id, pdf.read_bytes(), datetime.now(UTC))
    out.write_bytes(data)
    click.echo(f"{out} ({len(data)} bytes)")


@evidence.command("verify")
@click.argument("package", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.option(
    "--trust-root",
    "trust_roots",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM root certificate obtained independently; the package's roots must be among them",
)
@click.option("--log-vkey", default=None, help="the log's vkey (or a file holding it)")
@click.option(
    "--witness-vkey",
    "witness_vkeys",
    multiple=True,
    help="a witness vkey (or file) that must cosign",
)
def evidence_verify(
    package: Path,
    as_json: bool,
    trust_roots: tuple[Path, ...],
    log_vkey: str | None,
    witness_vkeys: tuple[str, ...],
) -> None:
    """Verify an evidence package offline: exit 0 valid, 1 invalid, 2 unreadable."""
    from laborsign.evidence.package_commands import read_package, read_pins
    from laborsign.evidence.package_verify import verify_package

    pins = read_pins(trust_roots, log_vkey, witness_vkeys)
    report = verify_package(read_package(package), pins=pins)
    click.echo(report.to_json() if as_json else report.summary())
    sys.exit(0 if report.valid else 1)
