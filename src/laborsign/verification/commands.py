"""`laborsign verify FILE.pdf [--trust PEM ...] [--json]`.

Exit codes: 0 the document is valid, 1 it is invalid or untrusted, 2 the input cannot be read
or the command was used wrongly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.verification.limits import Limits
from laborsign.verification.pdf import verify_pdf
from laborsign.verification.report import VerificationReport


def load_trust_roots(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """All certificates in the given PEM (or DER) files."""
    roots: list[asn1_x509.Certificate] = []
    for path in paths:
        data = path.read_bytes()
        try:
            if pem.detect(data):
                roots.extend(
                    asn1_x509.Certificate.load(der)
                    for _, _, der in pem.unarmor(data, multiple=True)
                )
            else:
                roots.append(asn1_x509.Certificate.load(data))
            for root in roots:
                _ = root.subject  # forces parsing: a bad file fails here, not during validation
        except (ValueError, TypeError) as exc:
            raise InvalidInput(
                Text("无法读取根证书文件 {p}", "cannot read the root certificate file {p}").format(
                    p=path.name
                ),
                field="trust",
            ) from exc
    return roots


def summary(report: VerificationReport) -> str:
    lines = [
        ("有效" if report.valid else "无效") + f" / {report.verdict.value}",
    ]
    for sig in report.signatures:
        stamp = f" @ {sig.timestamp.time} ({sig.timestamp.tsa})" if sig.timestamp else ""
        state = "✓" if sig.ok else "✗"
        lines.append(
            f"  {state} {sig.field} [{sig.kind.value}] {sig.signer}{stamp} ltv={sig.ltv.value}"
        )
        lines.extend(f"      - {r.zh} ({r.en})" for r in sig.reasons)
    lines.extend(f"  - {r.zh} ({r.en})" for r in report.reasons)
    return "\n".join(lines)


@click.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM file of a trusted root certificate (repeatable)",
)
@click.option("--json", "as_json", is_flag=True, help="print the full report as JSON")
@click.option("--max-mb", default=50, show_default=True, help="refuse larger files")
def verify(file: Path, trust: tuple[Path, ...], as_json: bool, max_mb: int) -> None:
    """Verify a signed contract PDF: exit 0 valid, 1 invalid, 2 unreadable input."""
    limits = Limits(max_bytes=max_mb * 1024 * 1024)
    try:
        # The size is checked before the file is read, so a huge file never enters memory.
        size = file.stat().st_size
    except OSError as exc:
        raise InvalidInput(
            Text("无法读取文件 {f}", "cannot read the file {f}").format(f=file.name)
        ) from exc
    if size > limits.max_bytes:
        raise InvalidInput(
            Text("文件过大（上限 {cap} MB）", "file too large (limit {cap} MB)").format(cap=max_mb)
        )
    report = verify_pdf(file.read_bytes(), load_trust_roots(list(trust)), limits=limits)
    click.echo(report.to_json() if as_json else summary(report))
    sys.exit(0 if report.valid else 1)
