"""Reading a package file for the CLI: size checked before a byte is read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from laborsign.errors import InvalidInput
from laborsign.evidence.package_format import PackageLimits, PackageUnreadable, pem_certificates
from laborsign.evidence.package_verify import Pins
from laborsign.i18n import Text


def read_package(path: Path, limits: PackageLimits | None = None) -> bytes:
    limits = limits or PackageLimits()
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise PackageUnreadable(
                Text("证据包过大", f"package larger than {limits.max_bytes} bytes")
            )
        return path.read_bytes()
    except OSError as exc:
        raise PackageUnreadable(
            Text("无法读取文件 {f}", "cannot read the file {f}").format(f=path.name)
        ) from exc


def _vkey(value: str) -> str:
    """A vkey given inline, or the path of a file holding one (as served at /evidence/...)."""
    path = Path(value)
    if "+" not in value and path.is_file():
        return path.read_text(encoding="ascii").strip()
    return value.strip()


def read_pins(roots: Sequence[Path], log_vkey: str | None, witness_vkeys: Sequence[str]) -> Pins:
    certificates = []
    for path in roots:
        try:
            certificates.extend(pem_certificates(path.read_bytes()))
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                Text("无法读取根证书 {f}", "cannot read the root certificate {f}").format(
                    f=path.name
                ),
                field="trust_root",
            ) from exc
    return Pins(
        roots=tuple(certificates),
        log_vkey=_vkey(log_vkey) if log_vkey else None,
        witness_vkeys=tuple(_vkey(v) for v in witness_vkeys),
    )
