"""The PKCS#11 key store against a SoftHSM2 token created for this test run."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from tests.conftest import SOFTHSM_LIBRARY as LIBRARY

from laborsign.errors import NotFound, ServiceUnavailable
from laborsign.signing.keys import KeyStore


@pytest.fixture(scope="module")
def store(softhsm_token: tuple[str, str]) -> KeyStore:
    from laborsign.signing.keystore_pkcs11 import Pkcs11KeyStore

    return Pkcs11KeyStore(LIBRARY, *softhsm_token)


def test_ecdsa_with_the_raw_mechanism(store: KeyStore) -> None:
    ref = store.generate("ec-key", "ec-p256")
    signature = store.sign("ec-key", b"contract digest")
    ref.public_key.verify(signature, b"contract digest", ec.ECDSA(hashes.SHA256()))  # type: ignore[union-attr, call-arg]
    assert store.exists("ec-key")


def test_rsa_with_sha256_pkcs(store: KeyStore) -> None:
    ref = store.generate("rsa-key", "rsa-2048")
    signature = store.sign("rsa-key", b"contract digest")
    ref.public_key.verify(signature, b"contract digest", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[call-arg, arg-type]


def test_destroy_removes_the_key_from_the_token(store: KeyStore) -> None:
    store.generate("worker-1", "ec-p256")
    store.destroy("worker-1")
    assert not store.exists("worker-1")
    with pytest.raises(NotFound):
        store.sign("worker-1", b"x")


def test_unknown_token_fails_closed(softhsm_token: tuple[str, str]) -> None:
    from laborsign.signing.keystore_pkcs11 import Pkcs11KeyStore

    with pytest.raises(ServiceUnavailable):
        Pkcs11KeyStore(LIBRARY, "no-such-token", softhsm_token[1])
