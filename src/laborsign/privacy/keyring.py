"""The keyring file: the embedded default's master keys for personal data.

A small text file, mode 0600, one key per line::

    index <base64 of 32 bytes>
    data 1 <base64 of 32 bytes>
    data 2 <base64 of 32 bytes>

`data N` lines are the key versions (the highest encrypts new data, older ones still
decrypt); the `index` line roots the blind-index keys, which must not change while indexes
exist. Rotation appends a line and replaces the file atomically.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.privacy.keys import KEY_BYTES, Keyring

KEYRING_FILE = "data.keyring"
_HEADER = (
    "# LaborSign personal-data keyring. Secret: keep it 0600 and back it up apart from the\n"
    "# database. Never delete a 'data' line while ciphertexts of that version remain, and\n"
    "# never change the 'index' line.\n"
)


def new_keyring() -> Keyring:
    return Keyring(secrets.token_bytes(KEY_BYTES), {1: secrets.token_bytes(KEY_BYTES)})


def rotated(keyring: Keyring) -> Keyring:
    """The same keyring with a fresh data key as the next (current) version."""
    roots = dict(keyring.data_roots)
    roots[max(roots) + 1] = secrets.token_bytes(KEY_BYTES)
    return Keyring(keyring.index_root, roots)


def format_keyring(keyring: Keyring) -> str:
    lines = [_HEADER, f"index {base64.b64encode(keyring.index_root).decode()}\n"]
    for version in sorted(keyring.data_roots):
        encoded = base64.b64encode(keyring.data_roots[version]).decode()
        lines.append(f"data {version} {encoded}\n")
    return "".join(lines)


def parse_keyring(text: str) -> Keyring:
    index: bytes | None = None
    data: dict[int, bytes] = {}
    try:
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if parts[0] == "index" and len(parts) == 2 and index is None:
                index = base64.b64decode(parts[1], validate=True)
            elif parts[0] == "data" and len(parts) == 3 and int(parts[1]) not in data:
                data[int(parts[1])] = base64.b64decode(parts[2], validate=True)
            else:
                raise ValueError(f"unexpected line {parts[0]!r}")
        if index is None:
            raise ValueError("no index key")
        return Keyring(index, data)
    except (ValueError, binascii.Error) as exc:
        raise ConfigurationError(
            Text(
                "个人数据密钥环文件无效：{why}", "invalid personal-data keyring file: {why}"
            ).format(why=str(exc)),
            field="data_keyring_file",
        ) from None


def load_keyring(path: Path) -> Keyring:
    try:
        return parse_keyring(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        raise ConfigurationError(
            Text(
                "缺少个人数据密钥环 {path}：请运行 laborsign init（开发模式），或设置 "
                "LABORSIGN_DATA_KEYRING_FILE",
                "the personal-data keyring {path} is missing: run `laborsign init` "
                "(development) or set LABORSIGN_DATA_KEYRING_FILE",
            ).format(path=str(path)),
            field="data_keyring_file",
        ) from None


def write_keyring(path: Path, keyring: Keyring, *, replace: bool) -> None:
    """Write 0600 from the first byte; `replace=False` refuses to overwrite a keyring."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = path.with_name(path.name + ".tmp") if replace else path
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(format_keyring(keyring))
        handle.flush()
        os.fsync(handle.fileno())
    if replace:
        # Atomic: a crash leaves either the old keyring or the new one, never half a file.
        os.replace(target, path)


def rotate_keyring_file(path: Path) -> int:
    """Add a new data key version to the keyring file; returns the new current version."""
    keyring = rotated(load_keyring(path))
    write_keyring(path, keyring, replace=True)
    return max(keyring.data_roots)
