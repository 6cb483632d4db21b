"""Which completed contracts need a fresh document timestamp, and the refresh itself."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.signing.testpki import LocalPki, execute

from laborsign.signing import pades
from laborsign.signing.maintain import earliest_expiry, needs_refresh


def test_expiry_follows_the_last_document_timestamps_chain() -> None:
    pki = LocalPki.create()
    executed = execute(pki)
    completed = executed.completed
    expiry = earliest_expiry(completed)
    # The CRLs the document timestamp covers may expire; its TSA chain may not.
    assert expiry == min(pki.tsa.cert.not_valid_after_utc, pki.root.cert.not_valid_after_utc)
    assert earliest_expiry(executed.employer_signed) is None  # not completed: nothing to keep
    assert not needs_refresh(completed, pki.now, timedelta(days=30))
    assert needs_refresh(completed, expiry - timedelta(days=10), timedelta(days=30))
    assert not needs_refresh(completed, expiry - timedelta(days=10), timedelta(days=5))
    refreshed = pades.refresh_timestamp(
        completed, pki.timestamper(), pki.validation_data().context()
    )
    assert refreshed.startswith(completed)
