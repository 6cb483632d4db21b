"""Signing with the platform's trust core: built-in CA, key store, TSA, in-process revocation.

`SigningService` turns the PAdES steps of `pades` into the platform's signing acts:

- the employer signs with its organisation certificate, issued by the built-in CA the first
  time the organisation signs; its key is generated in the key store under a stable label and
  kept there;
- a worker signs with a short-lived certificate issued for this one act, in the name of a
  pseudonym (HMAC-SHA256 of the ID number under the platform secret — the number itself never
  appears); the key is generated in the key store for the act and destroyed right after it,
  whether the act succeeded or not;
- every signature is timestamped by the configured TSA (built-in, in process, or external)
  and carries the CA's CRLs in the DSS, handed over in process (never fetched).

Fail closed: a TSA that does not answer, a locked key store or a missing CA key raise a
`LaborSignError` (mostly `ServiceUnavailable`); the caller's document bytes are never touched
and nothing half-signed is returned.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from stdnum.cn import uscc

from laborsign.db.uow import UnitOfWork
from laborsign.errors import InvalidInput, NotFound, ServiceUnavailable
from laborsign.i18n import Text
from laborsign.pki.ca import BuiltInCA
from laborsign.pki.profiles import Kind
from laborsign.pki.tables import IssuedCertificateRow
from laborsign.pki.tsa import PortTimeStamper, TimeStamper
from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.chains import ValidatedChains
from laborsign.signing.images import seal_png
from laborsign.signing.keys import KeyAlgorithm, KeyStore, check_algorithm
from laborsign.signing.signer import KeyStoreSigner, to_asn1
from laborsign.signing.validation_data import ValidationData

if TYPE_CHECKING:
    from laborsign.bootstrap import Container

# Revocation data and the validation context built from it are reused for this long. It must
# stay well below the CA's back-dating of fresh certificates (five minutes): the context
# validates at the moment it was built, and a worker certificate issued after that moment must
# already be valid then.
VALIDATION_REUSE_SECONDS = 60.0
# An organisation certificate is renewed when it would expire within this margin.
ORGANISATION_RENEWAL = timedelta(days=7)
ORGANISATION_VALID_DAYS = 365
WORKER_VALID_MINUTES = 30


@dataclass(frozen=True, slots=True)
class Organisation:
    """The employer as it signs: name and 统一社会信用代码."""

    name: str
    credit_code: str


@dataclass(frozen=True, slots=True)
class WorkerIdentity:
    """The worker as he signs: name and ID number (used only to derive his pseudonym)."""

    name: str
    id_number: str


@dataclass(frozen=True, slots=True)
class TrustMaterial:
    """What a verifier needs: the trust anchors, and the intermediates for tools that want them
    separately (`openssl ts -verify -untrusted`)."""

    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    tsa: x509.Certificate


def worker_pseudonym(secret: bytes, id_number: str) -> str:
    """The worker's pseudonymous id: HMAC-SHA256 of the normalised ID number (hex, 64 chars).

    Stable for one platform secret, so the same person gets the same pseudonym in every
    contract, and useless without the secret to anyone holding a list of ID numbers."""
    normalised = id_number.strip().upper().replace(" ", "")
    return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def organisation_label(credit_code: str) -> str:
    return f"org-{uscc.compact(credit_code)}"


def _new_worker_label() -> str:
    return f"worker-{secrets.token_hex(12)}"


@lru_cache(maxsize=64)
def organisation_seal(name: str) -> bytes:
    """The seal image of an organisation: drawn once per process, it never changes."""
    return seal_png(name)


@contextmanager
def _trust_core_errors() -> Iterator[None]:
    """A key the CA needs that is missing from the store is an unavailable CA, not a bad
    request: the operator must restore it, the user can only retry later."""
    try:
        yield
    except NotFound as exc:
        raise ServiceUnavailable(
            Text(
                "证书签发不可用（CA 密钥缺失：{e}），未签署任何内容",
                "certificate issuance unavailable (CA key missing: {e}); nothing was signed",
            ).format(e=exc.message.en)
        ) from exc


class SigningService:
    def __init__(
        self,
        store: KeyStore,
        ca: BuiltInCA,
        timestamper: TimeStamper,
        secret: bytes,
        uow: Callable[[], UnitOfWork],
        *,
        key_algorithm: KeyAlgorithm = "ec-p256",
        tsa_roots: Sequence[x509.Certificate] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_worker_label: Callable[[], str] = _new_worker_label,
    ) -> None:
        self._store = store
        self._ca = ca
        self._port = timestamper
        # One pyHanko adapter for the life of the service: it caches the placeholder token it
        # uses to size signatures, so only real timestamps reach the TSA afterwards.
        self._timestamper = PortTimeStamper(timestamper)
        self._secret = secret
        self._uow = uow
        self._algorithm = key_algorithm
        # An external TSA chains to its own roots; its revocation data cannot be handed over
        # in process, so only then may the context fetch it.
        self._tsa_roots = tuple(tsa_roots)
        self._clock = clock
        self._new_worker_label = new_worker_label
        self._chain = tuple(ca.chain())
        self._lock = threading.Lock()
        self._validation: tuple[float, ValidationContext] | None = None
        self._organisations: dict[str, tuple[x509.Certificate, KeyStoreSigner]] = {}
        # An organisation seals many contracts in a row: its chain and the TSA's are
        # validated once per validation context, not once per seal.
        self._chains = ValidatedChains(clock)

    # -- trust material ----------------------------------------------------------------------

    def trust_material(self) -> TrustMaterial:
        return TrustMaterial(
            roots=(self._ca.root, *self._tsa_roots),
            intermediates=(self._ca.issuing,),
            tsa=self._ca.tsa_certificate,
        )

    def validation_data(self) -> ValidationData:
        """Trust anchors, CA certificates and fresh CRLs of the built-in CA, in process."""
        with _trust_core_errors():
            crls = (self._ca.crl(), self._ca.root_crl())
        roots = (to_asn1(self._ca.root), *(to_asn1(c) for c in self._tsa_roots))
        return ValidationData(
            trust_roots=roots,
            other_certs=(to_asn1(self._ca.issuing), to_asn1(self._ca.tsa_certificate)),
            crls=crls,
        )

    def validation_context(self) -> ValidationContext:
        """One context reused across signatures for a short while: pyHanko caches parsed
        revocation data and validated paths in it."""
        now = time.monotonic()
        with self._lock:
            cached = self._validation
            if cached is not None and now - cached[0] < VALIDATION_REUSE_SECONDS:
                return cached[1]
        context = self.validation_data().context(allow_fetching=bool(self._tsa_roots))
        with self._lock:
            self._validation = (now, context)
        return context

    # -- the signing acts --------------------------------------------------------------------

    def prepare(self, pdf: bytes, boxes: Iterable[pades.Box]) -> bytes:
        """Add both parties' empty signature fields (before anyone signs)."""
        return pades.prepare_fields(pdf, boxes)

    def sign_as_employer(
        self,
        pdf: bytes,
        organisation: Organisation,
        *,
        when: datetime | None = None,
        seal: bytes | None = None,
    ) -> bytes:
        """The employer's signature with its organisation certificate and seal (`seal`: an
        uploaded seal image; by default the platform's generated seal)."""
        certificate, signer = self.organisation_signer(organisation)
        with _trust_core_errors():
            self._ca.check_usable(certificate, now=when or self._clock())
        image = seal if seal is not None else organisation_seal(organisation.name)
        appearance = Appearance(image, organisation.name, "盖章")
        return self._sign(pdf, pades.Role.EMPLOYER, signer, appearance, when, self._chains)

    def sign_as_worker(
        self,
        pdf: bytes,
        worker: WorkerIdentity,
        signature_png: bytes,
        *,
        when: datetime | None = None,
    ) -> bytes:
        """The worker's signature: a key and certificate for this act only.

        The key is destroyed before this returns or raises; the certificate (valid for half
        an hour) stays in the CA's records, as every issued certificate does."""
        if not worker.id_number.strip():
            raise InvalidInput(Text("缺少证件号码", "the ID number is missing"), field="id_number")
        appearance = Appearance(signature_png, worker.name, "签名")
        label = self._new_worker_label()
        self._store.generate(label, self._algorithm)
        try:
            with _trust_core_errors():
                certificate = self._ca.issue_worker_certificate(
                    self._store.public_key(label),
                    worker.name,
                    worker_pseudonym(self._secret, worker.id_number),
                    WORKER_VALID_MINUTES,
                    now=when or self._clock(),
                )
            signer = KeyStoreSigner(self._store, label, certificate, self._chain)
            return self._sign(pdf, pades.Role.WORKER, signer, appearance, when)
        finally:
            self._store.destroy(label)

    def complete(self, pdf: bytes) -> bytes:
        """Both parties signed: the document timestamp that makes the contract B-LTA."""
        return pades.complete(pdf, self._timestamper, self.validation_context())

    def refresh(self, pdf: bytes) -> bytes:
        """A fresh document timestamp with fresh revocation data (LTV maintenance)."""
        return pades.refresh_timestamp(pdf, self._timestamper, self.validation_context())

    def _sign(
        self,
        pdf: bytes,
        role: pades.Role,
        signer: KeyStoreSigner,
        appearance: Appearance,
        when: datetime | None,
        chains: ValidatedChains | None = None,
    ) -> bytes:
        return pades.sign_as(
            pdf,
            role,
            signer,
            self._timestamper,
            appearance,
            certify=None,
            validation=self.validation_context(),
            when=when,
            chains=chains,
        )

    # -- organisation keys and certificates --------------------------------------------------

    def organisation_signer(
        self, organisation: Organisation
    ) -> tuple[x509.Certificate, KeyStoreSigner]:
        """The organisation's certificate and a signer over its kept key (made on first use)."""
        if not uscc.is_valid(organisation.credit_code):
            raise InvalidInput(
                Text("统一社会信用代码无效", "invalid unified social credit code"),
                field="credit_code",
            )
        code = uscc.compact(organisation.credit_code)
        now = self._clock()
        cached = self._organisations.get(code)
        if cached is not None and cached[0].not_valid_after_utc > now + ORGANISATION_RENEWAL:
            return cached
        label = organisation_label(code)
        if not self._store.exists(label):
            self._store.generate(label, self._algorithm)
        public_key = self._store.public_key(label)
        certificate = self._stored_organisation_certificate(code, public_key, now)
        if certificate is None:
            with _trust_core_errors():
                certificate = self._ca.issue_organisation_certificate(
                    public_key, organisation.name, code, ORGANISATION_VALID_DAYS, now=now
                )
        signer = KeyStoreSigner(self._store, label, certificate, self._chain)
        self._organisations[code] = (certificate, signer)
        return certificate, signer

    def _stored_organisation_certificate(
        self, code: str, public_key: object, now: datetime
    ) -> x509.Certificate | None:
        """The newest unrevoked certificate the CA issued for this organisation's kept key."""
        spki = _spki(public_key)
        with self._uow() as uow:
            rows = uow.session.scalars(
                select(IssuedCertificateRow)
                .where(
                    IssuedCertificateRow.kind == Kind.ORGANISATION.value,
                    IssuedCertificateRow.subject.contains(f"NTRCN-{code}"),
                    IssuedCertificateRow.revoked_at.is_(None),
                )
                .order_by(IssuedCertificateRow.not_after.desc())
            ).all()
            ders = [row.der for row in rows]
        for der in ders:
            certificate = x509.load_der_x509_certificate(der)
            if (
                _spki(certificate.public_key()) == spki
                and certificate.not_valid_after_utc > now + ORGANISATION_RENEWAL
                and certificate.not_valid_before_utc <= now
            ):
                return certificate
        return None


