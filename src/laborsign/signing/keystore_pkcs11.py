"""Key store on a PKCS#11 token (an HSM; SoftHSM2 in tests).

Private keys are generated on the token as sensitive and non-extractable, so they never
exist outside it. One logged-in session is kept open for the life of the store (opening
one per signature costs more than the signature); a lock serialises its use because
PKCS#11 sessions are not thread-safe.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pkcs11
from asn1crypto import core
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_named_curve_parameters

from laborsign.errors import Conflict
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
    key_not_found,
    store_locked,
)

_RSA_MECHANISMS = {
    "sha256": Mechanism.SHA256_RSA_PKCS,
    "sha384": Mechanism.SHA384_RSA_PKCS,
    "sha512": Mechanism.SHA512_RSA_PKCS,
}


class Pkcs11KeyStore:
    """`KeyStore` over the token labelled `token_label` in the PKCS#11 module `lib`."""

    def __init__(self, lib: str, token_label: str, pin: str) -> None:
        try:
            token = pkcs11.lib(lib).get_token(token_label=token_label)
            self._session: Any = token.open(user_pin=pin, rw=True)
        except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
            raise store_locked(f"PKCS#11 token {token_label!r}: {type(exc).__name__}") from exc
        self._lock = threading.Lock()
        self._public: dict[str, PublicKey] = {}

    def close(self) -> None:
        with self._lock:
            self._session.close()

    def generate(self, label: str, algorithm: KeyAlgorithm) -> KeyRef:
        check_label(label)
        algorithm = check_algorithm(algorithm)
        if self.exists(label):
            raise Conflict(
                Text("密钥已存在：{label}", "key already exists: {label}").format(label=label),
                field="label",
            )
        private_template = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False}
        with self._lock, self._errors():
            if algorithm == "ec-p256":
                parameters = self._session.create_domain_parameters(
                    KeyType.EC,
                    {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                    local=True,
                )
                parameters.generate_keypair(
                    store=True, label=label, private_template=private_template
                )
            else:
                bits = 2048 if algorithm == "rsa-2048" else 3072
                self._session.generate_keypair(
                    KeyType.RSA, bits, store=True, label=label, private_template=private_template
                )
        return KeyRef(label, algorithm, self.public_key(label))

    def public_key(self, label: str) -> PublicKey:
        cached = self._public.get(label)
        if cached is not None:
            return cached
        with self._lock, self._errors():
            key = self._find(label, ObjectClass.PUBLIC_KEY)
            public_key = _to_cryptography(key)
        self._public[label] = public_key
        return public_key

    def sign(self, label: str, data: bytes, hash_algorithm: HashAlgorithm = "sha256") -> bytes:
        hash_algorithm = check_hash(hash_algorithm)
        algorithm = algorithm_of(self.public_key(label))
        with self._lock, self._errors():
            key = self._find(label, ObjectClass.PRIVATE_KEY)
            if algorithm == "ec-p256":
                # Tokens implement plain CKM_ECDSA reliably; the hash is computed here.
                raw = key.sign(
                    hashlib.new(hash_algorithm, data).digest(), mechanism=Mechanism.ECDSA
                )
                half = len(raw) // 2
                return encode_dss_signature(
                    int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
                )
            signature: bytes = key.sign(data, mechanism=_RSA_MECHANISMS[hash_algorithm])
            return signature

    def destroy(self, label: str) -> None:
        check_label(label)
        with self._lock, self._errors():
            found = list(self._session.get_objects({Attribute.LABEL: label}))
            if not found:
                raise key_not_found(label)
            for item in found:
                item.destroy()
        self._public.pop(label, None)

    def exists(self, label: str) -> bool:
        check_label(label)
        with self._lock, self._errors():
            return any(
                True
                for _ in self._session.get_objects(
                    {Attribute.LABEL: label, Attribute.CLASS: ObjectClass.PRIVATE_KEY}
                )
            )

    def _find(self, label: str, object_class: ObjectClass) -> Any:
        check_label(label)
        try:
            return self._session.get_key(object_class=object_class, label=label)
        except pkcs11.NoSuchKey:
            raise key_not_found(label) from None

    def _errors(self) -> _TokenErrors:
        return _TokenErrors()


class _TokenErrors:
    """Turns token failures into `ServiceUnavailable` (fail closed), keeps our own errors."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if exc is not None and isinstance(exc, pkcs11.PKCS11Error):
            raise store_locked(f"PKCS#11: {type(exc).__name__}") from exc


def _to_cryptography(key: Any) -> PublicKey:
    if key.key_type == KeyType.EC:
        point = core.OctetString.load(key[Attribute.EC_POINT]).native
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    modulus = int.from_bytes(key[Attribute.MODULUS], "big")
    exponent = int.from_bytes(key[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()
