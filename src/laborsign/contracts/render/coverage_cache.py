"""Font coverage kept on disk, so that a fresh process need not decode the CJK cmaps again.

Decoding the character map of Noto Serif CJK costs tens of milliseconds, more than the rest
of a warm render's Python work together; the answer only changes when the font file does.
An entry records the file's path, face, size and modification time it was read from and is
used only while the file still matches; otherwise the face is read again and the entry
replaced. The cache is an optimisation only: an unreadable, unwritable or damaged cache
means reading the font, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from array import array
from pathlib import Path

from laborsign.contracts.render.fonts import face_ranges

# Raised whenever the layout of an entry or the meaning of its ranges changes.
FORMAT = 1


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/laborsign/font-coverage`, `~/.cache/...` by default."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "laborsign" / "font-coverage"


class CoverageCache:
    """Code point ranges per font face, one small file per face in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def ranges(self, path: Path, index: int = 0) -> tuple[tuple[int, int], ...]:
        key = self._key(path, index)
        entry = self.entry_path(path, index)
        cached = _read(entry, key)
        if cached is not None:
            return cached
        ranges = face_ranges(path, index)
        _write(entry, key, ranges)
        return ranges

    def entry_path(self, path: Path, index: int) -> Path:
        name = hashlib.sha256(f"{path.resolve()}\0{index}".encode()).hexdigest()[:32]
        return self.directory / f"{name}.cov"

    @staticmethod
    def _key(path: Path, index: int) -> bytes:
        stat = path.stat()
        fields = {
            "format": FORMAT,
            "path": str(path.resolve()),
            "index": index,
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
        }
        return json.dumps(fields, sort_keys=True).encode()


# An entry is the key as one JSON line, then the ranges as little-endian uint32 pairs.
def _read(entry: Path, key: bytes) -> tuple[tuple[int, int], ...] | None:
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    header, newline, body = data.partition(b"\n")
    if not newline or header != key or len(body) % 8:
        return None
    values = array("I")
    if values.itemsize != 4:  # pragma: no cover - every platform we run on has 4-byte I
        return None
    values.frombytes(body)
    if sys.byteorder != "little":  # pragma: no cover - little-endian machines only in CI
        values.byteswap()
    return tuple(zip(values[0::2], values[1::2], strict=True))


def _write(entry: Path, key: bytes, ranges: tuple[tuple[int, int], ...]) -> None:
    values = array("I", [value for pair in ranges for value in pair])
    if sys.byteorder != "little":  # pragma: no cover
        values.byteswap()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a concurrent reader sees the old entry or the new one.
        fd, partial = tempfile.mkstemp(dir=entry.parent, suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(key + b"\n" + values.tobytes())
            os.replace(partial, entry)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    except OSError:
        return
