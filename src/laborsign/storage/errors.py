"""Errors of the document store."""

from __future__ import annotations

from laborsign.errors import LaborSignError, NotFound
from laborsign.i18n import Text


class DocumentCorrupted(LaborSignError):
    """A stored object failed authentication or its hash: it is never returned."""

    code = "document-corrupted"
    http_status = 500


class DocumentNotFound(NotFound):
    pass


def corrupted(tenant: str, sha256: str) -> DocumentCorrupted:
    return DocumentCorrupted(
        Text(
            "存储的文件已损坏或被篡改（租户 {tenant}，SHA-256 {sha}），拒绝返回",
            "the stored document is corrupted or was tampered with (tenant {tenant}, "
            "SHA-256 {sha}); it is not returned",
        ).format(tenant=tenant, sha=sha256)
    )


def not_found(tenant: str, sha256: str) -> DocumentNotFound:
    return DocumentNotFound(
        Text(
            "找不到文件（租户 {tenant}，SHA-256 {sha}）",
            "no such document (tenant {tenant}, SHA-256 {sha})",
        ).format(tenant=tenant, sha=sha256)
    )
