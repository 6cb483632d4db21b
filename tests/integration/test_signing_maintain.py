"""Which completed contracts need a fresh document timestamp, and the refresh itself."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.signing.testpki import LocalPki, execute

from laborsign.signing import pades
from laborsign.signing.maintain import earliest_expiry, needs_refresh


def test_expiry_window_follows_the_embedded_crls() -> None:
    pki = LocalPki.create()
    completed = execute(pki).completed
    expiry = earliest_expiry(completed)
    assert expiry is not None
    # The test CA's CRLs are valid for seven days from `pki.now`.
    assert expiry - pki.now <= timedelta(days=7)
    assert needs_refresh(completed, pki.now, timedelta(days=30))
    assert not needs_refresh(completed, pki.now, timedelta(days=1))
    refreshed = pades.refresh_timestamp(
        completed, pki.timestamper(), pki.validation_data().context()
    )
    assert refreshed.startswith(completed)
