"""The log's Ed25519 key, kept in the data home as a signed-note skey (mode 0600)."""

from __future__ import annotations

import os
from pathlib import Path

from laborsign.errors import ConfigurationError
from laborsign.evidence.note import Ed25519Signer
from laborsign.i18n import Text

KEY_FILE = Path("evidence") / "log.skey"


def ensure_key_file(path: Path, skey: str) -> bool:
    """Write `skey` to `path` unless it exists; returns whether it wrote. Never readable by
    others, not even for an instant: the file is created 0600."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(skey + "\n")
    return True


def init_log_key(home: Path, origin: str) -> list[str]:
    """Generate the log key named after the origin, once (idempotent)."""
    if ensure_key_file(home / KEY_FILE, Ed25519Signer.generate(origin).skey):
        return [f"generated evidence log key for {origin}"]
    return []


def load_log_signer(home: Path, origin: str) -> Ed25519Signer:
    path = home / KEY_FILE
    if not path.exists():
        raise ConfigurationError(
            Text(
                "没有存证日志密钥：请先运行 laborsign init",
                "no evidence log key: run `laborsign init`",
            )
        )
    signer = Ed25519Signer.from_skey(path.read_text())
    if signer.name != origin:
        # The key name is the origin line; a mismatch would publish unverifiable checkpoints.
        raise ConfigurationError(
            Text(
                f"存证日志密钥属于“{signer.name}”，与配置的来源“{origin}”不符",
                f"the evidence log key is for {signer.name!r}, not the origin {origin!r}",
            ),
            field="evidence_origin",
        )
    return signer
