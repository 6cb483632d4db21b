"""A small throw-away PKI for signing tests: root, issuing CA, TSA, end-entity certificates.

Built with `cryptography` only, so the signing and verification code can be exercised without
the platform's own CA; everything lives in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.images import drawn_signature_png, seal_png
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
            cert_registry=SimpleCertificateStore.from_certs([c.asn1 for c in chain]),
        )
        assert isinstance(issued.key, ec.EllipticCurvePrivateKey)
        self._key = issued.key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != "sha256":
            raise SigningError(f"unsupported digest {digest_algorithm}")
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))


class FailingTimeStamper(TimeStamper):
    """A TSA that is down."""

    async def async_request_tsa_response(self, req: Any) -> Any:
        raise OSError("connection refused")


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
            # pyHanko's in-process test TSA signs with RSA only.
            rsa_key=True,
        )
        return cls(root, issuing, tsa, moment)

    def person(self, name: str, org: str = "LaborSign Test") -> Issued:
        return _issue(_name(name, org), self.issuing, ca=False)

    def signer(self, issued: Issued) -> LoadedKeySigner:
        return LoadedKeySigner(issued, [self.issuing, self.root])

    def timestamper(self) -> DummyTimeStamper:
        return DummyTimeStamper(
            tsa_cert=self.tsa.asn1,
            tsa_key=self.tsa.asn1_key,
            certs_to_embed=SimpleCertificateStore.from_certs([self.root.asn1]),
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


@dataclass(frozen=True)
class Box:
    role: str
    page: int
    x: float
    y: float
    width: float
    height: float


BOXES = (Box("worker", 1, 60, 100, 180, 80), Box("employer", 1, 320, 100, 180, 80))


def simple_pdf(pages: int = 2, text: str = "Labor contract") -> bytes:
    """A small unsigned PDF with a line of text on each page."""
    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    for number in range(pages):
        content = f"BT /F1 14 Tf 72 760 Td ({text} - page {number + 1}) Tj ET".encode()
        stream = writer.add_object(generic.StreamObject(stream_data=content))
        page = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, 595, 842)]
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Font"): generic.DictionaryObject(
                            {generic.pdf_name("/F1"): font}
                        )
                    }
                ),
                generic.pdf_name("/Contents"): stream,
            }
        )
        writer.insert_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class Executed:
    """Each stage of a two-party execution, as bytes."""

    prepared: bytes
    worker_signed: bytes
    employer_signed: bytes
    completed: bytes


def execute(pki: LocalPki, pdf: bytes | None = None) -> Executed:
    worker = pki.person("张三")
    org = pki.person("杭州示例科技有限公司", "杭州示例科技有限公司")
    stamper = pki.timestamper()
    prepared = pades.prepare_fields(pdf or simple_pdf(), BOXES)
    one = pades.sign_as(
        prepared,
        "worker",
        pki.signer(worker),
        stamper,
        Appearance(drawn_signature_png("张三"), "张三"),
        certify=True,
        validation=pki.validation_data().context(),
    )
    two = pades.sign_as(
        one,
        "employer",
        pki.signer(org),
        stamper,
        Appearance(seal_png("杭州示例科技有限公司"), "杭州示例科技有限公司", "盖章"),
        certify=False,
        validation=pki.validation_data().context(),
    )
    done = pades.complete(two, stamper, pki.validation_data().context())
    return Executed(prepared, one, two, done)
