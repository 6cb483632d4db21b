"""Encryption at rest for documents: pure functions, no I/O.

Object layout::

    b"LSDOC" | 0x01 | key version (2 bytes) | nonce (12) | AES-256-GCM(payload) | tag (16)
    payload = content-type length (2 bytes) | content type (UTF-8) | document bytes

The key is the tenant's document key from the `KeyProvider`; the associated data binds the
tenant and the document's SHA-256, so an object copied to another tenant or another address
does not decrypt.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from laborsign.privacy.errors import UnknownKeyVersion
from laborsign.privacy.keys import KeyProvider
from laborsign.storage.errors import corrupted

PURPOSE = "document"
_MAGIC = b"LSDOC\x01"
_HEADER = len(_MAGIC) + 2
_NONCE = 12
_TAG = 16


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _aad(tenant: str, sha256: str, header: bytes) -> bytes:
    return b"\x00".join([b"laborsign/document", tenant.encode(), sha256.encode(), header])


def seal(keys: KeyProvider, tenant: str, sha256: str, content_type: str, data: bytes) -> bytes:
    version = keys.current_version
    header = _MAGIC + version.to_bytes(2, "big")
    kind = content_type.encode("utf-8")
    if len(kind) > 0xFFFF:
        raise ValueError("content type too long")
    payload = len(kind).to_bytes(2, "big") + kind + data
    nonce = os.urandom(_NONCE)
    aead = AESGCM(keys.data_key(PURPOSE, version, tenant))
    return header + nonce + aead.encrypt(nonce, payload, _aad(tenant, sha256, header))


def unseal(keys: KeyProvider, tenant: str, sha256: str, blob: bytes) -> tuple[str, bytes]:
    """(content type, data) of an object; `DocumentCorrupted` unless it is exactly intact."""
    if len(blob) < _HEADER + _NONCE + _TAG or not blob.startswith(_MAGIC):
        raise corrupted(tenant, sha256)
    header = blob[:_HEADER]
    version = int.from_bytes(header[len(_MAGIC) :], "big")
    try:
        aead = AESGCM(keys.data_key(PURPOSE, version, tenant))
        payload = aead.decrypt(
            blob[_HEADER : _HEADER + _NONCE], blob[_HEADER + _NONCE :], _aad(tenant, sha256, header)
        )
    except (InvalidTag, UnknownKeyVersion):
        raise corrupted(tenant, sha256) from None
    size = int.from_bytes(payload[:2], "big")
    content_type, data = payload[2 : 2 + size].decode("utf-8"), payload[2 + size :]
    # Authenticated decryption already rules out tampering; the hash check also catches a
    # writer that stored bytes under the wrong address.
    if sha256_hex(data) != sha256:
        raise corrupted(tenant, sha256)
    return content_type, data
