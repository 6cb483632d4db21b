"""Validated certificate chains of a signer and its TSA, kept across signatures.

Before every B-LT signature pyHanko validates the signer's and the TSA's chains, revocation
included, to know which certificates and CRLs go into the DSS of the same revision (ADR
0010). A `ValidationContext` validates at the moment it was built, with the revocation data
it holds, so the same signer, TSA and context always give the same answer: this keeps that
answer instead of working it out again for each of an employer's thousand contracts.

An entry serves only the context it was computed with (the signing service replaces its
context every minute with fresh CRLs), and never once any CRL or OCSP response it relied on
has reached its nextUpdate or a certificate on its paths has expired. A validation that
fails (revoked, no path, stale data) raises and is never kept. Whether the signer's own
certificate is still good is asked of the CA before each signature, not here.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.signers.pdf_signer import PreSignValidationStatus
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator import ValidationContext

# Organisations sealing at the same time in one process; each entry is a few paths.
CAPACITY = 64


@dataclass(frozen=True, slots=True)
class _Entry:
    context: ValidationContext
    timestamper: TimeStamper
    status: PreSignValidationStatus
    fresh_until: datetime


def _key(signer: Signer) -> bytes:
    """The signer's certificate and the intermediates it offers for path building."""
    if signer.signing_cert is None:
        raise ValueError("a signer without a certificate has no chain to keep")
    digest = hashlib.sha256(signer.signing_cert.dump())
    for der in sorted(c.dump() for c in signer.cert_registry or ()):
        digest.update(hashlib.sha256(der).digest())
    return digest.digest()


def _crl_next_update(crl: asn1_crl.CertificateList) -> datetime | None:
    moment: datetime | None = crl["tbs_cert_list"]["next_update"].native
    return moment


def _ocsp_next_updates(response: asn1_ocsp.OCSPResponse) -> Iterable[datetime | None]:
    basic = response["response_bytes"]["response"].parsed
    for single in basic["tbs_response_data"]["responses"]:
        yield single["next_update"].native


def fresh_until(status: PreSignValidationStatus) -> datetime | None:
    """The first moment the validation result may no longer hold: the earliest nextUpdate of
    the revocation data and notAfter of the certificates it used (None: no such bound, so
    it must not be kept)."""
    bounds: list[datetime | None] = [_crl_next_update(c) for c in status.crls_to_embed]
    for response in status.ocsps_to_embed:
        bounds.extend(_ocsp_next_updates(response))
    for path in status.validation_paths:
        bounds.extend(c.not_valid_after for c in path.iter_certs(include_root=True))
    if not bounds or any(b is None for b in bounds):
        return None
    return min(b for b in bounds if b is not None)


class ValidatedChains:
    """Pre-signing validation results per signer, for the context and TSA they came from."""

    def __init__(
        self,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        capacity: int = CAPACITY,
    ) -> None:
        self._clock = clock
        self._capacity = capacity
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, signer: Signer, timestamper: TimeStamper, context: ValidationContext
    ) -> PreSignValidationStatus | None:
        key = _key(signer)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if (
                entry.context is not context
                or entry.timestamper is not timestamper
                or self._clock() >= entry.fresh_until
            ):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry.status

    def put(
        self,
        signer: Signer,
        timestamper: TimeStamper,
        context: ValidationContext,
        status: PreSignValidationStatus,
    ) -> None:
        until = fresh_until(status)
        if until is None or self._clock() >= until:
            return
        key = _key(signer)
        with self._lock:
            self._entries[key] = _Entry(context, timestamper, status, until)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
