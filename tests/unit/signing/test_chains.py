"""Kept pre-signing validations: per signer, per context and TSA, never past the revocation
data's nextUpdate or a certificate's expiry, never for a failed validation."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from pyhanko.sign.signers.pdf_signer import PreSignValidationStatus
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from laborsign.signing.chains import ValidatedChains, fresh_until
from laborsign.signing.ephemeral import LoadedKeySigner, LocalPki


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _status(signer: LoadedKeySigner, context: ValidationContext) -> PreSignValidationStatus:
    """What pyHanko's pre-signing validation returns for this signer (without a TSA)."""
    assert signer.signing_cert is not None
    validator = CertificateValidator(
        signer.signing_cert, intermediate_certs=signer.cert_registry, validation_context=context
    )
    path = asyncio.run(validator.async_validate_usage(set()))
    return PreSignValidationStatus(
        signer_path=path, validation_paths=[path], crls_to_embed=context.crls
    )


@pytest.fixture(scope="module")
def pki() -> LocalPki:
    return LocalPki.create()


@pytest.fixture
def clock(pki: LocalPki) -> Clock:
    return Clock(pki.now)


def test_a_kept_validation_serves_the_same_signer_context_and_tsa(
    pki: LocalPki, clock: Clock
) -> None:
    chains = ValidatedChains(clock)
    person = pki.person("甲")
    signer, tsa, context = pki.signer(person), TimeStamper(), pki.validation_data().context()
    assert chains.get(signer, tsa, context) is None
    status = _status(signer, context)
    chains.put(signer, tsa, context, status)
    assert chains.get(signer, tsa, context) is status
    # Another signer object over the same certificate and chain is the same signer...
    assert chains.get(pki.signer(person), tsa, context) is status
    # ...but not one offering other intermediates for its path.
    alone = LoadedKeySigner(person, [pki.issuing])
    assert chains.get(alone, tsa, context) is None


def test_another_context_or_tsa_is_validated_afresh(pki: LocalPki, clock: Clock) -> None:
    chains = ValidatedChains(clock)
    signer, tsa, context = (
        pki.signer(pki.person("乙")),
        TimeStamper(),
        pki.validation_data().context(),
    )
    chains.put(signer, tsa, context, _status(signer, context))
    assert chains.get(signer, tsa, pki.validation_data().context()) is None
    chains.put(signer, tsa, context, _status(signer, context))
    assert chains.get(signer, TimeStamper(), context) is None
    # The entry went with the mismatch: the old context does not bring it back.
    assert chains.get(signer, tsa, context) is None


def test_nothing_is_served_from_the_revocation_datas_next_update_on(
    pki: LocalPki, clock: Clock
) -> None:
    chains = ValidatedChains(clock)
    signer, tsa, context = (
        pki.signer(pki.person("丙")),
        TimeStamper(),
        pki.validation_data().context(),
    )
    status = _status(signer, context)
    next_updates = [c["tbs_cert_list"]["next_update"].native for c in status.crls_to_embed]
    until = fresh_until(status)
    assert until == min(next_updates)
    chains.put(signer, tsa, context, status)
    clock.now = until - timedelta(seconds=1)
    assert chains.get(signer, tsa, context) is status
    clock.now = until
    assert chains.get(signer, tsa, context) is None
    # Nor is stale data kept in the first place.
    chains.put(signer, tsa, context, status)
    assert chains.get(signer, tsa, context) is None


def test_the_earliest_certificate_expiry_bounds_an_entry(pki: LocalPki) -> None:
    signer, context = pki.signer(pki.person("丁")), pki.validation_data().context()
    status = _status(signer, context)
    crls_only = PreSignValidationStatus(
        signer_path=status.signer_path, validation_paths=[], crls_to_embed=status.crls_to_embed
    )
    paths_only = PreSignValidationStatus(
        signer_path=status.signer_path, validation_paths=status.validation_paths
    )
    not_afters = [c.not_valid_after for c in status.signer_path.iter_certs(include_root=True)]
    assert fresh_until(paths_only) == min(not_afters)
    crl_bound = fresh_until(crls_only)
    assert crl_bound is not None
    assert fresh_until(status) == min(crl_bound, *not_afters)


def test_the_least_recently_used_signer_makes_room(pki: LocalPki, clock: Clock) -> None:
    chains = ValidatedChains(clock, capacity=2)
    tsa, context = TimeStamper(), pki.validation_data().context()
    signers = [pki.signer(pki.person(name)) for name in ("一", "二", "三")]
    statuses = [_status(s, context) for s in signers]
    chains.put(signers[0], tsa, context, statuses[0])
    chains.put(signers[1], tsa, context, statuses[1])
    assert chains.get(signers[0], tsa, context) is statuses[0]
    chains.put(signers[2], tsa, context, statuses[2])
    assert chains.get(signers[1], tsa, context) is None
    assert chains.get(signers[0], tsa, context) is statuses[0]
    assert chains.get(signers[2], tsa, context) is statuses[2]
