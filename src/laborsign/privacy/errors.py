"""Errors of the privacy layer: all `LaborSignError`s, never garbage data."""

from __future__ import annotations

from laborsign.errors import LaborSignError
from laborsign.i18n import Text


class DecryptionFailed(LaborSignError):
    """A ciphertext did not authenticate: tampered, moved to another column, or a wrong key.

    AES-GCM either returns the exact plaintext or fails; this error is how the failure
    reaches callers, so a wrong key can never yield a plausible-looking wrong value.
    """

    code = "decryption-failed"
    http_status = 500


class UnknownKeyVersion(LaborSignError):
    """A ciphertext names a key version the keyring no longer (or not yet) holds."""

    code = "unknown-key-version"
    http_status = 500


DECRYPTION_FAILED = Text(
    "无法解密个人数据（{purpose}）：密文被篡改、被移到其他字段，或密钥不正确",
    "cannot decrypt personal data ({purpose}): the ciphertext was tampered with, moved to "
    "another field, or the key is wrong",
)
MALFORMED = Text(
    "个人数据密文格式不正确（{purpose}）",
    "malformed personal-data ciphertext ({purpose})",
)
