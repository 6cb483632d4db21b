"""Build the configured key store from settings (used by the composition root only)."""

from __future__ import annotations

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.settings import Settings
from laborsign.signing.keys import KeyStore
from laborsign.signing.keys_master import load_master_key
from laborsign.signing.keystore_file import EncryptedFileKeyStore

KEYS_DIRECTORY = "keys"


def build_key_store(settings: Settings) -> KeyStore:
    if settings.key_store == "pkcs11":
        from laborsign.signing.keystore_pkcs11 import Pkcs11KeyStore

        if settings.pkcs11_pin is None:
            raise ConfigurationError(
                Text(
                    "PKCS#11 密钥库需要设置 LABORSIGN_PKCS11_PIN",
                    "PKCS#11 needs LABORSIGN_PKCS11_PIN",
                ),
                field="pkcs11_pin",
            )
        return Pkcs11KeyStore(
            settings.pkcs11_library,
            settings.pkcs11_token_label,
            settings.pkcs11_pin.get_secret_value(),
        )
    passphrase = settings.master_key_passphrase
    master_key = load_master_key(
        settings.home, passphrase=passphrase.get_secret_value() if passphrase else None
    )
    return EncryptedFileKeyStore(settings.home / KEYS_DIRECTORY, master_key)
