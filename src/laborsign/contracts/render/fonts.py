"""The fonts a contract is typeset with, and which characters they can show.

Typst draws a character that no font in the list has as an empty box ("tofu") without
complaint. A signed contract with a worker's name as tofu is worse than no contract, so
every text field is checked against the fonts' character maps before compiling.

The fonts come from Debian packages (fonts-noto-cjk, fonts-hanazono). Noto Serif CJK
covers the common characters and CJK Ext-A; HanaMinA/HanaMinB (花園明朝) cover the rest of
Ext-A and all of Ext-B, e.g. rare characters in personal names.
"""

from __future__ import annotations

import bisect
import os
import shutil
import struct
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text

if TYPE_CHECKING:
    from laborsign.contracts.render.coverage_cache import CoverageCache

# Family stacks: Typst tries them in order for every character. Data (names, addresses,
# free texts) are always set in BODY so that the coverage check below is exact.
BODY_FAMILIES: tuple[str, ...] = ("Noto Serif CJK SC", "HanaMinA", "HanaMinB")
HEADING_FAMILIES: tuple[str, ...] = ("Noto Sans CJK SC", *BODY_FAMILIES)

# File name → Debian package; searched for in FONT_DIRS.
FONT_FILES: dict[str, str] = {
    "NotoSerifCJK-Regular.ttc": "fonts-noto-cjk",
    "NotoSansCJK-Bold.ttc": "fonts-noto-cjk",
    "HanaMinA.ttf": "fonts-hanazono",
    "HanaMinB.ttf": "fonts-hanazono",
}
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/hanazono"),
    Path("/usr/local/share/fonts"),
)

# Code points that select a glyph variant or join glyphs; a font without them still shows
# the base character, so they need no glyph of their own.
_IGNORABLE = frozenset({0x200D, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)})


def find_font_files(dirs: Sequence[Path] = FONT_DIRS) -> tuple[Path, ...]:
    """The font files the templates need, or a ConfigurationError naming the package."""
    found: list[Path] = []
    for name, package in FONT_FILES.items():
        path = next((d / name for d in dirs if (d / name).is_file()), None)
        if path is None:
            raise ConfigurationError(
                Text(
                    f"找不到字体文件 {name}，请安装 Debian 软件包 {package}",
                    f"font file {name} not found; install the Debian package {package}",
                )
            )
        found.append(path)
    return tuple(found)


class FontDirectory:
    """A private folder of links to exactly the font files used.

    Typst scans whole folders; pointing it at the system font folders would parse dozens of
    unused 20 MB collections on every start.
    """

    def __init__(self, files: Iterable[Path]) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="laborsign-fonts-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)
        for file in files:
            os.symlink(file.resolve(), self.path / file.name)

    def close(self) -> None:
        self._cleanup()


