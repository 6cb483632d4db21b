"""CRLs (RFC 5280) and OCSP responses (RFC 6960) of the built-in CA."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from asn1crypto import core
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from laborsign.pki.store_signing import StoreSigner

# How long a CRL or an OCSP answer may be relied on before a fresh one must be fetched.
VALIDITY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    state: Literal["good", "revoked", "unknown"]
    revoked_at: datetime | None = None
    reason: x509.ReasonFlags | None = None


@dataclass(frozen=True, slots=True)
class RevokedEntry:
    serial: int
    revoked_at: datetime
    reason: x509.ReasonFlags


def build_crl(
    signer: StoreSigner, issuer: x509.Certificate, revoked: Iterable[RevokedEntry], now: datetime
) -> bytes:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(now)
        .next_update(now + VALIDITY)
        # Seconds since the epoch: increases with every CRL as RFC 5280 §5.2.3 requires.
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
    )
    for entry in revoked:
        revoked_certificate = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(entry.reason), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(revoked_certificate)
    return signer.crl(builder)


def _issuer_hashes(
    issuer: x509.Certificate, algorithm: hashes.HashAlgorithm
) -> tuple[bytes, bytes]:
    parsed = asn1_x509.Certificate.load(issuer.public_bytes(serialization.Encoding.DER))
    if isinstance(algorithm, hashes.SHA1):
        return parsed.subject.sha1, parsed.public_key.sha1
    return parsed.subject.sha256, parsed.public_key.sha256


def build_ocsp_response(
    signer: StoreSigner,
    issuer: x509.Certificate,
    request_der: bytes,
    status_of: Callable[[int], CertificateStatus],
    now: datetime,
) -> bytes:
    """Answer one OCSP request; malformed or foreign requests get an unsigned error status."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        algorithm = request.hash_algorithm
    except (ValueError, TypeError):
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if not isinstance(algorithm, hashes.SHA1 | hashes.SHA256):
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if (request.issuer_name_hash, request.issuer_key_hash) != _issuer_hashes(issuer, algorithm):
        # Not a certificate of ours: we are not authoritative for it (RFC 6960 §2.3).
        return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    status = status_of(request.serial_number)
    now = now.replace(microsecond=0)
    if status.state == "revoked" and status.revoked_at is not None:
        cert_status = asn1_ocsp.CertStatus(
            name="revoked",
            value={
                "revocation_time": status.revoked_at.replace(microsecond=0),
                "revocation_reason": (status.reason or x509.ReasonFlags.unspecified).name,
            },
        )
    else:
        cert_status = asn1_ocsp.CertStatus(name=status.state, value=core.Null())
    single = {
        "cert_id": {
            "hash_algorithm": {"algorithm": algorithm.name},
            "issuer_name_hash": request.issuer_name_hash,
            "issuer_key_hash": request.issuer_key_hash,
            "serial_number": request.serial_number,
        },
        "cert_status": cert_status,
        "this_update": now,
        "next_update": now + VALIDITY,
    }
    tbs: dict[str, object] = {
        "version": "v1",
        # RFC 6960 §4.2.1: the responder is named by the SHA-1 of its public key.
        "responder_id": asn1_ocsp.ResponderId(
            name="by_key",
            value=_issuer_hashes(issuer, hashes.SHA1())[1],  # noqa: S303
        ),
        "produced_at": now,
        "responses": [single],
    }
    try:
        nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        tbs["response_extensions"] = [{"extn_id": "nonce", "critical": False, "extn_value": nonce}]
    except x509.ExtensionNotFound:
        pass
    return signer.ocsp(asn1_ocsp.ResponseData(tbs))


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )
