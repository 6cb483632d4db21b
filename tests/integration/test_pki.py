"""The built-in CA, OCSP, CRL and TSA on both databases, through the container and HTTP."""

from __future__ import annotations

import base64
import hashlib
import socket
from pathlib import Path

import httpx
import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from fastapi.testclient import TestClient

from laborsign.bootstrap import Container
from laborsign.errors import Conflict, InvalidInput, ServiceUnavailable
from laborsign.pki.tsa_client import HttpTsaClient
from laborsign.pki.tsa_server import StatusOnlyResp
from laborsign.pki.tsa_verify import verify_token
from laborsign.settings import Settings
from laborsign.web.app import create_app

CREDIT_CODE = "91110000600037341L"


def _organisation(container: Container) -> x509.Certificate:
    ref = container.key_store.generate("org-test", "ec-p256")
    return container.ca.issue_organisation_certificate(
        ref.public_key, "测试科技有限公司", CREDIT_CODE
    )


def test_chain_and_profiles(container: Container) -> None:
    ca = container.ca
    certificate = _organisation(container)
    certificate.verify_directly_issued_by(ca.issuing)
    ca.issuing.verify_directly_issued_by(ca.root)
    ca.tsa_certificate.verify_directly_issued_by(ca.issuing)
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature and not usage.key_cert_sign
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == f"{container.settings.base_url}/pki/crl"  # type: ignore[index]
    tsa_usage = ca.tsa_certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert tsa_usage.critical
    assert certificate.serial_number.bit_length() > 64
    assert f"NTRCN-{CREDIT_CODE}" in certificate.subject.rfc4514_string()


def test_init_is_idempotent_and_keeps_the_ca(container: Container) -> None:
    root = container.ca.root
    assert not any("built-in CA" in line for line in container.init())
    again = Container(container.settings)
    assert again.ca.root == root
    again.engine.dispose()


def test_worker_certificate_never_carries_an_id_number(container: Container) -> None:
    ref = container.key_store.generate("worker-test", "ec-p256")
    with pytest.raises(InvalidInput):
        container.ca.issue_worker_certificate(ref.public_key, "张三", "11010519491231002X")
    certificate = container.ca.issue_worker_certificate(ref.public_key, "张三", "w-7f3a9c")
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime.total_seconds() <= 35 * 60


def _ocsp_request(container: Container, certificate: x509.Certificate) -> bytes:
    return (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, container.ca.issuing, hashes.SHA1())  # noqa: S303
        .add_extension(x509.OCSPNonce(b"0123456789abcdef"), critical=False)
        .build()
        .public_bytes(serialization.Encoding.DER)
    )


