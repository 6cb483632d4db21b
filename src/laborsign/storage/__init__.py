"""Documents at rest: a content-addressed store, encrypted per tenant (local files or S3)."""

from laborsign.storage.ports import DocumentRef, DocumentStore, StoredDocument

__all__ = ["DocumentRef", "DocumentStore", "StoredDocument"]
