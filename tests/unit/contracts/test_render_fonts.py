"""Glyph coverage read from the fonts' character maps."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from laborsign.contracts.render.fonts import (
    Coverage,
    _cmap_ranges,
    _format4_ranges,
    find_font_files,
)
from laborsign.errors import ConfigurationError

# Small and present wherever fontconfig is; used to check the cmap decoding against fontTools.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


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
