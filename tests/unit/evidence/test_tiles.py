"""tlog-tiles paths and entry bundles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.errors import InvalidInput, NotFound
from laborsign.evidence.tiles import (
    Tile,
    encode_index,
    entry_bundle,
    parse_tile_path,
    split_entry_bundle,
)


def test_index_encoding_of_the_specification() -> None:
    assert encode_index(1234067) == "x001/x234/067"
    assert encode_index(0) == "000"
    assert encode_index(1000) == "x001/000"


@given(index=st.integers(min_value=0, max_value=10**12), width=st.integers(1, 256))
def test_paths_round_trip(index: int, width: int) -> None:
    for level in (None, 0, 3):
        tile = Tile(level, index, width)
        assert parse_tile_path(tile.path().removeprefix("tile/")) == tile


@pytest.mark.parametrize(
    "path", ["0/1", "0/x000", "64/000", "01/000", "0/000.p/256", "0/000.p/0", "entries", "x/000"]
)
def test_bad_paths_are_refused(path: str) -> None:
    with pytest.raises(InvalidInput):
        parse_tile_path(path)


def test_tiles_beyond_the_published_size_do_not_exist() -> None:
    # A tree of 70,000 leaves: 273 full level-0 tiles, a partial of width 112 (the spec's example).
    Tile(0, 272, 256).check_within(70_000)
    Tile(0, 273, 112).check_within(70_000)
    Tile(1, 1, 17).check_within(70_000)
    Tile(2, 0, 1).check_within(70_000)
    for tile in (Tile(0, 273, 256), Tile(0, 273, 113), Tile(1, 1, 18), Tile(2, 0, 2)):
        with pytest.raises(NotFound):
            tile.check_within(70_000)


def test_entry_bundles_are_uint16_length_prefixed() -> None:
    entries = [b"", b"a", b"x" * 300]
    bundle = entry_bundle(entries)
    assert bundle[:2] == b"\x00\x00" and bundle[2:5] == b"\x00\x01a"
    assert split_entry_bundle(bundle) == entries
    with pytest.raises(ValueError):
        split_entry_bundle(bundle[:-1])
    with pytest.raises(ValueError):
        entry_bundle([b"x" * 65536])
