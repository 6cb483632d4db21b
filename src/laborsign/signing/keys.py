"""Key custody: the `KeyStore` port and what every adapter shares.

A key store holds private keys under a label and signs with them; the private key never
leaves it in clear. Adapters: `EncryptedFileKeyStore` (embedded default, keys encrypted under
a master key) and `Pkcs11KeyStore` (an HSM or SoftHSM2). CA, TSA, organisation and worker
keys all live behind this port, so the signing code cannot tell where a key is kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from laborsign.errors import InvalidInput, NotFound, ServiceUnavailable
from laborsign.i18n import Text

KeyAlgorithm = Literal["ec-p256", "rsa-2048", "rsa-3072"]
HashAlgorithm = Literal["sha256", "sha384", "sha512"]
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

KEY_ALGORITHMS: tuple[KeyAlgorithm, ...] = ("ec-p256", "rsa-2048", "rsa-3072")
HASH_ALGORITHMS: tuple[HashAlgorithm, ...] = ("sha256", "sha384", "sha512")

# Labels become file names and PKCS#11 CKA_LABELs: keep them to a safe, portable alphabet.
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True, slots=True)
class KeyRef:
    """A handle on a key in a store: its label, algorithm and public key (never the secret)."""

    label: str
    algorithm: KeyAlgorithm
    public_key: PublicKey


@runtime_checkable
class KeyStore(Protocol):
    """Where private keys live. Every method raises a `LaborSignError` subclass on failure:
    `NotFound` for an unknown label, `ServiceUnavailable` when the store cannot be used
    (locked, token missing) — callers fail closed on it."""

    def generate(self, label: str, algorithm: KeyAlgorithm) -> KeyRef:
        """Create a new key pair under `label` (a `Conflict` if the label is taken)."""
        ...

    def public_key(self, label: str) -> PublicKey: ...

    def sign(self, label: str, data: bytes, hash_algorithm: HashAlgorithm = "sha256") -> bytes:
        """Sign `data` (hashed here with `hash_algorithm`): ECDSA as DER `Ecdsa-Sig-Value`,
        RSA as PKCS#1 v1.5."""
        ...

    def destroy(self, label: str) -> None:
        """Remove the key for good; a later `sign` raises `NotFound`."""
        ...

    def exists(self, label: str) -> bool: ...


def check_label(label: str) -> str:
    if not _LABEL.match(label):
        raise InvalidInput(
            Text("密钥标签不合法：{label!r}", "invalid key label: {label!r}").format(label=label),
            field="label",
        )
    return label


def check_algorithm(algorithm: str) -> KeyAlgorithm:
    for known in KEY_ALGORITHMS:
        if algorithm == known:
            return known
    raise InvalidInput(
        Text("不支持的密钥算法：{a}", "unsupported key algorithm: {a}").format(a=algorithm),
        field="algorithm",
    )


def check_hash(hash_algorithm: str) -> HashAlgorithm:
    for known in HASH_ALGORITHMS:
        if hash_algorithm == known:
            return known
    raise InvalidInput(
        Text("不支持的摘要算法：{h}", "unsupported hash algorithm: {h}").format(h=hash_algorithm),
        field="hash_algorithm",
    )


def crypto_hash(hash_algorithm: HashAlgorithm) -> hashes.HashAlgorithm:
    if hash_algorithm == "sha384":
        return hashes.SHA384()
    if hash_algorithm == "sha512":
        return hashes.SHA512()
    return hashes.SHA256()


def digest(data: bytes, hash_algorithm: HashAlgorithm) -> bytes:
    return hashlib.new(hash_algorithm, data).digest()


def algorithm_of(public_key: PublicKey) -> KeyAlgorithm:
    """The `KeyAlgorithm` a public key belongs to (only the supported ones)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(
        public_key.curve, ec.SECP256R1
    ):
        return "ec-p256"
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size in (2048, 3072):
        return "rsa-2048" if public_key.key_size == 2048 else "rsa-3072"
    raise InvalidInput(Text("不支持的公钥类型", "unsupported public key type"))


def max_signature_size(public_key: PublicKey) -> int:
    """Upper bound of a signature's length, for size estimates before the real signature."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        # DER SEQUENCE of two INTEGERs, each possibly one byte longer than the field size.
        field = (public_key.curve.key_size + 7) // 8
        return 2 + 2 * (2 + field + 1)
    return (public_key.key_size + 7) // 8


def key_not_found(label: str) -> NotFound:
    return NotFound(
        Text("密钥不存在：{label}", "no such key: {label}").format(label=label), field="label"
    )


def store_locked(reason: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        Text("密钥库已锁定或不可用（{r}）", "key store locked or unavailable ({r})").format(
            r=reason
        )
    )
