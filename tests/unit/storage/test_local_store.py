"""The local file store: layout, permissions, atomic writes and refused addresses."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from laborsign.errors import InvalidInput
from laborsign.privacy.keyring import new_keyring
from laborsign.privacy.keys import KeyringProvider
from laborsign.storage.base import object_key
from laborsign.storage.errors import DocumentCorrupted, DocumentNotFound
from laborsign.storage.local import LocalDocumentStore

PDF = b"%PDF-1.7\n" + "劳动合同 13800138000".encode() + b"\n%%EOF\n"


@pytest.fixture
def store(tmp_path: Path) -> LocalDocumentStore:
    return LocalDocumentStore(tmp_path / "documents", KeyringProvider(new_keyring()))


def test_documents_fan_out_by_hash_and_are_private(store: LocalDocumentStore) -> None:
    ref = store.put("employer-7", PDF, "application/pdf")
    path = store.directory / "employer-7" / ref.sha256[:2] / ref.sha256[2:4] / ref.sha256
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"13800138000" not in path.read_bytes()
    # Nothing but the document itself is left behind: no temp files.
    assert [p.name for p in path.parent.iterdir()] == [ref.sha256]


def test_open_gives_the_content_type(store: LocalDocumentStore) -> None:
    ref = store.put("employer-7", PDF, "application/pdf")
    opened = store.open("employer-7", ref.sha256)
    assert (opened.ref, opened.content_type, opened.data) == (ref, "application/pdf", PDF)


def test_a_truncated_file_is_an_error(store: LocalDocumentStore) -> None:
    ref = store.put("employer-7", PDF, "application/pdf")
    path = store.path(object_key("employer-7", ref.sha256))
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(DocumentCorrupted):
        store.get("employer-7", ref.sha256)


def test_missing_documents_are_not_found(store: LocalDocumentStore) -> None:
    with pytest.raises(DocumentNotFound):
        store.get("employer-7", "0" * 64)
    assert store.delete("employer-7", "0" * 64) is False


@pytest.mark.parametrize("tenant", ["", "..", "../x", "a/b", ".hidden", "a\x00b", "租户"])
def test_tenants_that_could_escape_the_directory_are_refused(
    store: LocalDocumentStore, tenant: str
) -> None:
    with pytest.raises(InvalidInput):
        store.put(tenant, PDF, "application/pdf")


@pytest.mark.parametrize("sha", ["", "abc", "G" * 64, "A" * 64, "../" + "0" * 61])
def test_addresses_must_be_sha256_hex(store: LocalDocumentStore, sha: str) -> None:
    with pytest.raises(InvalidInput):
        store.get("employer-7", sha)
