"""Reading a package file for the CLI: size checked before a byte is read."""

from __future__ import annotations

from pathlib import Path

from laborsign.evidence.package_format import PackageLimits, PackageUnreadable
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
