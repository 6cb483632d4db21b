"""Certificate profiles of the built-in CA: which names and extensions each kind carries.

Pure functions from inputs to `cryptography` builders; signing happens elsewhere
(`store_signing`), storage elsewhere (`ca`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from cryptography import x509
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
    ObjectIdentifier,
)

from laborsign.signing.keys import PublicKey

# LaborSign's private OID arc; the TSA policy (settings.tsa_policy_oid) lives under it too.
CERTIFICATE_POLICY = ObjectIdentifier("1.3.6.1.4.1.58808.2.1")
POLICY_NOTICE = (
    "LaborSign private development trust root, not a licensed CA "
    "(LaborSign 私有开发信任根，非依法设立的电子认证服务机构)"
)
ORGANIZATION_IDENTIFIER = ObjectIdentifier("2.5.4.97")
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # RFC 9336
# Clock skew between this host and a verifier's must not make a fresh certificate "future".
BACKDATE = timedelta(minutes=5)


class Kind(StrEnum):
    ROOT = "root"
    ISSUING = "issuing"
    TSA = "tsa"
    ORGANISATION = "organisation"
    WORKER = "worker"


@dataclass(frozen=True, slots=True)
class PkiUrls:
    """Where the app publishes certificates, CRLs and the OCSP responder."""

    base_url: str

    @property
    def root_cert(self) -> str:
        return f"{self.base_url}/pki/root.pem"

    @property
    def issuing_cert(self) -> str:
        return f"{self.base_url}/pki/issuing.pem"

    @property
    def root_crl(self) -> str:
        return f"{self.base_url}/pki/root.crl"

    @property
    def crl(self) -> str:
        return f"{self.base_url}/pki/crl"

    @property
    def ocsp(self) -> str:
        return f"{self.base_url}/pki/ocsp"


def _name(*attributes: tuple[ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def root_name(install_id: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, "LaborSign private trust root (development)"),
        (NameOID.COMMON_NAME, f"LaborSign Private Root CA {install_id}"),
    )


def issuing_name(install_id: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, "LaborSign private trust root (development)"),
        (NameOID.COMMON_NAME, f"LaborSign Private Issuing CA {install_id}"),
    )


def tsa_name(install_id: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, "LaborSign private trust root (development)"),
        (NameOID.COMMON_NAME, f"LaborSign Time-Stamping Authority {install_id}"),
    )


def organisation_name(name: str, credit_code: str) -> x509.Name:
    # organizationIdentifier with the ETSI EN 319 412-1 "NTR" (national trade register)
    # semantics: the 统一社会信用代码 is China's register number for organisations.
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (ORGANIZATION_IDENTIFIER, f"NTRCN-{credit_code}"),
        (NameOID.ORGANIZATION_NAME, name),
        (NameOID.COMMON_NAME, name),
    )


def worker_name(name: str, pseudonym: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.PSEUDONYM, pseudonym),
        (NameOID.COMMON_NAME, name),
    )


def _policies() -> x509.CertificatePolicies:
    return x509.CertificatePolicies(
        [
            x509.PolicyInformation(
                CERTIFICATE_POLICY,
                [x509.UserNotice(notice_reference=None, explicit_text=POLICY_NOTICE)],
            )
        ]
    )


def _base(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: PublicKey,
    serial: int,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _signer_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # nonRepudiation: these keys sign declarations of intent
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _issued_by(
    builder: x509.CertificateBuilder, issuer: x509.Certificate, crl_url: str
) -> x509.CertificateBuilder:
    return builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
            issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        ),
        critical=False,
    ).add_extension(
        x509.CRLDistributionPoints(
            [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
        ),
        critical=False,
    )


def root_certificate(
    install_id: str, public_key: PublicKey, serial: int, now: datetime
) -> x509.CertificateBuilder:
    name = root_name(install_id)
    return (
        _base(name, name, public_key, serial, now - BACKDATE, now + timedelta(days=20 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_ca_usage(), critical=True)
    )


def issuing_certificate(
    install_id: str,
    public_key: PublicKey,
    serial: int,
    now: datetime,
    root: x509.Certificate,
    urls: PkiUrls,
) -> x509.CertificateBuilder:
    builder = _base(
        issuing_name(install_id),
        root.subject,
        public_key,
        serial,
        now - BACKDATE,
        now + timedelta(days=10 * 365),
    )
    return (
        _issued_by(builder, root, urls.root_crl)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(urls.root_cert),
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(_policies(), critical=False)
    )


def end_entity_certificate(
    kind: Kind,
    subject: x509.Name,
    public_key: PublicKey,
    serial: int,
    not_before: datetime,
    not_after: datetime,
    issuing: x509.Certificate,
    urls: PkiUrls,
) -> x509.CertificateBuilder:
    """TSA, organisation and worker certificates: all issued by the issuing CA."""
    # Never outlive the issuer: a verifier would reject the chain at the end anyway.
    not_after = min(not_after, issuing.not_valid_after_utc)
    builder = _issued_by(
        _base(subject, issuing.subject, public_key, serial, not_before, not_after),
        issuing,
        urls.crl,
    )
    builder = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signer_usage(), critical=True)
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(urls.ocsp),
                    ),
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(urls.issuing_cert),
                    ),
                ]
            ),
            critical=False,
        )
        .add_extension(_policies(), critical=False)
    )
    if kind is Kind.TSA:
        # RFC 3161 §2.3: the TSA certificate has exactly this one purpose, marked critical.
        return builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    # emailProtection besides documentSigning: NSS-based PDF verifiers (poppler) check
    # signer certificates for the e-mail signer usage.
    return builder.add_extension(
        x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
        critical=False,
    )
