"""Field encryption (AES-256-GCM) and blind indexes (HMAC-SHA256) for personal data.

Ciphertext layout, all of it authenticated::

    0x01 | key version (2 bytes, big-endian) | nonce (12 bytes) | ciphertext | tag (16)

The associated data names the purpose (table and column, e.g. ``worker.id_number``) and an
optional caller context (e.g. the row's identity), so a ciphertext copied into another
column or row does not decrypt. The key version lets old data decrypt after rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from laborsign.privacy.errors import DECRYPTION_FAILED, MALFORMED, DecryptionFailed
from laborsign.privacy.keys import KeyProvider
from laborsign.privacy.normalise import normalise_id_number, normalise_phone, normalise_text

FORMAT_V1 = 0x01
_HEADER = 3
_NONCE = 12
_TAG = 16


@dataclass(frozen=True)
class Purpose:
    """What a value is and where it lives: names its keys and binds its ciphertexts.

    `name` is conventionally ``table.column``. `normalise` maps the spellings of one value
    onto one form before blind indexing (it does not touch what is encrypted).
    """

    name: str
    normalise: Callable[[str], str] = normalise_text

    def __post_init__(self) -> None:
        if not self.name or "\x00" in self.name:
            raise ValueError("a purpose needs a non-empty name without NUL")

    @classmethod
    def id_number(cls, name: str) -> Purpose:
        return cls(name, normalise_id_number)

    @classmethod
    def phone(cls, name: str) -> Purpose:
        return cls(name, normalise_phone)

    @classmethod
    def text(cls, name: str) -> Purpose:
        return cls(name, normalise_text)


def as_purpose(purpose: Purpose | str) -> Purpose:
    return purpose if isinstance(purpose, Purpose) else Purpose(purpose)


class FieldCipher:
    """Encrypts and decrypts the values of one purpose; `encrypt(str) -> bytes`."""

    def __init__(self, keys: KeyProvider, purpose: Purpose | str) -> None:
        self._keys = keys
        self.purpose = as_purpose(purpose)

    def encrypt(self, value: str, *, context: str = "") -> bytes:
        version = self._keys.current_version
        header = bytes([FORMAT_V1]) + version.to_bytes(2, "big")
        nonce = os.urandom(_NONCE)  # random 96 bits: safe far beyond any table's row count
        aead = AESGCM(self._keys.data_key(self.purpose.name, version))
        sealed = aead.encrypt(nonce, value.encode("utf-8"), self._aad(header, context))
        return header + nonce + sealed

    def decrypt(self, blob: bytes, *, context: str = "") -> str:
        version = self.key_version(blob)
        header, nonce, sealed = (
            blob[:_HEADER],
            blob[_HEADER : _HEADER + _NONCE],
            blob[_HEADER + _NONCE :],
        )
        aead = AESGCM(self._keys.data_key(self.purpose.name, version))
        try:
            plain = aead.decrypt(nonce, sealed, self._aad(header, context))
            return plain.decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise DecryptionFailed(DECRYPTION_FAILED.format(purpose=self.purpose.name)) from None

    def key_version(self, blob: bytes) -> int:
        """The key version a ciphertext was made with (checked for shape, not authenticity)."""
        if len(blob) < _HEADER + _NONCE + _TAG or blob[0] != FORMAT_V1:
            raise DecryptionFailed(MALFORMED.format(purpose=self.purpose.name))
        return int.from_bytes(blob[1:_HEADER], "big")

    def is_current(self, blob: bytes) -> bool:
        return self.key_version(blob) == self._keys.current_version

    def reencrypt(self, blob: bytes, *, context: str = "") -> bytes:
        """The same value under the current key version (after authenticating the old one)."""
        return self.encrypt(self.decrypt(blob, context=context), context=context)

    def _aad(self, header: bytes, context: str) -> bytes:
        return b"\x00".join(
            [b"laborsign/field", self.purpose.name.encode(), context.encode("utf-8"), header]
        )


@dataclass
class Privacy:
    """The one entry point other domains use: ciphers per purpose and blind indexes."""

    keys: KeyProvider
    _ciphers: dict[Purpose, FieldCipher] = field(default_factory=dict, repr=False)

    def cipher(self, purpose: Purpose | str) -> FieldCipher:
        key = as_purpose(purpose)
        found = self._ciphers.get(key)
        if found is None:
            found = self._ciphers[key] = FieldCipher(self.keys, key)
        return found

    def encrypt(self, value: str, purpose: Purpose | str, *, context: str = "") -> bytes:
        return self.cipher(purpose).encrypt(value, context=context)

    def decrypt(self, blob: bytes, purpose: Purpose | str, *, context: str = "") -> str:
        return self.cipher(purpose).decrypt(blob, context=context)

    def blind_index(self, value: str, purpose: Purpose | str) -> str:
        """A keyed digest (64 hex characters) to find a value by equality, never to recover it.

        Normalised first, so every spelling of the same ID number or phone gives the same
        index. The key is separate from the encryption keys and does not rotate.
        """
        p = as_purpose(purpose)
        key = self.keys.index_key(p.name)
        return hmac.new(key, p.normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()
