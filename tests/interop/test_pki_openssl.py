"""OpenSSL, an independent implementation, accepts our chain, tokens, OCSP answers and CRL."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from laborsign.bootstrap import Container

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed"),
]


def _openssl(*args: str | Path) -> str:
    done = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def _pem(path: Path, *certificates: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates))
    return path


@pytest.fixture
def sqlite_container(tmp_path: Path) -> Container:
    from laborsign.settings import Settings

    container = Container(
        Settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path}/t.db")
    )
    container.init()
    return container


def test_openssl_verifies_the_chains(sqlite_container: Container, tmp_path: Path) -> None:
    ca = sqlite_container.ca
    ref = sqlite_container.key_store.generate("org", "ec-p256")
    organisation = ca.issue_organisation_certificate(
        ref.public_key, "测试公司", "91110000600037341L"
    )
    root = _pem(tmp_path / "root.pem", ca.root)
    issuing = _pem(tmp_path / "issuing.pem", ca.issuing)
    for certificate, purpose in ((organisation, "any"), (ca.tsa_certificate, "timestampsign")):
        leaf = _pem(tmp_path / "leaf.pem", certificate)
        out = _openssl("verify", "-CAfile", root, "-untrusted", issuing, "-purpose", purpose, leaf)
        assert "OK" in out


def test_openssl_ts_verify_accepts_our_token(sqlite_container: Container, tmp_path: Path) -> None:
    data = tmp_path / "contract.bin"
    data.write_bytes(b"labor contract")
    token = sqlite_container.timestamper.timestamp(hashlib.sha256(data.read_bytes()).digest(), 99)
    (tmp_path / "token.der").write_bytes(token)
    ca = sqlite_container.ca
    out = _openssl(
        "ts", "-verify", "-token_in", "-in", tmp_path / "token.der", "-data", data,
        "-CAfile", _pem(tmp_path / "root.pem", ca.root),
        "-untrusted", _pem(tmp_path / "chain.pem", ca.tsa_certificate, ca.issuing),
    )  # fmt: skip
    assert "Verification: OK" in out
    text = _openssl(
        "ts", "-reply", "-token_in", "-in", tmp_path / "token.der", "-text", "-token_out"
    )
    assert "Nonce: 0x63" in text
    assert sqlite_container.settings.tsa_policy_oid in text


def test_openssl_ocsp_and_crl_see_the_revocation(
    sqlite_container: Container, tmp_path: Path
) -> None:
    ca = sqlite_container.ca
    ref = sqlite_container.key_store.generate("org", "ec-p256")
    certificate = ca.issue_organisation_certificate(
        ref.public_key, "测试公司", "91110000600037341L"
    )
    root = _pem(tmp_path / "root.pem", ca.root)
    issuing = _pem(tmp_path / "issuing.pem", ca.issuing)
    leaf = _pem(tmp_path / "leaf.pem", certificate)
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, ca.issuing, hashes.SHA1())  # noqa: S303
        .build()
        .public_bytes(serialization.Encoding.DER)
    )

    def status() -> str:
        (tmp_path / "response.der").write_bytes(ca.ocsp_response(request))
        return _openssl(
            "ocsp", "-respin", tmp_path / "response.der", "-issuer", issuing, "-cert", leaf,
            "-CAfile", root, "-VAfile", issuing,
        )  # fmt: skip

    assert f"{leaf}: good" in status()
    ca.revoke(certificate.serial_number, x509.ReasonFlags.key_compromise)
    assert f"{leaf}: revoked" in status()

    (tmp_path / "crl.der").write_bytes(ca.crl())
    out = _openssl("crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-text")
    assert f"{certificate.serial_number:X}" in out.replace(":", "").upper()
    _openssl("crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-CAfile", issuing)
