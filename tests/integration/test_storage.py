"""The document store contract, run against every adapter.

The S3 adapter talks HTTP to a separate S3-compatible server process (moto's standalone
server) on a free local port — the same wire protocol MinIO, Ceph and OSS speak.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.integration.servers import free_port

from laborsign.bootstrap import Container
from laborsign.errors import ServiceUnavailable
from laborsign.privacy.keyring import new_keyring, write_keyring
from laborsign.privacy.keys import KeyringProvider
from laborsign.settings import Settings
from laborsign.storage.base import EncryptedDocumentStore, object_key
from laborsign.storage.errors import DocumentCorrupted, DocumentNotFound
from laborsign.storage.local import LocalDocumentStore
from laborsign.storage.s3 import S3DocumentStore, make_s3_client

PDF = b"%PDF-1.7\n" + "劳动合同 张三 11010519491231002X 13800138000".encode() + b"\n%%EOF\n"
ACCESS, SECRET = "laborsign-test", "laborsign-test-secret"


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone S3-compatible server in its own process for this test session."""
    port = free_port()
    log = (tmp_path_factory.mktemp("s3") / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a bound for a slow machine, not an assertion
        while True:
            if server.poll() is not None:
                pytest.fail(f"S3 test server exited with {server.returncode}")
            try:
                httpx.get(endpoint, timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("S3 test server did not start")
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint: str) -> Any:
    return make_s3_client(endpoint=s3_endpoint, access_key=ACCESS, secret_key=SECRET)


# Each adapter with a way to reach its raw objects, to play the attacker with disk access.
Raw = tuple[EncryptedDocumentStore, Callable[[str], bytes], Callable[[str, bytes], None]]


@pytest.fixture(params=["local", "s3"])
def raw_store(request: pytest.FixtureRequest, tmp_path: Path) -> Raw:
    keys = KeyringProvider(new_keyring())
    if request.param == "local":
        local = LocalDocumentStore(tmp_path / "documents", keys)
        return local, lambda key: local.path(key).read_bytes(), _local_writer(local)
    client = request.getfixturevalue("s3_client")
    s3 = S3DocumentStore(keys, client, f"t-{secrets.token_hex(6)}")
    assert s3.ensure_bucket() is True

    def read(key: str) -> bytes:
        body: bytes = client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
        return body

    def write(key: str, blob: bytes) -> None:
        client.put_object(Bucket=s3.bucket, Key=key, Body=blob)

    return s3, read, write


def _local_writer(store: LocalDocumentStore) -> Callable[[str, bytes], None]:
    def write(key: str, blob: bytes) -> None:
        path = store.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)

    return write


@pytest.fixture
def store(raw_store: Raw) -> EncryptedDocumentStore:
    return raw_store[0]


def test_put_then_get_returns_the_same_bytes(store: EncryptedDocumentStore) -> None:
    ref = store.put("employer-1", PDF, "application/pdf")
    assert ref.size == len(PDF) and len(ref.sha256) == 64
    assert store.get("employer-1", ref.sha256) == PDF
    assert store.open("employer-1", ref.sha256).content_type == "application/pdf"
    assert store.exists("employer-1", ref.sha256)


def test_put_is_idempotent_for_the_same_content(raw_store: Raw) -> None:
    store, read, _ = raw_store
    first = store.put("employer-1", PDF, "application/pdf")
    stored = read(object_key("employer-1", first.sha256))
    assert store.put("employer-1", PDF, "application/pdf") == first
    # Not rewritten: the stored object (with its random nonce) is the same.
    assert read(object_key("employer-1", first.sha256)) == stored


def test_a_batch_is_stored_whole_with_the_refs_of_single_puts(raw_store: Raw) -> None:
    store, read, _ = raw_store
    documents = [(PDF + bytes([i]), "application/pdf") for i in range(20)]
    already = store.put("employer-1", documents[0][0], "application/pdf")
    stored = read(object_key("employer-1", already.sha256))
    refs = store.put_many("employer-1", [*documents, documents[1]])  # one twice
    assert refs[0] == already and refs[-1] == refs[1]
    for (data, _), ref in zip(documents, refs, strict=False):
        assert ref.size == len(data) and store.get("employer-1", ref.sha256) == data
    # Content addressing: what was there is not rewritten.
    assert read(object_key("employer-1", already.sha256)) == stored
    assert store.put_many("employer-1", []) == []


