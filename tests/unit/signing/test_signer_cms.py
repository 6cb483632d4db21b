"""The key-store signer's PAdES container is byte for byte the one pyHanko builds."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.api import TimeStamper

from laborsign.signing.ephemeral import LocalPki
from laborsign.signing.keys import KeyRef
from laborsign.signing.signer import KeyStoreSigner

DIGEST = bytes(range(32))


class StableStore:
    """A key store whose "signature" is a function of the data: equal inputs, equal bytes."""

    def sign(self, label: str, data: bytes, hash_algorithm: str = "sha256") -> bytes:
        return hashlib.sha512(label.encode() + data).digest()

    def generate(self, label: str, algorithm: Any) -> KeyRef:
        raise NotImplementedError

    def public_key(self, label: str) -> Any:
        raise NotImplementedError

    def destroy(self, label: str) -> None:
        raise NotImplementedError

    def exists(self, label: str) -> bool:
        return True


class FixedTimeStamper(TimeStamper):
    """Answers every request with one token, as parsed from its DER."""

    def __init__(self, token: bytes) -> None:
        super().__init__()
        self._token = token

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        return cms.ContentInfo.load(self._token)


class NoGenericAttributes(KeyStoreSigner):
    """Fails if pyHanko's generic attribute assembly is used."""

    async def signed_attrs(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the generic path was taken")


@pytest.fixture(scope="module")
def pki() -> LocalPki:
    return LocalPki.create()


@pytest.fixture(scope="module")
def token(pki: LocalPki) -> bytes:
    dumped: bytes = asyncio.run(pki.timestamper().async_timestamp(DIGEST, "sha256")).dump()
    return dumped


def _rsa_certificate(pki: LocalPki) -> x509.Certificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "RSA signer")]))
        .issuer_name(pki.issuing.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(pki.issuing.key, hashes.SHA256())
    )


def _signers(pki: LocalPki, cls: type[KeyStoreSigner] = KeyStoreSigner) -> list[KeyStoreSigner]:
    chain = [pki.issuing.cert, pki.root.cert]
    person = pki.person("杭州示例科技有限公司")
    assert isinstance(person.key, ec.EllipticCurvePrivateKey)
    return [
        cls(StableStore(), "org-ec", person.cert, chain),  # type: ignore[arg-type]
        cls(StableStore(), "org-rsa", _rsa_certificate(pki), chain),  # type: ignore[arg-type]
        cls(StableStore(), "alone", person.cert, ()),  # type: ignore[arg-type]
    ]


def _both(signer: KeyStoreSigner, digest: str = "sha256", **kwargs: Any) -> tuple[bytes, bytes]:
    """Our container and the one pyHanko's own `Signer.async_sign` builds for the same input
    (the same stable "signature", the same token)."""
    ours = asyncio.run(signer.async_sign(DIGEST, digest, **kwargs))
    generic = asyncio.run(Signer.async_sign(signer, DIGEST, digest, **kwargs))
    ours_der: bytes = ours.dump()
    generic_der: bytes = generic.dump(force=True)
    return ours_der, generic_der


@pytest.mark.parametrize("with_timestamp", [True, False])
def test_the_pades_container_is_the_one_pyhanko_builds(
    pki: LocalPki, token: bytes, with_timestamp: bool
) -> None:
    timestamper = FixedTimeStamper(token) if with_timestamp else None
    settings = PdfCMSSignedAttributes(signing_time=datetime.now(UTC))
    for signer in _signers(pki):
        ours, generic = _both(
            signer, use_pades=True, timestamper=timestamper, signed_attr_settings=settings
        )
        assert ours == generic


def test_the_pades_container_does_not_go_through_pyhankos_attribute_assembly(
    pki: LocalPki, token: bytes
) -> None:
    for signer in _signers(pki, NoGenericAttributes):
        container = asyncio.run(
            signer.async_sign(DIGEST, "sha256", use_pades=True, timestamper=FixedTimeStamper(token))
        )
        signer_info = container["content"]["signer_infos"][0]
        attributes = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
        assert attributes["message_digest"].native == DIGEST
        unsigned = signer_info["unsigned_attrs"][0]
        assert unsigned["type"].native == "signature_time_stamp_token"
        assert unsigned["values"][0].dump() == token


@pytest.mark.parametrize(
    "kwargs",
    [
        {"use_pades": True, "dry_run": True},
        {"use_pades": False},
        {"use_pades": True, "digest": "sha384"},
    ],
)
def test_other_containers_are_left_to_pyhanko(
    pki: LocalPki, token: bytes, kwargs: dict[str, Any]
) -> None:
    signer = _signers(pki)[0]
    settings = PdfCMSSignedAttributes(signing_time=datetime(2025, 5, 1, tzinfo=UTC))
    ours, generic = _both(
        signer, timestamper=FixedTimeStamper(token), signed_attr_settings=settings, **kwargs
    )
    assert ours == generic
