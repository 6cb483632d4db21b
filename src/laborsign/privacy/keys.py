"""The key provider port and its embedded default: HKDF-SHA256 over a keyring.

Ciphers never hold master keys. They ask a `KeyProvider` for the key of one purpose (a
column such as ``worker.id_number``, or ``document`` for stored files), one tenant and one
key version. The embedded provider derives those keys with HKDF-SHA256 from the 32-byte
master keys of a keyring (`laborsign.privacy.keyring`). A PKCS#11 or KMS provider would
implement the same three members, wrapping per-purpose keys under a key that never leaves the
HSM; that adapter is future work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from laborsign.i18n import Text
from laborsign.privacy.errors import UnknownKeyVersion

KEY_BYTES = 32
# Domain separation: a data key and an index key for the same purpose are unrelated, and no
# derived key can ever equal a key derived by another part of the platform.
_DATA_INFO = b"laborsign/privacy/data/v1"
_INDEX_INFO = b"laborsign/privacy/index/v1"


class KeyProvider(Protocol):
    """Gives symmetric keys for personal data; the port every key source implements."""

    @property
    def current_version(self) -> int:
        """The key version that encrypts new data."""
        ...

    def data_key(self, purpose: str, version: int, tenant: str = "") -> bytes:
        """The 256-bit AES key for `purpose` (and `tenant`, if keys are per tenant)."""
        ...

    def index_key(self, purpose: str) -> bytes:
        """The 256-bit HMAC key for blind indexes of `purpose`; it does not rotate."""
        ...


def _hkdf(root: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(root)


def _info(prefix: bytes, *parts: str) -> bytes:
    # NUL-separated: purpose and tenant names never contain NUL, so no two inputs collide.
    return b"\x00".join([prefix, *(p.encode("utf-8") for p in parts)])


@dataclass(frozen=True)
class Keyring:
    """Master keys: one per data key version, plus the root of the blind-index keys."""

    index_root: bytes
    data_roots: Mapping[int, bytes]

    def __post_init__(self) -> None:
        keys = [self.index_root, *self.data_roots.values()]
        if not self.data_roots or any(len(k) != KEY_BYTES for k in keys):
            raise ValueError("a keyring needs at least one data key; every key is 32 bytes")
        if any(v < 1 or v > 0xFFFF for v in self.data_roots):
            raise ValueError("key versions run from 1 to 65535")


@dataclass
class KeyringProvider:
    """`KeyProvider` deriving every key from a `Keyring` with HKDF-SHA256 (cached)."""

    keyring: Keyring
    _cache: dict[tuple[str, int, str], bytes] = field(default_factory=dict, repr=False)

    @property
    def current_version(self) -> int:
        return max(self.keyring.data_roots)

    def data_key(self, purpose: str, version: int, tenant: str = "") -> bytes:
        cached = self._cache.get((purpose, version, tenant))
        if cached is not None:
            return cached
        root = self.keyring.data_roots.get(version)
        if root is None:
            raise UnknownKeyVersion(
                Text(
                    "密钥环中没有第 {version} 版数据密钥",
                    "the keyring holds no data key version {version}",
                ).format(version=version)
            )
        key = _hkdf(root, _info(_DATA_INFO, purpose, tenant))
        self._cache[(purpose, version, tenant)] = key
        return key

    def index_key(self, purpose: str) -> bytes:
        cached = self._cache.get((purpose, 0, "\x00index"))
        if cached is None:
            cached = _hkdf(self.keyring.index_root, _info(_INDEX_INFO, purpose))
            self._cache[(purpose, 0, "\x00index")] = cached
        return cached