def test_revocation_shows_in_ocsp_and_crl_and_stops_signing(container: Container) -> None:
    ca = container.ca
    certificate = _organisation(container)
    client = TestClient(create_app(container))
    request = _ocsp_request(container, certificate)
    answer = client.post(
        "/pki/ocsp", content=request, headers={"content-type": "application/ocsp-request"}
    )
    response = ocsp.load_der_ocsp_response(answer.content)
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    ca.issuing.public_key().verify(  # type: ignore[call-arg, union-attr]
        response.signature,
        response.tbs_response_bytes,
        __import__("cryptography.hazmat.primitives.asymmetric.ec", fromlist=["ECDSA"]).ECDSA(
            hashes.SHA256()
        ),
    )
    assert (
        response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        == b"0123456789abcdef"
    )
    ca.check_usable(certificate)

    ca.revoke(certificate.serial_number, x509.ReasonFlags.key_compromise)
    with pytest.raises(Conflict):
        ca.check_usable(certificate)
    with pytest.raises(Conflict):
        ca.revoke(certificate.serial_number)
    encoded = base64.b64encode(request).decode()
    response = ocsp.load_der_ocsp_response(client.get(f"/pki/ocsp/{encoded}").content)
    assert response.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert response.revocation_reason == x509.ReasonFlags.key_compromise
    crl_reply = client.get("/pki/crl")
    assert crl_reply.headers["content-type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(crl_reply.content)
    assert crl.is_signature_valid(ca.issuing.public_key())  # type: ignore[arg-type]
    assert crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None


def test_tsa_token_in_process(container: Container) -> None:
    imprint = hashlib.sha256(b"contract").digest()
    first = container.timestamper.timestamp(imprint, nonce=42)
    second = container.timestamper.timestamp(imprint, nonce=43)
    pinned = [container.ca.root]
    one = verify_token(first, imprint, 42, pinned, container.settings.tsa_policy_oid)
    two = verify_token(second, imprint, 43, pinned)
    assert one.serial != two.serial
    with pytest.raises(ValueError, match="nonce"):
        verify_token(first, imprint, 43, pinned)
    with pytest.raises(ValueError, match="imprint"):
        verify_token(first, hashlib.sha256(b"other").digest(), 42, pinned)


def _query(imprint: bytes, nonce: int, algorithm: str = "sha256") -> bytes:
    der: bytes = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": algorithm},
                "hashed_message": imprint,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()
    return der


def test_tsa_over_http(container: Container) -> None:
    client = TestClient(create_app(container))
    imprint = hashlib.sha256(b"contract").digest()
    reply = client.post(
        "/tsa", content=_query(imprint, 7), headers={"content-type": "application/timestamp-query"}
    )
    assert reply.headers["content-type"] == "application/timestamp-reply"
    response = tsp.TimeStampResp.load(reply.content)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["nonce"].native == 7
    assert info["policy"].native == container.settings.tsa_policy_oid

    bad = client.post(
        "/tsa",
        content=_query(hashlib.sha1(b"x").digest(), 8, "sha1"),  # noqa: S324
        headers={"content-type": "application/timestamp-query"},
    )
    rejected = StatusOnlyResp.load(bad.content)
    assert rejected["status"]["status"].native == "rejection"
    assert "bad_alg" in rejected["status"]["fail_info"].native
    garbage = client.post(
        "/tsa", content=b"\x30\x03abc", headers={"content-type": "application/timestamp-query"}
    )
    assert StatusOnlyResp.load(garbage.content)["status"]["status"].native == "rejection"
    wrong_type = client.post("/tsa", content=b"x", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_external_tsa_unreachable_fails_closed(container: Container) -> None:
    client = HttpTsaClient(f"http://127.0.0.1:{_closed_port()}/tsa", [container.ca.root], timeout=2)
    with pytest.raises(ServiceUnavailable):
        client.timestamp(hashlib.sha256(b"contract").digest())


class _ToApp(httpx.BaseTransport):
    """Hands the client's requests to the app in-process (no socket needed)."""

    def __init__(self, container: Container) -> None:
        self._client = TestClient(create_app(container))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reply = self._client.post(
            request.url.path, content=request.read(), headers=dict(request.headers)
        )
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)


def test_external_tsa_client_checks_the_pinned_chain(container: Container) -> None:
    imprint = hashlib.sha256(b"contract").digest()
    transport = _ToApp(container)
    good = HttpTsaClient(
        "http://tsa.test/tsa",
        [container.ca.root],
        policy_oid=container.settings.tsa_policy_oid,
        transport=transport,
    )
    token = good.timestamp(imprint)
    assert verify_token(token, imprint, None, [container.ca.root]).serial > 0
    other = _other_root(container.settings.home.parent)
    pinned_elsewhere = HttpTsaClient("http://tsa.test/tsa", [other], transport=transport)
    with pytest.raises(ServiceUnavailable):
        pinned_elsewhere.timestamp(imprint)
    wrong_policy = HttpTsaClient(
        "http://tsa.test/tsa", [container.ca.root], policy_oid="1.2.3.4", transport=transport
    )
    with pytest.raises(ServiceUnavailable):
        wrong_policy.timestamp(imprint)


def _other_root(where: Path) -> x509.Certificate:
    other = Container(Settings(home=where / "other", database_url=f"sqlite:///{where / 'o.db'}"))
    other.init()
    root = other.ca.root
    other.engine.dispose()
    return root


def test_locked_key_store_fails_closed(container: Container) -> None:
    (container.settings.home / "master.key").write_bytes(bytes(32))
    locked = Container(container.settings)
    with pytest.raises(ServiceUnavailable, match="locked"):
        locked.timestamper.timestamp(hashlib.sha256(b"x").digest())
    locked.engine.dispose()
