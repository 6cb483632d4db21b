"""The built-in RFC 3161 time-stamping authority.

Tokens are CMS SignedData over a TSTInfo, signed through the key store with the TSA
certificate (extended key usage timeStamping, critical), with the ESS signing-certificate-v2
attribute (RFC 5816) so that a verifier knows which certificate was meant. Serial numbers
are rows of `tsa_serials`: unique across restarts and processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from laborsign.db.uow import UnitOfWork
from laborsign.errors import LaborSignError
from laborsign.pki.ca import Clock, utc_now
from laborsign.pki.tables import TimestampSerialRow
from laborsign.pki.tsa import check_imprint
from laborsign.signing import der
from laborsign.signing.keys import KeyStore
from laborsign.signing.signer import to_asn1

_CMS_V1 = der.integer(1)
_CMS_V3 = der.integer(3)
# The precision we promise: gen_time is whole seconds, the clock is assumed NTP-disciplined.
ACCURACY_SECONDS = 1
MAX_REQUEST_BYTES = 4096


class _Rejected(Exception):
    def __init__(self, fail_info: str, text: str) -> None:
        super().__init__(text)
        self.fail_info = fail_info
        self.text = text


class BuiltInTsa:
    """`TimeStamper` (in-process) and the engine behind `POST /tsa`."""

    def __init__(
        self,
        store: KeyStore,
        label: str,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate],
        policy_oid: str,
        uow: Callable[[], UnitOfWork],
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._label = label
        self._certificate = to_asn1(certificate)
        self._chain = [to_asn1(c) for c in chain]
        self._policy = policy_oid
        # The constant parts of every token, encoded once: asn1crypto rebuilds and re-encodes
        # structures made from Python values, which for the certificates and names costs
        # more than the signature. `_token` frames only what changes around them.
        self._certificates_der = der.set_of(
            [self._certificate.dump(), *(c.dump() for c in self._chain)], tag=0xA0
        )
        self._signing_certificate_attr = _dump(
            cms.CMSAttribute(
                {"type": "signing_certificate_v2", "values": [self._signing_certificate()]}
            )
        )
        self._content_type_attr = _dump(
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]})
        )
        self._message_digest_oid = _dump(cms.CMSAttributeType("message_digest"))
        self._tst_info_head = _dump(tsp.Version("v1")) + _dump(core.ObjectIdentifier(policy_oid))
        self._imprint_algorithm = _dump(algos.DigestAlgorithm({"algorithm": "sha256"}))
        self._accuracy = _dump(tsp.Accuracy({"seconds": ACCURACY_SECONDS}))
        self._tsa_name = der.tlv(
            0xA0,
            _dump(asn1_x509.GeneralName(name="directory_name", value=self._certificate.subject)),
        )
        self._sid_der = _dump(
            cms.IssuerAndSerialNumber(
                {
                    "issuer": self._certificate.issuer,
                    "serial_number": self._certificate.serial_number,
                }
            )
        )
        self._tst_info_type = _dump(cms.ContentType("tst_info"))
        self._signed_data_type = _dump(cms.ContentType("signed_data"))
        self._uow = uow
        self._clock = clock
        self._signature_algorithm = _dump(
            algos.SignedDigestAlgorithm(
                {
                    "algorithm": "sha256_ecdsa"
                    if isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
                    else "sha256_rsa"
                }
            )
        )

    @property
    def policy(self) -> str:
        return self._policy

    def timestamp(self, message_imprint_sha256: bytes, nonce: int | None = None) -> bytes:
        return self._token(check_imprint(message_imprint_sha256), nonce, True, self._clock())

    def respond(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        """A TimeStampResp (DER) for a TimeStampReq (DER); bad requests get a rejection."""
        try:
            imprint, nonce, cert_req = self._parse(request_der)
            token = self._token(imprint, nonce, cert_req, now or self._clock())
            response: core.Sequence = tsp.TimeStampResp(
                {"status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(token)}
            )
        except _Rejected as rejected:
            response = _rejection(rejected.fail_info, rejected.text)
        except LaborSignError as exc:
            # Key store or database unavailable: say so, never answer without a signature.
            response = _rejection("system_failure", exc.message.en)
        encoded: bytes = response.dump()
        return encoded

    def _parse(self, request_der: bytes) -> tuple[bytes, int | None, bool]:
        if len(request_der) > MAX_REQUEST_BYTES:
            raise _Rejected("bad_request", "request too large")
        try:
            request = tsp.TimeStampReq.load(request_der, strict=True)
            request.native  # noqa: B018 - parses every field now, so errors surface here
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            hashed = imprint["hashed_message"].native
        except (ValueError, TypeError) as exc:
            raise _Rejected("bad_data_format", "malformed request") from exc
        if request["version"].native != "v1":
            raise _Rejected("bad_request", "unsupported request version")
        if algorithm != "sha256" or len(hashed) != 32:
            raise _Rejected("bad_alg", "only SHA-256 message imprints are accepted")
        policy = request["req_policy"].native
        if policy is not None and policy != self._policy:
            raise _Rejected("unaccepted_policy", f"policy {policy} is not offered")
        if request["extensions"].native:
            raise _Rejected("unaccepted_extension", "extensions are not supported")
        nonce = request["nonce"].native
        return hashed, nonce, bool(request["cert_req"].native)

    def _serial(self, imprint: bytes, now: datetime) -> int:
        with self._uow() as uow:
            row = TimestampSerialRow(message_imprint=imprint, gen_time=now, policy=self._policy)
            uow.session.add(row)
            uow.session.flush()
            serial = row.serial
            uow.commit()
        return serial

    def _token(
        self, imprint: bytes, nonce: int | None, include_certs: bool, now: datetime
    ) -> bytes:
        """A TimeStampToken (RFC 3161 §2.4.2, DER): CMS SignedData over the TSTInfo."""
        now = now.replace(microsecond=0)
        tst_info = der.sequence(
            self._tst_info_head,
            der.sequence(self._imprint_algorithm, der.octet_string(imprint)),
            der.integer(self._serial(imprint, now)),
            # Whole seconds in UTC: DER has no fraction of zero and ends in Z (X.690 §11.7).
            der.tlv(der.GENERALIZED_TIME, now.astimezone(UTC).strftime("%Y%m%d%H%M%SZ").encode()),
            self._accuracy,
            # `ordering` stays at its DEFAULT (false), which DER leaves out.
            der.integer(nonce) if nonce is not None else b"",
            self._tsa_name,
        )
        signed_attrs = [
            self._content_type_attr,
            der.sequence(
                self._message_digest_oid,
                der.set_of([der.octet_string(hashlib.sha256(tst_info).digest())]),
            ),
            self._signing_certificate_attr,
        ]
        # The signature covers the attributes' DER with the SET OF tag (RFC 5652 §5.4); in
        # the SignerInfo they carry the [0] IMPLICIT tag instead.
        signature = self._store.sign(self._label, der.set_of(signed_attrs), "sha256")
        signer_info = der.sequence(
            _CMS_V1,
            self._sid_der,
            self._imprint_algorithm,
            der.set_of(signed_attrs, tag=0xA0),
            self._signature_algorithm,
            der.octet_string(signature),
        )
        signed_data = der.sequence(
            _CMS_V3,
            der.set_of([self._imprint_algorithm]),
            der.sequence(self._tst_info_type, der.tlv(0xA0, der.octet_string(tst_info))),
            self._certificates_der if include_certs else b"",
            der.set_of([signer_info]),
        )
        return der.sequence(self._signed_data_type, der.tlv(0xA0, signed_data))

    def _signing_certificate(self) -> tsp.SigningCertificateV2:
        # hashAlgorithm left out: its DEFAULT is SHA-256, and DER omits defaults.
        return tsp.SigningCertificateV2(
            {
                "certs": [
                    {
                        "cert_hash": hashlib.sha256(self._certificate.dump()).digest(),
                        "issuer_serial": {
                            "issuer": [
                                asn1_x509.GeneralName(
                                    name="directory_name", value=self._certificate.issuer
                                )
                            ],
                            "serial_number": self._certificate.serial_number,
                        },
                    }
                ]
            }
        )


def _dump(value: core.Asn1Value) -> bytes:
    encoded: bytes = value.dump()
    return encoded


class StatusOnlyResp(core.Sequence):  # type: ignore[misc]
    """TimeStampResp without a token: asn1crypto's class wrongly requires one."""

    _fields = [("status", tsp.PKIStatusInfo)]  # noqa: RUF012 - asn1crypto reads it as is


def _rejection(fail_info: str, text: str) -> StatusOnlyResp:
    return StatusOnlyResp(
        {
            "status": {
                "status": "rejection",
                "status_string": [text],
                "fail_info": tsp.PKIFailureInfo({fail_info}),
            }
        }
    )
