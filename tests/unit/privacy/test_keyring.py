"""The keyring file: created private, parsed strictly, rotated atomically."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from laborsign.errors import ConfigurationError
from laborsign.privacy.keyring import (
    format_keyring,
    load_keyring,
    new_keyring,
    parse_keyring,
    rotate_keyring_file,
    write_keyring,
)


def test_written_keyring_is_private_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "data.keyring"
    keyring = new_keyring()
    write_keyring(path, keyring, replace=False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keyring(path) == keyring


def test_an_existing_keyring_is_never_overwritten_by_creation(tmp_path: Path) -> None:
    path = tmp_path / "data.keyring"
    write_keyring(path, new_keyring(), replace=False)
    with pytest.raises(FileExistsError):
        write_keyring(path, new_keyring(), replace=False)


def test_rotation_adds_a_version_and_keeps_the_old_keys(tmp_path: Path) -> None:
    path = tmp_path / "data.keyring"
    first = new_keyring()
    write_keyring(path, first, replace=False)
    assert rotate_keyring_file(path) == 2
    after = load_keyring(path)
    assert after.index_root == first.index_root
    assert after.data_roots[1] == first.data_roots[1]
    assert set(after.data_roots) == {1, 2}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "text",
    [
        "",
        "data 1 AAAA\n",
        "index !!!\ndata 1 AAAA\n",
        "secret 1 AAAA\n",
        # A duplicate version would make one of the keys silently unreachable.
        format_keyring(new_keyring()) + "data 1 " + "A" * 43 + "=\n",
    ],
)
def test_malformed_keyrings_are_refused(text: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_keyring(text)


def test_missing_keyring_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="laborsign init"):
        load_keyring(tmp_path / "absent.keyring")
