"""The PKCS#11 key store against a SoftHSM2 token created for this test run."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from laborsign.errors import NotFound, ServiceUnavailable
from laborsign.signing.keys import KeyStore

LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    if shutil.which("softhsm2-util") is None or not Path(LIBRARY).exists():
        reason = "SoftHSM2 is not installed (Debian package softhsm2)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    label, pin = f"t{secrets.token_hex(4)}", secrets.token_hex(4)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            secrets.token_hex(4),
            "--pin",
            pin,
        ],
        check=True,
        capture_output=True,
    )
    yield label, pin
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="module")
def store(token: tuple[str, str]) -> KeyStore:
    from laborsign.signing.keystore_pkcs11 import Pkcs11KeyStore

    return Pkcs11KeyStore(LIBRARY, *token)


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


def test_unknown_token_fails_closed(token: tuple[str, str]) -> None:
    from laborsign.signing.keystore_pkcs11 import Pkcs11KeyStore

    with pytest.raises(ServiceUnavailable):
        Pkcs11KeyStore(LIBRARY, "no-such-token", token[1])
