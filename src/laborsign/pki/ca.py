"""The built-in CA: a private root, an issuing CA, the TSA certificate, and issuance.

Created once by `laborsign init` (`BuiltInCA.create`, idempotent); afterwards loaded from
the data home (certificates as PEM files, keys in the key store). Every certificate it
issues is recorded in `issued_certificates`, where revocation is recorded too. Recording a
certificate commits at once, on purpose: a certificate that exists is a fact even if the
signing act it was issued for fails later.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from stdnum.cn import ric, uscc

from laborsign.db.uow import UnitOfWork
from laborsign.errors import (
    ConfigurationError,
    Conflict,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from laborsign.i18n import Text
from laborsign.pki import profiles
from laborsign.pki.profiles import Kind, PkiUrls
from laborsign.pki.revocation import (
    CertificateStatus,
    RevokedEntry,
    build_crl,
    build_ocsp_response,
)
from laborsign.pki.store_signing import StoreSigner
from laborsign.pki.tables import IssuedCertificateRow
from laborsign.signing.keys import KeyAlgorithm, KeyStore, PublicKey

ROOT_LABEL = "pki-root"
ISSUING_LABEL = "pki-issuing"
TSA_LABEL = "pki-tsa"
_FILES = {Kind.ROOT: "root.pem", Kind.ISSUING: "issuing.pem", Kind.TSA: "tsa.pem"}
TSA_VALIDITY = timedelta(days=5 * 365)
_MAX_NAME = 64  # RFC 5280 upper bound for commonName and organizationName

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_name(value: str, field: str) -> str:
    value = value.strip()
    if not 0 < len(value) <= _MAX_NAME:
        raise InvalidInput(
            Text("名称长度必须在 1 到 64 个字符之间", "a name must have 1 to 64 characters"),
            field=field,
        )
    return value


def _row(certificate: x509.Certificate, kind: Kind) -> IssuedCertificateRow:
    return IssuedCertificateRow(
        serial=f"{certificate.serial_number:x}",
        subject=certificate.subject.rfc4514_string()[:500],
        kind=kind.value,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        der=certificate.public_bytes(serialization.Encoding.DER),
    )


class BuiltInCA:
    def __init__(
        self,
        store: KeyStore,
        directory: Path,
        uow: Callable[[], UnitOfWork],
        urls: PkiUrls,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self._uow = uow
        self.urls = urls
        self._clock = clock
        try:
            loaded = {
                kind: x509.load_pem_x509_certificate((directory / name).read_bytes())
                for kind, name in _FILES.items()
            }
        except FileNotFoundError:
            raise ServiceUnavailable(
                Text(
                    "内置 CA 尚未创建：请运行 laborsign init",
                    "built-in CA missing: run `laborsign init`",
                )
            ) from None
        self.root = loaded[Kind.ROOT]
        self.issuing = loaded[Kind.ISSUING]
        self.tsa_certificate = loaded[Kind.TSA]
        self._root_signer: StoreSigner | None = None
        self._issuing_signer: StoreSigner | None = None

    # -- creation ----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        store: KeyStore,
        directory: Path,
        uow: Callable[[], UnitOfWork],
        urls: PkiUrls,
        algorithm: KeyAlgorithm,
        now: datetime | None = None,
    ) -> list[str]:
        """Create root, issuing CA and TSA certificate unless they exist; returns what it did."""
        present = [kind for kind, name in _FILES.items() if (directory / name).exists()]
        if len(present) == len(_FILES):
            cls(store, directory, uow, urls)._record_own()
            return []
        if present:
            raise ConfigurationError(
                Text(
                    "内置 CA 文件不完整（{d}），请从备份恢复",
                    "the built-in CA's files are incomplete in {d}; restore them from a backup",
                ).format(d=directory)
            )
        now = now or utc_now()
        install_id = secrets.token_hex(4)
        for label in (ROOT_LABEL, ISSUING_LABEL, TSA_LABEL):
            # Leftovers of an init that stopped before writing certificates: never used.
            if store.exists(label):
                store.destroy(label)
            store.generate(label, algorithm)
        root_signer = StoreSigner(store, ROOT_LABEL)
        root = root_signer.certificate(
            profiles.root_certificate(
                install_id, root_signer.public_key, x509.random_serial_number(), now
            )
        )
        issuing = root_signer.certificate(
            profiles.issuing_certificate(
                install_id,
                store.public_key(ISSUING_LABEL),
                x509.random_serial_number(),
                now,
                root,
                urls,
            )
        )
        tsa = StoreSigner(store, ISSUING_LABEL).certificate(
            profiles.end_entity_certificate(
                Kind.TSA,
                profiles.tsa_name(install_id),
                store.public_key(TSA_LABEL),
                x509.random_serial_number(),
                now - profiles.BACKDATE,
                now + TSA_VALIDITY,
                issuing,
                urls,
            )
        )
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        for kind, certificate in ((Kind.ROOT, root), (Kind.ISSUING, issuing), (Kind.TSA, tsa)):
            temporary = directory / (_FILES[kind] + ".tmp")
            temporary.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
            os.replace(temporary, directory / _FILES[kind])
        cls(store, directory, uow, urls)._record_own()
        return [f"created built-in CA ({algorithm}): {root.subject.rfc4514_string()}"]

    def _record_own(self) -> None:
        with self._uow() as uow:
            for kind, certificate in (
                (Kind.ROOT, self.root),
                (Kind.ISSUING, self.issuing),
                (Kind.TSA, self.tsa_certificate),
            ):
                if uow.session.get(IssuedCertificateRow, f"{certificate.serial_number:x}") is None:
                    uow.session.add(_row(certificate, kind))
            uow.commit()

    # -- issuance ----------------------------------------------------------------------------

    def chain(self) -> list[x509.Certificate]:
        """Issuing CA then root: what a signer embeds besides its own certificate."""
        return [self.issuing, self.root]

    @property
    def issuing_signer(self) -> StoreSigner:
        if self._issuing_signer is None:
            self._issuing_signer = StoreSigner(self.store, ISSUING_LABEL)
        return self._issuing_signer

    @property
    def root_signer(self) -> StoreSigner:
        if self._root_signer is None:
            self._root_signer = StoreSigner(self.store, ROOT_LABEL)
        return self._root_signer

    def issue_organisation_certificate(
        self,
        public_key: PublicKey,
        name: str,
        credit_code: str,
        valid_days: int = 365,
        *,
        now: datetime | None = None,
    ) -> x509.Certificate:
        name = _check_name(name, "name")
        if not uscc.is_valid(credit_code):
            raise InvalidInput(
                Text("统一社会信用代码无效", "invalid unified social credit code"),
                field="credit_code",
            )
        if not 0 < valid_days <= 3 * 365:
            raise InvalidInput(
                Text("有效期必须在 1 到 1095 天之间", "validity must be 1 to 1095 days"),
                field="valid_days",
            )
        now = now or self._clock()
        return self._issue(
            Kind.ORGANISATION,
            profiles.organisation_name(name, uscc.compact(credit_code)),
            public_key,
            now - profiles.BACKDATE,
            now + timedelta(days=valid_days),
        )

    def issue_worker_certificate(
        self,
        public_key: PublicKey,
        name: str,
        pseudonym: str,
        valid_minutes: int = 30,
        *,
        now: datetime | None = None,
    ) -> x509.Certificate:
        name = _check_name(name, "name")
        pseudonym = _check_name(pseudonym, "pseudonym")
        if ric.is_valid(pseudonym):
            # The pseudonym stands in for the ID number; the number itself never goes in clear.
            raise InvalidInput(
                Text("假名不能是身份证号码", "the pseudonym must not be an ID number"),
                field="pseudonym",
            )
        if not 0 < valid_minutes <= 24 * 60:
            raise InvalidInput(
                Text("有效期必须在 1 到 1440 分钟之间", "validity must be 1 to 1440 minutes"),
                field="valid_minutes",
            )
        now = now or self._clock()
        return self._issue(
            Kind.WORKER,
            profiles.worker_name(name, pseudonym),
            public_key,
            now - profiles.BACKDATE,
            now + timedelta(minutes=valid_minutes),
        )

    def _issue(
        self,
        kind: Kind,
        subject: x509.Name,
        public_key: PublicKey,
        not_before: datetime,
        not_after: datetime,
    ) -> x509.Certificate:
        certificate = self.issuing_signer.certificate(
            profiles.end_entity_certificate(
                kind,
                subject,
                public_key,
                x509.random_serial_number(),
                not_before,
                not_after,
                self.issuing,
                self.urls,
            )
        )
        with self._uow() as uow:
            uow.session.add(_row(certificate, kind))
            uow.commit()
        return certificate

    # -- revocation --------------------------------------------------------------------------

    def revoke(
        self,
        serial: int,
        reason: x509.ReasonFlags = x509.ReasonFlags.unspecified,
        *,
        now: datetime | None = None,
    ) -> None:
        if serial == self.root.serial_number:
            raise InvalidInput(
                Text("根证书不能被吊销，只能被替换", "the root cannot be revoked, only replaced"),
                field="serial",
            )
        with self._uow() as uow:
            row = uow.session.get(IssuedCertificateRow, f"{serial:x}")
            if row is None:
                raise NotFound(
                    Text("证书不存在：{s:x}", "no such certificate: {s:x}").format(s=serial),
                    field="serial",
                )
            if row.revoked_at is not None:
                raise Conflict(
                    Text("证书已被吊销：{s:x}", "certificate already revoked: {s:x}").format(
                        s=serial
                    )
                )
            row.revoked_at = now or self._clock()
            row.revocation_reason = reason.value
            uow.commit()

    def status(self, serial: int) -> CertificateStatus:
        with self._uow() as uow:
            row = uow.session.get(IssuedCertificateRow, f"{serial:x}")
            if row is None:
                return CertificateStatus("unknown")
            if row.revoked_at is None:
                return CertificateStatus("good")
            return CertificateStatus(
                "revoked", _aware(row.revoked_at), x509.ReasonFlags(row.revocation_reason)
            )

    def check_usable(self, certificate: x509.Certificate, *, now: datetime | None = None) -> None:
        """Refuse to sign with a certificate that is revoked, unknown here, or out of date."""
        now = now or self._clock()
        status = self.status(certificate.serial_number)
        if status.state == "revoked":
            raise Conflict(
                Text("证书已被吊销，不能再用于签署", "the certificate is revoked and cannot sign")
            )
        if status.state == "unknown":
            raise NotFound(Text("证书不是本平台签发的", "the certificate was not issued here"))
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise Conflict(Text("证书不在有效期内", "the certificate is not valid at this time"))

    def _revoked(self, kinds: tuple[Kind, ...], now: datetime) -> list[RevokedEntry]:
        with self._uow() as uow:
            rows = uow.session.execute(
                select(
                    IssuedCertificateRow.serial,
                    IssuedCertificateRow.revoked_at,
                    IssuedCertificateRow.revocation_reason,
                    IssuedCertificateRow.not_after,
                ).where(
                    IssuedCertificateRow.revoked_at.is_not(None),
                    IssuedCertificateRow.kind.in_([k.value for k in kinds]),
                )
            ).all()
        return [
            RevokedEntry(int(serial, 16), _aware(revoked_at), x509.ReasonFlags(reason))
            for serial, revoked_at, reason, not_after in rows
            # Expired certificates may leave the CRL (RFC 5280 §3.3); short-lived worker
            # certificates would otherwise make it grow without bound.
            if revoked_at is not None and _aware(not_after) >= now
        ]

    def crl(self, *, now: datetime | None = None) -> bytes:
        """The issuing CA's CRL (DER): revoked TSA, organisation and worker certificates."""
        now = now or self._clock()
        revoked = self._revoked((Kind.TSA, Kind.ORGANISATION, Kind.WORKER), now)
        return build_crl(self.issuing_signer, self.issuing, revoked, now)

    def root_crl(self, *, now: datetime | None = None) -> bytes:
        """The root's CRL (DER): lists the issuing CA if it was ever revoked."""
        now = now or self._clock()
        return build_crl(self.root_signer, self.root, self._revoked((Kind.ISSUING,), now), now)

    def ocsp_response(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        return build_ocsp_response(
            self.issuing_signer, self.issuing, request_der, self.status, now or self._clock()
        )