@dataclass(frozen=True, slots=True)
class Coverage:
    """The set of code points a font stack can draw, as sorted disjoint ranges."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]  # inclusive

    def __contains__(self, code_point: object) -> bool:
        if not isinstance(code_point, int):
            return False
        i = bisect.bisect_right(self.starts, code_point) - 1
        return i >= 0 and code_point <= self.ends[i]

    def missing(self, text: str) -> str | None:
        """The first character of `text` no font has, ignoring line breaks and selectors."""
        for ch in text:
            cp = ord(ch)
            if cp not in self and cp not in _IGNORABLE and ch not in "\n\r\t":
                return ch
        return None

    @classmethod
    def union(cls, ranges: Iterable[tuple[int, int]]) -> Coverage:
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple(r[0] for r in merged), tuple(r[1] for r in merged))


def stack_coverage(
    faces: Iterable[tuple[Path, int]], cache: CoverageCache | None = None
) -> Coverage:
    """Coverage of the given (file, face index) pairs together; per-face ranges come from
    `cache` when it holds them for the file as it is now."""
    ranges: list[tuple[int, int]] = []
    for path, index in faces:
        ranges.extend(cache.ranges(path, index) if cache is not None else face_ranges(path, index))
    return Coverage.union(ranges)


def face_ranges(path: Path, index: int = 0) -> tuple[tuple[int, int], ...]:
    """The code point ranges face `index` of a font file (or collection) maps to a glyph,
    merged where they touch."""
    try:
        merged = Coverage.union(_cmap_ranges(read_table(path, index, b"cmap")))
    except struct.error as exc:  # an offset or count pointing past the data read
        raise _bad_font(path, "damaged font data") from exc
    return tuple(zip(merged.starts, merged.ends, strict=True))


def read_table(path: Path, index: int, tag: bytes) -> bytes:
    """One table of one face of an OpenType file or collection, read straight from the file.

    Only the headers and the table itself are read: a CJK collection is 20–30 MB, its cmap
    a few hundred KB.
    """
    with path.open("rb") as file:
        header = file.read(12)
        if header[:4] == b"ttcf":
            (faces,) = struct.unpack_from(">I", header, 8)
            if not 0 <= index < faces:
                raise _bad_font(path, f"no face {index}")
            file.seek(12 + 4 * index)
            (offset,) = struct.unpack(">I", file.read(4))
            file.seek(offset)
            header = file.read(12)
        if len(header) < 12:
            raise _bad_font(path, "truncated header")
        (tables,) = struct.unpack_from(">H", header, 4)
        directory = file.read(16 * tables)
        for entry in struct.iter_unpack(">4sIII", directory[: 16 * tables]):
            table_tag, _checksum, offset, length = entry
            if table_tag == tag:
                # Offsets count from the start of the file, also inside a collection.
                file.seek(offset)
                data = file.read(length)
                if len(data) != length:
                    raise _bad_font(path, f"truncated {tag.decode()} table")
                return data
    raise _bad_font(path, f"no {tag.decode()} table")


def _bad_font(path: Path, what: str) -> ConfigurationError:
    return ConfigurationError(
        Text(f"字体文件 {path} 无法读取：{what}", f"font file {path}: {what}")
    )


def _cmap_ranges(data: bytes) -> tuple[tuple[int, int], ...]:
    """Code point ranges mapped to a real glyph, from the best Unicode subtable."""
    (count,) = struct.unpack_from(">H", data, 2)
    subtables: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * i)
        (fmt,) = struct.unpack_from(">H", data, offset)
        if fmt in (4, 12) and (platform == 0 or (platform == 3 and encoding in (1, 10))):
            subtables.setdefault(fmt, offset)
    if 12 in subtables:
        offset = subtables[12]
        (n_groups,) = struct.unpack_from(">I", data, offset + 12)
        return tuple(
            (start, end)
            for start, end, _glyph in struct.iter_unpack(
                ">III", data[offset + 16 : offset + 16 + 12 * n_groups]
            )
        )
    if 4 in subtables:
        return _format4_ranges(data, subtables[4])
    raise ConfigurationError(
        Text("字体没有可用的 Unicode 字符映射表", "font has no usable Unicode cmap subtable")
    )


def _format4_ranges(data: bytes, offset: int) -> tuple[tuple[int, int], ...]:
    (seg_x2,) = struct.unpack_from(">H", data, offset + 6)
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, offset + 14)
    starts = struct.unpack_from(f">{segs}H", data, offset + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}h", data, offset + 16 + 2 * seg_x2)
    range_offsets_at = offset + 16 + 3 * seg_x2
    range_offsets = struct.unpack_from(f">{segs}H", data, range_offsets_at)
    ranges: list[tuple[int, int]] = []
    for i in range(segs):
        if starts[i] == 0xFFFF:
            continue
        if range_offsets[i] == 0:
            # Every code point maps to (cp + delta); only glyph 0 would be .notdef.
            ranges.extend(
                (cp, cp) for cp in range(starts[i], ends[i] + 1) if (cp + deltas[i]) & 0xFFFF != 0
            )
            continue
        for cp in range(starts[i], ends[i] + 1):
            at = range_offsets_at + 2 * i + range_offsets[i] + 2 * (cp - starts[i])
            (glyph,) = struct.unpack_from(">H", data, at)
            if glyph != 0:
                ranges.append((cp, cp))
    return tuple(ranges)
