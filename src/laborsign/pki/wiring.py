"""Build the PKI adapters from settings (used by the composition root only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from laborsign.db.uow import UnitOfWork
from laborsign.pki.ca import TSA_LABEL, BuiltInCA
from laborsign.pki.profiles import PkiUrls
from laborsign.pki.tsa import TimeStamper
from laborsign.pki.tsa_server import BuiltInTsa
from laborsign.settings import Settings
from laborsign.signing.keys import KeyStore, check_algorithm
from laborsign.signing.keys_master import ensure_master_key

PKI_DIRECTORY = "pki"


def pki_directory(settings: Settings) -> Path:
    return settings.home / PKI_DIRECTORY


def init_trust(
    settings: Settings, store: Callable[[], KeyStore], uow: Callable[[], UnitOfWork]
) -> list[str]:
    """The `laborsign init` step of the trust core: master key, then the built-in CA.

    `store` is called only after the master key exists (building the store needs it)."""
    done: list[str] = []
    if settings.key_store == "file":
        phrase = settings.master_key_passphrase
        made = ensure_master_key(
            settings.home,
            passphrase=phrase.get_secret_value() if phrase else None,
            production=settings.is_production,
        )
        done += [made] if made else []
    return done + BuiltInCA.create(
        store(),
        pki_directory(settings),
        uow,
        PkiUrls(settings.base_url),
        check_algorithm(settings.key_algorithm),
    )


def build_ca(settings: Settings, store: KeyStore, uow: Callable[[], UnitOfWork]) -> BuiltInCA:
    return BuiltInCA(store, pki_directory(settings), uow, PkiUrls(settings.base_url))


def build_tsa(settings: Settings, ca: BuiltInCA, uow: Callable[[], UnitOfWork]) -> BuiltInTsa:
    return BuiltInTsa(
        ca.store, TSA_LABEL, ca.tsa_certificate, ca.chain(), settings.tsa_policy_oid, uow
    )


def build_timestamper(settings: Settings, built_in: Callable[[], BuiltInTsa]) -> TimeStamper:
    """The external TSA when one is configured (production), else the built-in one."""
    if not settings.tsa_url:
        return built_in()
    from laborsign.pki.tsa_client import HttpTsaClient

    return HttpTsaClient.from_settings(settings)
