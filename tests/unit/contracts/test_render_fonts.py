"""Glyph coverage read from the fonts' character maps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder  # type: ignore[import-untyped]
from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
from fontTools.ttLib import TTCollection, TTFont  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from laborsign.contracts.render.coverage_cache import CoverageCache
from laborsign.contracts.render.fonts import (
    Coverage,
    _cmap_ranges,
    _format4_ranges,
    face_ranges,
    find_font_files,
)
from laborsign.errors import ConfigurationError

# Small and present wherever fontconfig is; used to check the cmap decoding against fontTools.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def build_font(chars: str) -> TTFont:
    """A minimal TrueType font drawing exactly `chars` (empty outlines)."""
    names = [".notdef", *(f"g{ord(ch):04X}" for ch in chars)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(ch): f"g{ord(ch):04X}" for ch in chars})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf(dict.fromkeys(names, empty))
    builder.setupHorizontalMetrics(dict.fromkeys(names, (500, 0)))
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Coverage Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    return builder.font


def _expand(ranges: tuple[tuple[int, int], ...]) -> set[int]:
    return {cp for start, end in ranges for cp in range(start, end + 1)}


@pytest.mark.skipif(not DEJAVU.exists(), reason="DejaVu Sans not installed")
def test_cmap_decoding_agrees_with_fonttools() -> None:
    font = TTFont(str(DEJAVU), lazy=True)
    expected = set(font.getBestCmap())
    data = font.reader["cmap"]
    assert _expand(_cmap_ranges(data)) == expected
    # The same font's BMP-only subtable, through the format-4 decoder.
    import struct

    (count,) = struct.unpack_from(">H", data, 2)
    offsets = [struct.unpack_from(">HHI", data, 4 + 8 * i)[2] for i in range(count)]
    format4 = next(o for o in offsets if struct.unpack_from(">H", data, o)[0] == 4)
    assert _expand(_format4_ranges(data, format4)) == {cp for cp in expected if cp < 0x10000}


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 40)), max_size=30))
def test_union_contains_exactly_the_given_code_points(spans: list[tuple[int, int]]) -> None:
    ranges = [(start, start + length) for start, length in spans]
    coverage = Coverage.union(ranges)
    expected = _expand(tuple(ranges))
    assert {cp for cp in range(0, 3100) if cp in coverage} == expected
    # Merged: disjoint, sorted, not even touching.
    assert all(e + 1 < s for e, s in zip(coverage.ends, coverage.starts[1:], strict=False))


def test_missing_skips_line_breaks_and_variation_selectors() -> None:
    coverage = Coverage.union([(ord("a"), ord("z"))])
    assert coverage.missing("ab\ncd\ufe0f") is None
    assert coverage.missing("abc€d") == "€"


def test_missing_font_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        find_font_files((tmp_path,))
    assert "fonts-noto-cjk" in caught.value.message.en


def test_each_face_of_a_collection_has_its_own_coverage(tmp_path: Path) -> None:
    collection = TTCollection()
    collection.fonts = [build_font("ab"), build_font("xyz中")]
    path = tmp_path / "two.ttc"
    collection.save(str(path))
    assert _expand(face_ranges(path, 0)) == {ord("a"), ord("b")}
    assert _expand(face_ranges(path, 1)) == {ord("x"), ord("y"), ord("z"), ord("中")}
    with pytest.raises(ConfigurationError):
        face_ranges(path, 2)


def test_a_file_that_is_not_a_font_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttf"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(ConfigurationError):
        face_ranges(path, 0)
    # A real font cut short: its table directory points past the end of the file.
    build_font("ab").save(str(path))
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(ConfigurationError):
        face_ranges(path, 0)


def _font_file(path: Path, chars: str) -> Path:
    build_font(chars).save(str(path))
    return path


def test_a_fresh_cache_entry_is_used(tmp_path: Path) -> None:
    font = _font_file(tmp_path / "f.ttf", "ab")
    cache = CoverageCache(tmp_path / "cache")
    assert _expand(cache.ranges(font)) == {ord("a"), ord("b")}
    assert cache.entry_path(font, 0).is_file()
    # An entry that disagrees with the font but matches its file is believed: proof that
    # the second lookup reads the entry rather than the font.
    _overwrite_ranges(cache, font, b"\x00\x4e\x00\x00\x00\x4e\x00\x00")  # U+4E00 only
    assert cache.ranges(font) == ((0x4E00, 0x4E00),)


def test_a_stale_cache_entry_is_not_used(tmp_path: Path) -> None:
    font = _font_file(tmp_path / "f.ttf", "ab")
    cache = CoverageCache(tmp_path / "cache")
    cache.ranges(font)
    # The font file is replaced by one with other characters (another size and time).
    _font_file(font, "abcxyz")
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert _expand(cache.ranges(font)) == set(map(ord, "abcxyz"))
    # Same size, only touched: still re-read (a wrong entry planted for the old time is
    # ignored once the modification time moves on).
    _overwrite_ranges(cache, font, b"\x00\x4e\x00\x00\x00\x4e\x00\x00")
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    assert _expand(cache.ranges(font)) == set(map(ord, "abcxyz"))


def test_a_damaged_or_unwritable_cache_falls_back_to_the_font(tmp_path: Path) -> None:
    font = _font_file(tmp_path / "f.ttf", "ab")
    cache = CoverageCache(tmp_path / "cache")
    cache.ranges(font)
    entry = cache.entry_path(font, 0)
    entry.write_bytes(entry.read_bytes()[:-3])  # cut mid-range
    assert _expand(cache.ranges(font)) == {ord("a"), ord("b")}
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    assert _expand(CoverageCache(blocked).ranges(font)) == {ord("a"), ord("b")}


def _overwrite_ranges(cache: CoverageCache, font: Path, body: bytes) -> None:
    entry = cache.entry_path(font, 0)
    header, _, _ = entry.read_bytes().partition(b"\n")
    entry.write_bytes(header + b"\n" + body)
