"""Builds the configured document store."""

from __future__ import annotations

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.privacy.keys import KeyProvider
from laborsign.settings import Settings
from laborsign.storage.ports import DocumentStore


def build_document_store(settings: Settings, keys: KeyProvider) -> DocumentStore:
    if settings.storage_backend == "local":
        from laborsign.storage.local import LocalDocumentStore

        return LocalDocumentStore(settings.storage_directory or settings.home / "documents", keys)
    from laborsign.storage.s3 import S3DocumentStore, make_s3_client

    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else ""
    if not (settings.s3_endpoint_url and settings.s3_access_key and secret):
        raise ConfigurationError(
            Text(
                "S3 文件存储需要 LABORSIGN_S3_ENDPOINT_URL、LABORSIGN_S3_ACCESS_KEY 和 "
                "LABORSIGN_S3_SECRET_KEY",
                "S3 document storage needs LABORSIGN_S3_ENDPOINT_URL, LABORSIGN_S3_ACCESS_KEY "
                "and LABORSIGN_S3_SECRET_KEY",
            ),
            field="storage_backend",
        )
    client = make_s3_client(
        endpoint=settings.s3_endpoint_url,
        access_key=settings.s3_access_key,
        secret_key=secret,
        region=settings.s3_region,
    )
    return S3DocumentStore(keys, client, settings.s3_bucket)
