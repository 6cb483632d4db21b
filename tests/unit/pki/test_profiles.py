"""Certificate profiles (pure) and the token verifier's refusal of an empty trust set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from laborsign.pki import profiles
from laborsign.pki.profiles import Kind, PkiUrls
from laborsign.pki.tsa_verify import TokenInvalid, verify_token

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
URLS = PkiUrls("https://sign.example.cn")


def _issuing() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = profiles.root_certificate("abcd", key.public_key(), 1, NOW)
    from cryptography.hazmat.primitives import hashes

    return builder.sign(key, hashes.SHA256())


@pytest.mark.parametrize("kind", [Kind.TSA, Kind.ORGANISATION, Kind.WORKER])
def test_end_entity_profile(kind: Kind) -> None:
    issuing = _issuing()
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    builder = profiles.end_entity_certificate(
        kind,
        profiles.worker_name("张三", "w-1"),
        key,
        2,
        NOW,
        NOW + timedelta(days=100 * 365),
        issuing,
        URLS,
    )
    from cryptography.hazmat.primitives import hashes

    certificate = builder.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    # never outlives its issuer
    assert certificate.not_valid_after_utc == issuing.not_valid_after_utc
    extensions = certificate.extensions
    assert extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    aia = extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert "https://sign.example.cn/pki/ocsp" in [d.access_location.value for d in aia]
    eku = extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert (ExtendedKeyUsageOID.TIME_STAMPING in eku.value) is (kind is Kind.TSA)
    assert eku.critical is (kind is Kind.TSA)
    policies = extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert policies[0].policy_identifier == profiles.CERTIFICATE_POLICY


def test_verifier_refuses_an_empty_trust_set() -> None:
    with pytest.raises(TokenInvalid, match="pinned"):
        verify_token(b"", bytes(32), None, [])
