"""The built-in RFC 3161 time-stamping authority.

Tokens are CMS SignedData over a TSTInfo, signed through the key store with the TSA
certificate (extended key usage timeStamping, critical), with the ESS signing-certificate-v2
attribute (RFC 5816) so that a verifier knows which certificate was meant. Serial numbers
are rows of `tsa_serials`: unique across restarts and processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from laborsign.db.uow import UnitOfWork
from laborsign.errors import LaborSignError
from laborsign.pki.ca import Clock, utc_now
from laborsign.pki.tables import TimestampSerialRow
from laborsign.pki.tsa import check_imprint
from laborsign.signing.keys import KeyStore
from laborsign.signing.signer import to_asn1

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
        # Encoded once: asn1crypto re-encodes freshly built structures, which for whole
        # certificates costs more than the signature.
        self._certificates_der = cms.CertificateSet([self._certificate, *self._chain]).dump()
        self._signing_certificate_der = self._signing_certificate().dump()
        self._tsa_name_der = asn1_x509.GeneralName(
            name="directory_name", value=self._certificate.subject
        ).dump()
        self._sid_der = cms.IssuerAndSerialNumber(
            {"issuer": self._certificate.issuer, "serial_number": self._certificate.serial_number}
        ).dump()
        self._uow = uow
        self._clock = clock
        self._mechanism = (
            "sha256_ecdsa"
            if isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
            else "sha256_rsa"
        )

    @property
    def policy(self) -> str:
        return self._policy

    def timestamp(self, message_imprint_sha256: bytes, nonce: int | None = None) -> bytes:
        token = self._token(check_imprint(message_imprint_sha256), nonce, True, self._clock())
        der: bytes = token.dump()
        return der

    def respond(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        """A TimeStampResp (DER) for a TimeStampReq (DER); bad requests get a rejection."""
        try:
            imprint, nonce, cert_req = self._parse(request_der)
            token = self._token(imprint, nonce, cert_req, now or self._clock())
            response: core.Sequence = tsp.TimeStampResp(
                {"status": {"status": "granted"}, "time_stamp_token": token}
            )
        except _Rejected as rejected:
            response = _rejection(rejected.fail_info, rejected.text)
        except LaborSignError as exc:
            # Key store or database unavailable: say so, never answer without a signature.
            response = _rejection("system_failure", exc.message.en)
        der: bytes = response.dump()
        return der

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
    ) -> cms.ContentInfo:
        now = now.replace(microsecond=0)
        fields: dict[str, object] = {
            "version": "v1",
            "policy": self._policy,
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": imprint,
            },
            "serial_number": self._serial(imprint, now),
            "gen_time": now,
            "accuracy": {"seconds": ACCURACY_SECONDS},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self._certificate.subject),
        }
        if nonce is not None:
            fields["nonce"] = nonce
        tst_info = tsp.TSTInfo(fields)
        signed_attrs = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [hashlib.sha256(tst_info.dump()).digest()]},
                {
                    "type": "signing_certificate_v2",
                    "values": [tsp.SigningCertificateV2.load(self._signing_certificate_der)],
                },
            ]
        )
        # The signature covers the attributes' DER with the SET OF tag (RFC 5652 §5.4).
        signature = self._store.sign(self._label, signed_attrs.dump(), "sha256")
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value=cms.IssuerAndSerialNumber.load(self._sid_der),
                ),
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": signed_attrs,
                "signature_algorithm": {"algorithm": self._mechanism},
                "signature": signature,
            }
        )
        signed_data: dict[str, object] = {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": "tst_info", "content": tst_info},
            "signer_infos": [signer_info],
        }
        if include_certs:
            signed_data["certificates"] = cms.CertificateSet.load(self._certificates_der)
        return cms.ContentInfo(
            {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
        )

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
