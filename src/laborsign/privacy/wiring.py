"""Builds the privacy layer from settings; creates the development keyring on init."""

from __future__ import annotations

from pathlib import Path

from laborsign.privacy.cipher import Privacy
from laborsign.privacy.keyring import KEYRING_FILE, load_keyring, new_keyring, write_keyring
from laborsign.privacy.keys import KeyringProvider
from laborsign.settings import Settings


def keyring_path(settings: Settings) -> Path:
    return settings.data_keyring_file or settings.home / KEYRING_FILE


def init_privacy(settings: Settings) -> list[str]:
    """Generate the development keyring (0600) once. Production never generates keys
    silently: a fresh keyring there would make existing data unreadable, so the operator
    provides the file (`laborsign privacy keyring-create PATH`)."""
    path = keyring_path(settings)
    if path.exists() or settings.is_production:
        return []
    write_keyring(path, new_keyring(), replace=False)
    return ["generated personal-data keyring"]


def build_privacy(settings: Settings) -> Privacy:
    return Privacy(KeyringProvider(load_keyring(keyring_path(settings))))
