"""The encrypted file key store, the master key and the key-store signer."""

from __future__ import annotations

import asyncio
import secrets
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from laborsign.errors import (
    ConfigurationError,
    Conflict,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from laborsign.pki.store_signing import StoreSigner
from laborsign.signing.keys import KeyStore, PublicKey, max_signature_size
from laborsign.signing.keys_master import ensure_master_key, load_master_key
from laborsign.signing.keystore_file import EncryptedFileKeyStore
from laborsign.signing.signer import KeyStoreSigner


def self_signed(store: KeyStore, label: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, label)])
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(store.public_key(label))
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
    )
    return StoreSigner(store, label).certificate(builder)


def verify(public_key: PublicKey, signature: bytes, data: bytes) -> None:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    else:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())


@pytest.fixture
def master() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def store(tmp_path: Path, master: bytes) -> EncryptedFileKeyStore:
    return EncryptedFileKeyStore(tmp_path / "keys", master)


@pytest.mark.parametrize("algorithm", ["ec-p256", "rsa-2048"])
def test_round_trip_through_a_fresh_store(
    store: EncryptedFileKeyStore, tmp_path: Path, master: bytes, algorithm: str
) -> None:
    ref = store.generate("org-1", algorithm)  # type: ignore[arg-type]
    assert isinstance(store, KeyStore)
    # A second store instance has nothing cached: it must decrypt the file.
    reopened = EncryptedFileKeyStore(tmp_path / "keys", master)
    signature = reopened.sign("org-1", b"contract digest")
    verify(ref.public_key, signature, b"contract digest")
    expected = ec.EllipticCurvePublicKey if algorithm == "ec-p256" else rsa.RSAPublicKey
    assert isinstance(reopened.public_key("org-1"), expected)


def test_key_file_is_private_and_holds_no_clear_key(
    store: EncryptedFileKeyStore, tmp_path: Path
) -> None:
    store.generate("worker-1", "ec-p256")
    path = tmp_path / "keys" / "worker-1.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" not in path.read_bytes()


def test_wrong_master_key_reports_the_store_locked(
    store: EncryptedFileKeyStore, tmp_path: Path
) -> None:
    store.generate("org-1", "ec-p256")
    other = EncryptedFileKeyStore(tmp_path / "keys", secrets.token_bytes(32))
    with pytest.raises(ServiceUnavailable, match="locked"):
        other.sign("org-1", b"x")


def test_a_key_file_renamed_to_another_label_does_not_load(
    store: EncryptedFileKeyStore, tmp_path: Path, master: bytes
) -> None:
    store.generate("a", "ec-p256")
    (tmp_path / "keys" / "a.key").rename(tmp_path / "keys" / "b.key")
    with pytest.raises(ServiceUnavailable):
        EncryptedFileKeyStore(tmp_path / "keys", master).sign("b", b"x")


def test_destroy_removes_the_key_for_good(store: EncryptedFileKeyStore, tmp_path: Path) -> None:
    store.generate("worker-1", "ec-p256")
    store.sign("worker-1", b"x")  # loaded and cached
    store.destroy("worker-1")
    assert not store.exists("worker-1")
    assert list((tmp_path / "keys").iterdir()) == []
    with pytest.raises(NotFound):
        store.sign("worker-1", b"x")
    with pytest.raises(NotFound):
        store.destroy("worker-1")


def test_labels_cannot_escape_the_directory(store: EncryptedFileKeyStore) -> None:
    with pytest.raises(InvalidInput):
        store.generate("../evil", "ec-p256")


def test_a_label_is_not_overwritten(store: EncryptedFileKeyStore) -> None:
    store.generate("org-1", "ec-p256")
    with pytest.raises(Conflict):
        store.generate("org-1", "ec-p256")


@settings(max_examples=25, deadline=None)
@given(data=st.binary(max_size=2048))
def test_every_signature_verifies(data: bytes) -> None:
    # One key for all examples: generating per example would only test generation again.
    store = _shared_store()
    verify(store.public_key("prop"), store.sign("prop", data), data)


_SHARED: list[EncryptedFileKeyStore] = []


def _shared_store() -> EncryptedFileKeyStore:
    if not _SHARED:
        import tempfile

        directory = Path(tempfile.mkdtemp())
        store = EncryptedFileKeyStore(directory, secrets.token_bytes(32))
        store.generate("prop", "ec-p256")
        _SHARED.append(store)
    return _SHARED[0]


def test_master_key_file_is_generated_once_0600(tmp_path: Path) -> None:
    assert ensure_master_key(tmp_path, passphrase=None, production=False) == "generated master key"
    assert ensure_master_key(tmp_path, passphrase=None, production=False) is None
    assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600
    assert len(load_master_key(tmp_path, passphrase=None)) == 32


def test_production_refuses_a_missing_master_key(tmp_path: Path) -> None:
    assert ensure_master_key(tmp_path, passphrase=None, production=True) is None
    with pytest.raises(ConfigurationError):
        load_master_key(tmp_path, passphrase=None)


def test_passphrase_master_key_is_stable_and_salted(tmp_path: Path) -> None:
    phrase, wrong = secrets.token_hex(8), secrets.token_hex(8)
    ensure_master_key(tmp_path, passphrase=phrase, production=True)
    first = load_master_key(tmp_path, passphrase=phrase)
    assert first == load_master_key(tmp_path, passphrase=phrase)
    assert first != load_master_key(tmp_path, passphrase=wrong)
    assert not (tmp_path / "master.key").exists()


def test_key_store_signer_signs_through_the_store(store: EncryptedFileKeyStore) -> None:
    store.generate("org-1", "ec-p256")
    certificate = self_signed(store, "org-1")
    signer = KeyStoreSigner(store, "org-1", certificate)
    placeholder = asyncio.run(signer.async_sign_raw(b"data", "sha256", dry_run=True))
    assert len(placeholder) == max_signature_size(store.public_key("org-1"))
    signature = asyncio.run(signer.async_sign_raw(b"data", "sha256"))
    verify(store.public_key("org-1"), signature, b"data")
    assert len(signature) <= len(placeholder)
