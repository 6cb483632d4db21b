"""Witness cosignatures (c2sp.org/tlog-cosignature), the Ed25519 "cosignature/v1" type.

The signature line's bytes after the key ID are a big-endian u64 POSIX timestamp followed
by an Ed25519 signature over

    cosignature/v1\\ntime <timestamp>\\n<the whole checkpoint note text>

and the key ID uses signature type 0x04, so a witness key can never be mistaken for a log
key even under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from laborsign.evidence.note import (
    COSIGNATURE_V1,
    Signature,
    check_key_name,
    decode_skey,
    decode_vkey,
    encode_skey,
    encode_vkey,
    key_id,
    raw_public,
)

MAX_TIMESTAMP = 2**63 - 1


def signed_message(checkpoint_text: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime %d\n" % timestamp + checkpoint_text


def timestamp_of(signature: Signature) -> int:
    """The time a cosignature claims; only meaningful once the signature verified."""
    return int.from_bytes(signature.blob[:8], "big")


@dataclass(frozen=True)
class CosignatureVerifier:
    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> int:
        return key_id(self.name, COSIGNATURE_V1, raw_public(self.public_key))

    def verify(self, text: bytes, blob: bytes) -> bool:
        if len(blob) != 8 + 64:
            return False
        timestamp = int.from_bytes(blob[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            self.public_key.verify(blob[8:], signed_message(text, timestamp))
        except InvalidSignature:
            return False
        return True

    @property
    def vkey(self) -> str:
        return encode_vkey(self.name, COSIGNATURE_V1, raw_public(self.public_key))

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        name, public = decode_vkey(vkey, COSIGNATURE_V1)
        return cls(name, Ed25519PublicKey.from_public_bytes(public))


@dataclass(frozen=True)
class CosignatureSigner:
    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        check_key_name(self.name)

    @classmethod
    def generate(cls, name: str) -> CosignatureSigner:
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.private_key.public_key())

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    def cosign(self, checkpoint_text: bytes, timestamp: int) -> Signature:
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise ValueError("timestamp out of range")
        signature = self.private_key.sign(signed_message(checkpoint_text, timestamp))
        return Signature(self.name, self.key_id, timestamp.to_bytes(8, "big") + signature)

    @property
    def skey(self) -> str:
        return encode_skey(self.name, COSIGNATURE_V1, self.private_key)

    @classmethod
    def from_skey(cls, skey: str) -> CosignatureSigner:
        name, private = decode_skey(skey, COSIGNATURE_V1)
        return cls(name, private)
