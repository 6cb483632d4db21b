"""What every document store adapter shares: addressing, encryption and verification.

Adapters supply only the transport of opaque encrypted objects under a key such as
``tenant-1/ab/cd/abcd…`` (two fan-out levels keep directories and listings small).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.privacy.keys import KeyProvider
from laborsign.storage.envelope import seal, sha256_hex, unseal
from laborsign.storage.errors import not_found
from laborsign.storage.ports import DocumentRef, StoredDocument

# A tenant becomes a path segment and an object key prefix: no separators, no "..".
_TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PARALLEL_WRITES = 8


def object_key(tenant: str, sha256: str) -> str:
    if not _TENANT.fullmatch(tenant):
        raise InvalidInput(
            Text("租户标识无效：{t!r}", "invalid tenant identifier: {t!r}").format(t=tenant),
            field="tenant",
        )
    if not _SHA256.fullmatch(sha256):
        raise InvalidInput(
            Text("不是 SHA-256 十六进制摘要：{s!r}", "not a SHA-256 hex digest: {s!r}").format(
                s=sha256
            ),
            field="sha256",
        )
    return f"{tenant}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class EncryptedDocumentStore(ABC):
    """`DocumentStore` over an object transport; documents are encrypted per tenant."""

    def __init__(self, keys: KeyProvider) -> None:
        self._keys = keys

    def put(self, tenant: str, data: bytes, content_type: str) -> DocumentRef:
        sha256 = sha256_hex(data)
        key = object_key(tenant, sha256)
        # Content addressing makes a second put of the same bytes a no-op.
        if not self._exists(key):
            self._write(key, seal(self._keys, tenant, sha256, content_type, data))
        return DocumentRef(sha256, len(data))

    def put_many(self, tenant: str, documents: Sequence[tuple[bytes, str]]) -> list[DocumentRef]:
        """Encrypt here, then write in parallel: each write waits on the disk or the
        network (fsync, an HTTP round trip), and those waits overlap."""
        refs: list[DocumentRef] = []
        writes: dict[str, bytes] = {}
        for data, content_type in documents:
            sha256 = sha256_hex(data)
            key = object_key(tenant, sha256)
            if key not in writes and not self._exists(key):
                writes[key] = seal(self._keys, tenant, sha256, content_type, data)
            refs.append(DocumentRef(sha256, len(data)))
        if writes:
            with ThreadPoolExecutor(max_workers=min(_PARALLEL_WRITES, len(writes))) as pool:
                # list(): wait for every write and raise the first failure.
                list(pool.map(lambda item: self._write(*item), writes.items()))
        return refs

    def open(self, tenant: str, sha256: str) -> StoredDocument:
        blob = self._read(object_key(tenant, sha256))
        if blob is None:
            raise not_found(tenant, sha256)
        content_type, data = unseal(self._keys, tenant, sha256, blob)
        return StoredDocument(DocumentRef(sha256, len(data)), content_type, data)

    def get(self, tenant: str, sha256: str) -> bytes:
        return self.open(tenant, sha256).data

    def exists(self, tenant: str, sha256: str) -> bool:
        return self._exists(object_key(tenant, sha256))

    def delete(self, tenant: str, sha256: str) -> bool:
        return self._remove(object_key(tenant, sha256))

    @abstractmethod
    def _read(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such object."""

    @abstractmethod
    def _write(self, key: str, blob: bytes) -> None:
        """Store the object atomically: readers see the old state or the whole new object."""

    @abstractmethod
    def _exists(self, key: str) -> bool: ...

    @abstractmethod
    def _remove(self, key: str) -> bool: ...
