"""c2sp.org/tlog-tiles: tile paths, widths and entry bundles (pure).

A tile at level L holds up to 256 consecutive hashes of complete subtrees of 256**L
leaves, i.e. the stored subtrees at binary level 8 * L.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from laborsign.errors import InvalidInput, NotFound
from laborsign.i18n import Text

TILE_WIDTH = 256
TILE_HEIGHT = 8
_ELEMENT = re.compile(r"x\d{3}")
_LAST = re.compile(r"\d{3}")
_WIDTH = re.compile(r"[1-9]\d{0,2}")
_LEVEL = re.compile(r"0|[1-9]\d?")


@dataclass(frozen=True, slots=True)
class Tile:
    """Level None means the entry bundle at that index."""

    level: int | None
    index: int
    width: int  # 256 for a full tile

    @property
    def binary_level(self) -> int:
        return TILE_HEIGHT * (self.level or 0)

    @property
    def first(self) -> int:
        """Position of the first hash at `binary_level`."""
        return self.index * TILE_WIDTH

    def path(self) -> str:
        head = "entries" if self.level is None else str(self.level)
        partial = "" if self.width == TILE_WIDTH else f".p/{self.width}"
        return f"tile/{head}/{encode_index(self.index)}{partial}"

    def check_within(self, size: int) -> None:
        """Refuse tiles the tree of `size` leaves does not (yet) determine."""
        available = size >> self.binary_level  # complete subtrees at this level
        if self.first + self.width > available:
            raise NotFound(Text("该瓦片尚不存在", "this tile does not exist at the published size"))


def encode_index(index: int) -> str:
    digits = f"{index:d}"
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_tile_path(path: str) -> Tile:
    """`<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]` (the part after `tile/`)."""
    parts = path.split("/")
    width = TILE_WIDTH
    if len(parts) >= 3 and parts[-2].endswith(".p"):
        if not _WIDTH.fullmatch(parts[-1]) or int(parts[-1]) >= TILE_WIDTH:
            raise _bad(path)
        width = int(parts[-1])
        parts = [*parts[:-2], parts[-2][:-2]]
    if len(parts) < 2:
        raise _bad(path)
    head, *elements = parts
    if not all(_ELEMENT.fullmatch(e) for e in elements[:-1]) or not _LAST.fullmatch(elements[-1]):
        raise _bad(path)
    index = int("".join(e.lstrip("x") for e in elements))
    if encode_index(index) != "/".join(elements):
        raise _bad(path)  # one spelling per tile, so caches never hold two copies
    if head == "entries":
        return Tile(None, index, width)
    if not _LEVEL.fullmatch(head) or int(head) > 63:
        raise _bad(path)
    return Tile(int(head), index, width)


def _bad(path: str) -> InvalidInput:
    return InvalidInput(Text("瓦片路径无效", f"invalid tile path {path!r}"), field="path")


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries, each prefixed with its big-endian uint16 length."""
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise ValueError("entry too long for a bundle")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def split_entry_bundle(bundle: bytes) -> list[bytes]:
    entries, offset = [], 0
    while offset < len(bundle):
        if offset + 2 > len(bundle):
            raise ValueError("truncated bundle")
        length = int.from_bytes(bundle[offset : offset + 2], "big")
        entry = bundle[offset + 2 : offset + 2 + length]
        if len(entry) != length:
            raise ValueError("truncated bundle")
        entries.append(entry)
        offset += 2 + length
    return entries
