"""Document encryption at rest: exact round trips, and nothing wrong is ever returned."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.privacy.keyring import new_keyring, rotated
from laborsign.privacy.keys import KeyringProvider
from laborsign.storage.envelope import seal, sha256_hex, unseal
from laborsign.storage.errors import DocumentCorrupted

KEYRING = new_keyring()
KEYS = KeyringProvider(KEYRING)
PDF = b"%PDF-1.7\n" + "劳动合同 张三 11010519491231002X".encode() + b"\n%%EOF\n"


@given(st.binary(max_size=4096), st.sampled_from(["application/pdf", "image/png", ""]))
def test_round_trip(data: bytes, content_type: str) -> None:
    sha = sha256_hex(data)
    assert unseal(KEYS, "t1", sha, seal(KEYS, "t1", sha, content_type, data)) == (
        content_type,
        data,
    )


def test_the_object_holds_no_plaintext() -> None:
    blob = seal(KEYS, "t1", sha256_hex(PDF), "application/pdf", PDF)
    assert b"11010519491231002X" not in blob
    assert b"application/pdf" not in blob


@given(st.data())
def test_any_flipped_bit_is_detected(data: st.DataObject) -> None:
    sha = sha256_hex(PDF)
    blob = bytearray(seal(KEYS, "t1", sha, "application/pdf", PDF))
    blob[data.draw(st.integers(0, len(blob) - 1))] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(DocumentCorrupted):
        unseal(KEYS, "t1", sha, bytes(blob))


def test_an_object_is_bound_to_its_tenant_and_address() -> None:
    sha = sha256_hex(PDF)
    blob = seal(KEYS, "t1", sha, "application/pdf", PDF)
    with pytest.raises(DocumentCorrupted):
        unseal(KEYS, "t2", sha, blob)
    with pytest.raises(DocumentCorrupted):
        unseal(KEYS, "t1", sha256_hex(b"other"), blob)


def test_another_keyring_cannot_open_it() -> None:
    sha = sha256_hex(PDF)
    blob = seal(KEYS, "t1", sha, "application/pdf", PDF)
    with pytest.raises(DocumentCorrupted):
        unseal(KeyringProvider(new_keyring()), "t1", sha, blob)


def test_objects_of_an_older_key_version_still_open_after_rotation() -> None:
    sha = sha256_hex(PDF)
    blob = seal(KEYS, "t1", sha, "application/pdf", PDF)
    assert unseal(KeyringProvider(rotated(KEYRING)), "t1", sha, blob)[1] == PDF


def test_a_writer_storing_bytes_under_the_wrong_hash_is_caught() -> None:
    wrong = sha256_hex(b"not this document")
    blob = seal(KEYS, "t1", wrong, "application/pdf", PDF)
    with pytest.raises(DocumentCorrupted):
        unseal(KEYS, "t1", wrong, blob)
