"""Documents as files under one directory: the embedded default."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from laborsign.privacy.keys import KeyProvider
from laborsign.storage.base import EncryptedDocumentStore


class LocalDocumentStore(EncryptedDocumentStore):
    def __init__(self, directory: Path, keys: KeyProvider) -> None:
        super().__init__(keys)
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory.joinpath(*key.split("/"))

    def _read(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def _write(self, key: str, blob: bytes) -> None:
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Temp file in the same directory (same file system, so os.replace is atomic), made
        # durable before it is renamed into place: a crash never leaves half a document.
        temp = final.with_name(f".{final.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_directory(final.parent)

    def _exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def _remove(self, key: str) -> bool:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return False
        _fsync_directory(self.path(key).parent)
        return True


def _fsync_directory(directory: Path) -> None:
    # The rename itself is durable only once the directory entry is on disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