def test_empty_and_large_documents(store: EncryptedDocumentStore) -> None:
    large = os.urandom(3 * 1024 * 1024)
    for data in (b"", large):
        ref = store.put("employer-1", data, "application/octet-stream")
        assert store.get("employer-1", ref.sha256) == data


def test_objects_hold_no_plaintext(raw_store: Raw) -> None:
    store, read, _ = raw_store
    ref = store.put("employer-1", PDF, "application/pdf")
    blob = read(object_key("employer-1", ref.sha256))
    assert b"11010519491231002X" not in blob and b"13800138000" not in blob


def test_delete_removes_once(store: EncryptedDocumentStore) -> None:
    ref = store.put("employer-1", PDF, "application/pdf")
    assert store.delete("employer-1", ref.sha256) is True
    assert not store.exists("employer-1", ref.sha256)
    assert store.delete("employer-1", ref.sha256) is False
    with pytest.raises(DocumentNotFound):
        store.get("employer-1", ref.sha256)


def test_tenants_are_separate_address_spaces(store: EncryptedDocumentStore) -> None:
    ref = store.put("employer-1", PDF, "application/pdf")
    assert not store.exists("employer-2", ref.sha256)
    with pytest.raises(DocumentNotFound):
        store.get("employer-2", ref.sha256)


@pytest.mark.parametrize("position", [0, 7, 20, -17, -1])
def test_a_flipped_byte_in_the_stored_object_is_an_error(raw_store: Raw, position: int) -> None:
    store, read, write = raw_store
    ref = store.put("employer-1", PDF, "application/pdf")
    key = object_key("employer-1", ref.sha256)
    blob = bytearray(read(key))
    blob[position] ^= 0x01
    write(key, bytes(blob))
    with pytest.raises(DocumentCorrupted):
        store.get("employer-1", ref.sha256)


def test_tenant_b_cannot_decrypt_tenant_a_object(raw_store: Raw) -> None:
    store, read, write = raw_store
    ref = store.put("employer-a", PDF, "application/pdf")
    # An attacker with storage access copies A's object into B's address space.
    write(object_key("employer-b", ref.sha256), read(object_key("employer-a", ref.sha256)))
    assert store.exists("employer-b", ref.sha256)
    with pytest.raises(DocumentCorrupted):
        store.get("employer-b", ref.sha256)
    assert store.get("employer-a", ref.sha256) == PDF


def test_another_keyring_cannot_read_the_store(raw_store: Raw, tmp_path: Path) -> None:
    store, read, _ = raw_store
    ref = store.put("employer-1", PDF, "application/pdf")
    stranger = LocalDocumentStore(tmp_path / "stranger", KeyringProvider(new_keyring()))
    stranger._write(
        object_key("employer-1", ref.sha256), read(object_key("employer-1", ref.sha256))
    )
    with pytest.raises(DocumentCorrupted):
        stranger.get("employer-1", ref.sha256)


def test_an_unreachable_object_store_fails_closed() -> None:
    client = make_s3_client(
        endpoint=f"http://127.0.0.1:{free_port()}", access_key=ACCESS, secret_key=SECRET
    )
    dead = S3DocumentStore(KeyringProvider(new_keyring()), client, "absent")
    with pytest.raises(ServiceUnavailable):
        dead.put("employer-1", PDF, "application/pdf")


def test_container_builds_the_configured_store(tmp_path: Path, s3_endpoint: str) -> None:
    keyring = tmp_path / "data.keyring"
    write_keyring(keyring, new_keyring(), replace=False)
    local = Container(Settings(home=tmp_path / "home", data_keyring_file=keyring))
    ref = local.document_store.put("employer-1", PDF, "application/pdf")
    assert (tmp_path / "home" / "documents" / "employer-1").is_dir()
    assert local.document_store.get("employer-1", ref.sha256) == PDF

    s3 = Container(
        Settings(
            home=tmp_path / "home",
            data_keyring_file=keyring,
            storage_backend="s3",
            s3_endpoint_url=s3_endpoint,
            s3_bucket=f"c-{secrets.token_hex(6)}",
            s3_access_key=ACCESS,
            s3_secret_key=SECRET,
        )
    )
    store = s3.document_store
    assert isinstance(store, S3DocumentStore)
    store.ensure_bucket()
    assert store.get("employer-1", store.put("employer-1", PDF, "application/pdf").sha256) == PDF
