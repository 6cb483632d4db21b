"""The embedded default key store: one encrypted file per key under a master key.

Each file is an envelope: a fresh 256-bit data key encrypts the PKCS#8 private key with
AES-256-GCM, and the master key wraps that data key (AES-256-GCM again). Label, algorithm
and public key are bound to both ciphertexts as associated data, so a file renamed to
another label or with a swapped public key does not decrypt. Loaded keys stay cached in
memory for the life of the store because loading costs more than the signature itself.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from laborsign.errors import Conflict, InvalidInput, ServiceUnavailable
from laborsign.i18n import Text
from laborsign.signing.keys import (
    HashAlgorithm,
    KeyAlgorithm,
    KeyRef,
    PublicKey,
    algorithm_of,
    check_algorithm,
    check_hash,
    check_label,
    crypto_hash,
    key_not_found,
    store_locked,
)

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

_FORMAT = "laborsign-key-v1"
_SUFFIX = ".key"


def new_private_key(algorithm: KeyAlgorithm) -> PrivateKey:
    if algorithm == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(65537, 2048 if algorithm == "rsa-2048" else 3072)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text, validate=True)


class EncryptedFileKeyStore:
    """`KeyStore` over a directory of encrypted key files (mode 0600)."""

    def __init__(self, directory: Path, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ServiceUnavailable(
                Text("主密钥必须为 32 字节", "the master key must be 32 bytes long")
            )
        self._directory = directory
        self._master = AESGCM(master_key)
        self._cache: dict[str, tuple[KeyAlgorithm, PrivateKey]] = {}
        self._lock = threading.Lock()

    # -- the port ----------------------------------------------------------------------------

    def generate(self, label: str, algorithm: KeyAlgorithm) -> KeyRef:
        check_label(label)
        algorithm = check_algorithm(algorithm)
        private_key = new_private_key(algorithm)
        self._write(label, algorithm, private_key)
        with self._lock:
            self._cache[label] = (algorithm, private_key)
        return KeyRef(label, algorithm, private_key.public_key())

    def public_key(self, label: str) -> PublicKey:
        return self._load(label)[1].public_key()

    def sign(self, label: str, data: bytes, hash_algorithm: HashAlgorithm = "sha256") -> bytes:
        algorithm = crypto_hash(check_hash(hash_algorithm))
        private_key = self._load(label)[1]
        if isinstance(private_key, ec.EllipticCurvePrivateKey):
            return private_key.sign(data, ec.ECDSA(algorithm))
        return private_key.sign(data, padding.PKCS1v15(), algorithm)

    def destroy(self, label: str) -> None:
        path = self._path(label)
        with self._lock:
            self._cache.pop(label, None)
        if not path.exists():
            raise key_not_found(label)
        # Overwrite before unlinking: not a guarantee on journaling or flash storage, but it
        # keeps the ciphertext out of casual reach of undelete tools.
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(secrets.token_bytes(size))
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()

    def exists(self, label: str) -> bool:
        return self._path(label).exists()

    def ref(self, label: str) -> KeyRef:
        algorithm, private_key = self._load(label)
        return KeyRef(label, algorithm, private_key.public_key())

    # -- files -------------------------------------------------------------------------------

    def _path(self, label: str) -> Path:
        return self._directory / (check_label(label) + _SUFFIX)

    @staticmethod
    def _aad(label: str, algorithm: str, spki: bytes) -> bytes:
        return json.dumps([_FORMAT, label, algorithm, _b64(spki)]).encode()

    def _write(self, label: str, algorithm: KeyAlgorithm, private_key: PrivateKey) -> None:
        path = self._path(label)
        spki = private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        pkcs8 = private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        aad = self._aad(label, algorithm, spki)
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce, nonce = secrets.token_bytes(12), secrets.token_bytes(12)
        document = {
            "format": _FORMAT,
            "label": label,
            "algorithm": algorithm,
            "public_key": _b64(spki),
            "wrap_nonce": _b64(wrap_nonce),
            "wrapped_key": _b64(self._master.encrypt(wrap_nonce, data_key, aad)),
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(data_key).encrypt(nonce, pkcs8, aad)),
        }
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # O_EXCL: two processes generating the same label must not overwrite each other.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise Conflict(
                Text("密钥已存在：{label}", "key already exists: {label}").format(label=label),
                field="label",
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
            handle.flush()
            os.fsync(handle.fileno())

    def _load(self, label: str) -> tuple[KeyAlgorithm, PrivateKey]:
        cached = self._cache.get(label)
        if cached is not None:
            return cached
        path = self._path(label)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise key_not_found(label) from None
        except (OSError, ValueError) as exc:
            raise store_locked(f"unreadable key file {path.name}") from exc
        try:
            if document.get("format") != _FORMAT or document.get("label") != label:
                raise ValueError("not a key file for this label")
            algorithm = check_algorithm(str(document["algorithm"]))
            spki = _unb64(document["public_key"])
            aad = self._aad(label, algorithm, spki)
            data_key = self._master.decrypt(
                _unb64(document["wrap_nonce"]), _unb64(document["wrapped_key"]), aad
            )
            pkcs8 = AESGCM(data_key).decrypt(
                _unb64(document["nonce"]), _unb64(document["ciphertext"]), aad
            )
        except InvalidTag:
            raise store_locked("wrong master key or tampered key file") from None
        except (KeyError, ValueError, InvalidInput) as exc:
            raise store_locked(f"malformed key file {path.name}") from exc
        private_key = serialization.load_der_private_key(pkcs8, password=None)
        if not isinstance(private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise store_locked(f"unexpected key type in {path.name}")
        if algorithm_of(private_key.public_key()) != algorithm:
            raise store_locked(f"key type does not match its label in {path.name}")
        with self._lock:
            self._cache[label] = (algorithm, private_key)
        return algorithm, private_key
