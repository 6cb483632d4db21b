"""The document store port: what services see of stored documents.

Documents are addressed by the SHA-256 of their plaintext, within a tenant (an employer).
Storing the same bytes twice stores them once; a document read back is always exactly the
one that was stored, or an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """The address of a stored document: its SHA-256 (hex) and its size in bytes."""

    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class StoredDocument:
    ref: DocumentRef
    content_type: str
    data: bytes


class DocumentStore(Protocol):
    def put(self, tenant: str, data: bytes, content_type: str) -> DocumentRef:
        """Store `data` for `tenant`; idempotent for the same content."""
        ...

    def put_many(self, tenant: str, documents: Sequence[tuple[bytes, str]]) -> list[DocumentRef]:
        """`put` for many (data, content type) pairs; all are stored when it returns."""
        ...

    def get(self, tenant: str, sha256: str) -> bytes:
        """The document's bytes, verified against its hash (`NotFound`, `DocumentCorrupted`)."""
        ...

    def open(self, tenant: str, sha256: str) -> StoredDocument:
        """Like `get`, with the content type given to `put`."""
        ...

    def exists(self, tenant: str, sha256: str) -> bool: ...

    def delete(self, tenant: str, sha256: str) -> bool:
        """Remove the document (retention only); False when there was nothing to remove."""
        ...