def build_signing_service(container: Container) -> SigningService:
    """The service over the container's key store, CA and TSA (composition root only)."""
    settings = container.settings
    tsa_roots: list[x509.Certificate] = []
    if settings.tsa_url and settings.tsa_ca_file is not None:
        tsa_roots = x509.load_pem_x509_certificates(settings.tsa_ca_file.read_bytes())
    return SigningService(
        container.key_store,
        container.ca,
        container.timestamper,
        container.secret_key,
        container.uow,
        key_algorithm=check_algorithm(settings.key_algorithm),
        tsa_roots=tsa_roots,
    )


def _spki(public_key: object) -> bytes:
    if not hasattr(public_key, "public_bytes"):
        raise InvalidInput(Text("不支持的公钥类型", "unsupported public key type"))
    der: bytes = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def pem(certificates: Iterable[x509.Certificate | asn1_x509.Certificate]) -> bytes:
    """Certificates as concatenated PEM."""
    out = b""
    for certificate in certificates:
        if isinstance(certificate, asn1_x509.Certificate):
            certificate = x509.load_der_x509_certificate(certificate.dump())
        out += certificate.public_bytes(serialization.Encoding.PEM)
    return out


__all__ = [
    "Organisation",
    "SigningService",
    "TrustMaterial",
    "WorkerIdentity",
    "organisation_seal",
    "pem",
    "worker_pseudonym",
]
