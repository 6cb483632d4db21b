"""Webhook signing secrets at rest: the privacy module's field encryption (AES-256-GCM under
the data keyring, with key rotation and re-encryption like every other sealed column).

The platform must read a secret back to sign with it, so it cannot be hashed; encrypting it
keeps a database dump from being enough to forge deliveries.

Rows written before, under a key derived from the platform secret, still open: `open`
falls back to that key when the ciphertext is not in the keyring's format, and `upgrade`
gives the keyring's ciphertext for such a row (`laborsign privacy reencrypt` territory; a
fresh installation has none).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from laborsign.privacy.cipher import Privacy, Purpose
from laborsign.privacy.errors import DECRYPTION_FAILED, DecryptionFailed

PURPOSE = Purpose("webhook_subscriptions.secret")
_LEGACY_INFO = b"laborsign webhook secrets v1"


class SecretBox:
    """`privacy` None: the old derived key only (reading rows of an installation that has
    not been given a keyring yet, and tests of that format)."""

    def __init__(
        self, platform_secret: bytes, privacy: Callable[[], Privacy] | None = None
    ) -> None:
        self._privacy = privacy
        legacy = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LEGACY_INFO)
        self._legacy = AESGCM(legacy.derive(platform_secret))

    def seal(self, secret: str, subscription_id: str) -> bytes:
        # The subscription id is bound as context: a ciphertext copied onto another
        # subscription's row does not decrypt.
        if self._privacy is None:
            nonce = os.urandom(12)
            return nonce + self._legacy.encrypt(nonce, secret.encode(), subscription_id.encode())
        return self._privacy().encrypt(secret, PURPOSE, context=subscription_id)

    def open(self, sealed: bytes, subscription_id: str) -> str:
        if self._privacy is not None:
            try:
                return self._privacy().decrypt(sealed, PURPOSE, context=subscription_id)
            except DecryptionFailed:
                pass  # perhaps a row sealed the old way
        try:
            return self._open_legacy(sealed, subscription_id)
        except InvalidTag:
            raise DecryptionFailed(DECRYPTION_FAILED.format(purpose=PURPOSE.name)) from None

    def upgrade(self, sealed: bytes, subscription_id: str) -> bytes | None:
        """The keyring's ciphertext for a row still sealed the old way; None if it is not."""
        if self._privacy is None:
            return None
        try:
            self._privacy().decrypt(sealed, PURPOSE, context=subscription_id)
            return None
        except DecryptionFailed:
            return self.seal(self.open(sealed, subscription_id), subscription_id)

    def _open_legacy(self, sealed: bytes, subscription_id: str) -> str:
        return self._legacy.decrypt(sealed[:12], sealed[12:], subscription_id.encode()).decode()
