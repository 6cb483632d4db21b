"""The certificates and revocation data a signature's validation needs, supplied in process.

The built-in CA hands its CRLs (and OCSP responses) over directly, so embedding validation
information for PAdES B-LT never goes to the network; the same data builds the
`ValidationContext` pyHanko uses while signing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext


@dataclass(frozen=True)
class ValidationData:
    """Trust anchors, intermediate certificates and revocation data (DER)."""

    trust_roots: tuple[asn1_x509.Certificate, ...]
    other_certs: tuple[asn1_x509.Certificate, ...] = ()
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()

    def context(
        self, moment: datetime | None = None, *, allow_fetching: bool = False
    ) -> ValidationContext:
        """A context that never fetches: everything it may use is in this object (unless
        `allow_fetching`, for an external TSA whose revocation data only its CA publishes).

        Revocation checking is mandatory ("require"), so a signature can only be made B-LT
        when revocation data for every certificate in its chain is actually at hand.
        """
        return ValidationContext(
            trust_roots=list(self.trust_roots),
            other_certs=list(self.other_certs),
            crls=[asn1_crl.CertificateList.load(c) for c in self.crls],
            ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in self.ocsps],
            allow_fetching=allow_fetching,
            revocation_mode="require",
            moment=moment,
        )
