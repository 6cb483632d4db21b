"""Imports every module that declares jobs, so that every process knows all of them.

Add a line here when a domain gains a jobs module.
"""

from laborsign.bulk import jobs as bulk_jobs  # noqa: F401
from laborsign.ceremony import jobs as ceremony_jobs  # noqa: F401
from laborsign.evidence import pending_jobs as evidence_pending_jobs  # noqa: F401
from laborsign.evidence import schedule as evidence_schedule  # noqa: F401
from laborsign.filing import jobs as filing_jobs  # noqa: F401
from laborsign.notify import outbox_jobs as notify_outbox_jobs  # noqa: F401
from laborsign.notify import webhooks_jobs as notify_webhooks_jobs  # noqa: F401
from laborsign.retention import jobs as retention_jobs  # noqa: F401
from laborsign.watch import jobs as watch_jobs  # noqa: F401
