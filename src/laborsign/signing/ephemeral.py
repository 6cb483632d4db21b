"""An in-memory, throw-away PKI: root, issuing CA, TSA and end-entity certificates.

For benchmarks and tests only — it measures and exercises the signing and verification code
without a data home, a database or the platform's own CA. Nothing it creates is persisted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import algos, cms, core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.general import SigningError, as_signing_certificate, simple_cms_attribute
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from laborsign.signing.validation_data import ValidationData

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _name(common_name: str, org: str = "LaborSign Test") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass
class Issued:
    cert: x509.Certificate
    key: PrivateKey

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        der = self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return asn1_keys.PrivateKeyInfo.load(der)


def _issue(
    subject: x509.Name,
    issuer: Issued | None,
    *,
    ca: bool,
    eku: list[x509.ObjectIdentifier] | None = None,
    not_before: datetime = EPOCH,
    days: int = 3650,
    rsa_key: bool = False,
) -> Issued:
    key: PrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    issuer_name = issuer.cert.subject if issuer else subject
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    if ca:
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=False)
    else:
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=not ca and not eku,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **usage,
        ),
        critical=True,
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    cert = builder.sign(signing_key, hashes.SHA256())
    return Issued(cert, key)


def _crl(issuer: Issued, now: datetime, revoked: list[x509.Certificate]) -> bytes:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - timedelta(minutes=30))
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class LoadedKeySigner(Signer):
    """A pyHanko signer that keeps its private key loaded (ECDSA P-256, SHA-256)."""

    def __init__(self, issued: Issued, chain: list[Issued]) -> None:
        super().__init__(
            signing_cert=issued.asn1,
            cert_registry=SimpleCertificateStore.from_certs([c.asn1 for c in chain]),  # type: ignore[no-untyped-call]
        )
        if not isinstance(issued.key, ec.EllipticCurvePrivateKey):
            raise TypeError("LoadedKeySigner signs with ECDSA keys")
        self._key = issued.key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != "sha256":
            raise SigningError(f"unsupported digest {digest_algorithm}")
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))


class InProcessTsa(DummyTimeStamper):
    """pyHanko's in-process TSA, answering with ECDSA and a key kept loaded."""

    def __init__(self, tsa: Issued, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = tsa.key

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashlib.sha256(tst_info_data).digest()
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),  # type: ignore[no-untyped-call]
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),  # type: ignore[no-untyped-call]
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),  # type: ignore[no-untyped-call]
                simple_cms_attribute("message_digest", digest),  # type: ignore[no-untyped-call]
            ]
        )
        if not isinstance(self._key, ec.EllipticCurvePrivateKey):
            raise TypeError("InProcessTsa signs with ECDSA keys")
        return self._key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256())), signed_attrs

    def _build_signed_data(
        self,
        tst_info_data: bytes,
        md_algorithm: str,
        signature: bytes,
        signed_attrs: cms.CMSAttributes,
    ) -> dict[str, Any]:
        data: dict[str, Any] = super()._build_signed_data(
            tst_info_data, md_algorithm, signature, signed_attrs
        )
        data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": "sha256_ecdsa"}
        )
        return data


@dataclass
class LocalPki:
    root: Issued
    issuing: Issued
    tsa: Issued
    now: datetime
    revoked: list[x509.Certificate] = field(default_factory=list)

    @classmethod
    def create(cls, now: datetime | None = None) -> LocalPki:
        moment = now or datetime.now(UTC)
        root = _issue(_name("LaborSign Test Root CA"), None, ca=True, not_before=EPOCH)
        issuing = _issue(_name("LaborSign Test Issuing CA"), root, ca=True)
        tsa = _issue(
            _name("LaborSign Test TSA"),
            root,
            ca=False,
            eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        )
        return cls(root, issuing, tsa, moment)

    def person(self, name: str, org: str = "LaborSign Test") -> Issued:
        return _issue(_name(name, org), self.issuing, ca=False)

    def signer(self, issued: Issued) -> LoadedKeySigner:
        return LoadedKeySigner(issued, [self.issuing, self.root])

    def timestamper(self) -> InProcessTsa:
        return InProcessTsa(
            self.tsa,
            tsa_cert=self.tsa.asn1,
            tsa_key=self.tsa.asn1_key,
            certs_to_embed=SimpleCertificateStore.from_certs([self.root.asn1]),  # type: ignore[no-untyped-call]
        )

    def crls(self) -> list[bytes]:
        return [
            _crl(self.root, self.now, []),
            _crl(self.issuing, self.now, self.revoked),
        ]

    def validation_data(self) -> ValidationData:
        return ValidationData(
            trust_roots=(self.root.asn1,),
            other_certs=(self.issuing.asn1, self.tsa.asn1),
            crls=tuple(self.crls()),
        )
