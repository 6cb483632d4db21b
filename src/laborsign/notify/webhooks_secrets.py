"""Webhook signing secrets at rest: AES-256-GCM under a key derived from the platform secret.

The platform must read a secret back to sign with it, so it cannot be hashed; encrypting it
keeps a database dump from being enough to forge deliveries.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"laborsign webhook secrets v1"


class SecretBox:
    def __init__(self, platform_secret: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            platform_secret
        )
        self._aead = AESGCM(key)

    def seal(self, secret: str, subscription_id: str) -> bytes:
        # The subscription id is bound as associated data: a ciphertext copied onto another
        # subscription's row does not decrypt.
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, secret.encode(), subscription_id.encode())

    def open(self, sealed: bytes, subscription_id: str) -> str:
        return self._aead.decrypt(sealed[:12], sealed[12:], subscription_id.encode()).decode()
