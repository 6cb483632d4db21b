"""The built-in TSA's tokens, framed around pre-encoded parts, are exactly the DER that
asn1crypto builds from the same values, and they verify."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from laborsign.db.uow import UnitOfWork
from laborsign.pki.tsa_server import ACCURACY_SECONDS, BuiltInTsa
from laborsign.pki.tsa_verify import verify_token
from laborsign.signing.ephemeral import LocalPki
from laborsign.signing.keys import KeyRef
from laborsign.signing.signer import to_asn1

POLICY = "1.3.6.1.4.1.99999.1.1"
IMPRINT = hashlib.sha256(b"contract").digest()
MOMENT = datetime(2025, 6, 30, 23, 59, 58, 750_000, tzinfo=UTC)


class KeyInMemory:
    """The TSA key, or (without one) a stable stand-in signature for byte comparisons."""

    def __init__(self, key: ec.EllipticCurvePrivateKey | None = None) -> None:
        self._key = key

    def sign(self, label: str, data: bytes, hash_algorithm: str = "sha256") -> bytes:
        if self._key is None:
            return hashlib.sha512(data).digest()
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def generate(self, label: str, algorithm: Any) -> KeyRef:
        raise NotImplementedError

    def public_key(self, label: str) -> Any:
        raise NotImplementedError

    def destroy(self, label: str) -> None:
        raise NotImplementedError

    def exists(self, label: str) -> bool:
        return True


def _no_database() -> UnitOfWork:
    raise AssertionError("serials come from the test")


class NumberedTsa(BuiltInTsa):
    """The built-in TSA with serial numbers from a list instead of the database."""

    def __init__(self, pki: LocalPki, store: KeyInMemory, serials: Iterator[int]) -> None:
        super().__init__(
            store,  # type: ignore[arg-type]
            "pki-tsa",
            pki.tsa.cert,
            [pki.root.cert],
            POLICY,
            _no_database,
            clock=lambda: MOMENT,
        )
        self._serials = serials

    def _serial(self, imprint: bytes, now: datetime) -> int:
        return next(self._serials)


def reference_token(
    pki: LocalPki,
    sign: Callable[[bytes], bytes],
    serial: int,
    nonce: int | None,
    include_certs: bool,
    now: datetime,
) -> bytes:
    """The token as asn1crypto builds it from Python values (RFC 3161 §2.4.2, RFC 5816)."""
    certificate = to_asn1(pki.tsa.cert)
    now = now.replace(microsecond=0)
    fields: dict[str, object] = {
        "version": "v1",
        "policy": POLICY,
        "message_imprint": {
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "hashed_message": IMPRINT,
        },
        "serial_number": serial,
        "gen_time": now,
        "accuracy": {"seconds": ACCURACY_SECONDS},
        "tsa": asn1_x509.GeneralName(name="directory_name", value=certificate.subject),
    }
    if nonce is not None:
        fields["nonce"] = nonce
    tst_info = tsp.TSTInfo(fields)
    signing_certificate = tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "cert_hash": hashlib.sha256(certificate.dump()).digest(),
                    "issuer_serial": {
                        "issuer": [
                            asn1_x509.GeneralName(name="directory_name", value=certificate.issuer)
                        ],
                        "serial_number": certificate.serial_number,
                    },
                }
            ]
        }
    )
    signed_attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(tst_info.dump()).digest()]},
            {"type": "signing_certificate_v2", "values": [signing_certificate]},
        ]
    )
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value={"issuer": certificate.issuer, "serial_number": certificate.serial_number},
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature": sign(signed_attrs.dump()),
        }
    )
    signed_data: dict[str, object] = {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "tst_info", "content": tst_info},
        "signer_infos": [signer_info],
    }
    if include_certs:
        signed_data["certificates"] = [certificate, to_asn1(pki.root.cert)]
    encoded: bytes = cms.ContentInfo(
        {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
    ).dump()
    return encoded


@pytest.fixture(scope="module")
def pki() -> LocalPki:
    return LocalPki.create()


@pytest.mark.parametrize("serial", [1, 127, 128, 255, 256, 2**63 + 5])
@pytest.mark.parametrize("nonce", [None, 1, 128, 2**62 + 1])
@pytest.mark.parametrize("include_certs", [True, False])
def test_the_token_is_the_der_asn1crypto_builds(
    pki: LocalPki, serial: int, nonce: int | None, include_certs: bool
) -> None:
    store = KeyInMemory()
    tsa = NumberedTsa(pki, store, iter([serial]))
    token = tsa._token(IMPRINT, nonce, include_certs, MOMENT)
    expected = reference_token(
        pki, lambda data: store.sign("", data), serial, nonce, include_certs, MOMENT
    )
    assert token == expected


def test_gen_time_is_whole_seconds_in_utc_whatever_the_clock_zone(pki: LocalPki) -> None:
    store = KeyInMemory()
    beijing = MOMENT.astimezone(timezone(timedelta(hours=8)))
    token = NumberedTsa(pki, store, iter([7]))._token(IMPRINT, 3, True, beijing)
    assert token == reference_token(pki, lambda d: store.sign("", d), 7, 3, True, beijing)
    tst_info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    assert tst_info["gen_time"].native == MOMENT.replace(microsecond=0)


def test_the_token_verifies_and_the_http_reply_carries_it(pki: LocalPki) -> None:
    assert isinstance(pki.tsa.key, ec.EllipticCurvePrivateKey)
    tsa = NumberedTsa(pki, KeyInMemory(pki.tsa.key), iter([41, 42]))
    info = verify_token(tsa.timestamp(IMPRINT, 99), IMPRINT, 99, [pki.root.cert], POLICY)
    assert (info.serial, info.gen_time, info.policy) == (41, MOMENT.replace(microsecond=0), POLICY)

    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": IMPRINT,
            },
            "nonce": 5,
            "cert_req": True,
        }
    ).dump()
    reply = tsp.TimeStampResp.load(tsa.respond(request))
    assert reply["status"]["status"].native == "granted"
    token = reply["time_stamp_token"].dump()
    assert verify_token(token, IMPRINT, 5, [pki.root.cert], POLICY).serial == 42
