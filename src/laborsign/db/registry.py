"""Imports every module that declares tables, so that the metadata is complete.

Add a line here when a domain gains a `tables.py`.
"""

from laborsign.bulk import tables as bulk_tables  # noqa: F401
from laborsign.ceremony import tables as ceremony_tables  # noqa: F401
from laborsign.contracts import tables as contracts_tables  # noqa: F401
from laborsign.evidence import pending as evidence_pending  # noqa: F401
from laborsign.evidence import tables as evidence_tables  # noqa: F401
from laborsign.filing import tables as filing_tables  # noqa: F401
from laborsign.identity import tables as identity_tables  # noqa: F401
from laborsign.lifecycle import tables as lifecycle_tables  # noqa: F401
from laborsign.notify import outbox_tables as notify_outbox_tables  # noqa: F401
from laborsign.notify import tables as notify_tables  # noqa: F401
from laborsign.notify import webhooks_tables as notify_webhooks_tables  # noqa: F401
from laborsign.parties import tables as parties_tables  # noqa: F401
from laborsign.pki import tables as pki_tables  # noqa: F401
from laborsign.retention import tables as retention_tables  # noqa: F401
