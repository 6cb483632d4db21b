"""Exports to labor departments: the canonical schema, its adapters and the push client
(docs/filing.md)."""
