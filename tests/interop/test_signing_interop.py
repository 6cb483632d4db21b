"""Outside verifiers agree: pdfsig (with an NSS database trusting the root), openssl ts and
cms, and qpdf."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from tests.unit.signing.testpki import Executed, LocalPki, execute

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def pki() -> LocalPki:
    return LocalPki.create()


@pytest.fixture(scope="module")
def executed(pki: LocalPki) -> Executed:
    return execute(pki)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, pki: LocalPki, executed: Executed) -> Path:
    folder = tmp_path_factory.mktemp("interop")
    (folder / "contract.pdf").write_bytes(executed.completed)
    (folder / "root.pem").write_bytes(pki.root.pem)
    return folder


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)


def test_pdfsig_reports_both_signatures_valid_and_trusted(files: Path) -> None:
    nss = files / "nss"
    nss.mkdir()
    assert _run("certutil", "-N", "-d", f"sql:{nss}", "--empty-password").returncode == 0
    added = _run(
        "certutil", "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "CT,C,C", "-i", files / "root.pem"
    )
    assert added.returncode == 0, added.stderr
    result = _run("pdfsig", "-nssdir", f"sql:{nss}", files / "contract.pdf")
    blocks = re.split(r"Signature #\d+:", result.stdout)[1:]
    regular = [b for b in blocks if "LaborSign-Worker" in b or "LaborSign-Employer" in b]
    assert len(regular) == 2, result.stdout
    for block in regular:
        assert "Signature Validation: Signature is Valid." in block, block
        assert "Certificate Validation: Certificate is Trusted." in block, block


def _signatures(data: bytes) -> list[tuple[bytes, bytes]]:
    """(CMS, signed bytes) of every signature and document timestamp."""
    reader = PdfFileReader(BytesIO(data))
    found = []
    for sig in reader.embedded_signatures:
        a, b, c, d = (int(v) for v in sig.byte_range)
        found.append((sig.pkcs7_content, data[a : a + b] + data[c : c + d]))
    return found


def test_each_signature_cms_verifies_with_openssl(
    files: Path, executed: Executed, tmp_path: Path
) -> None:
    regular = [
        pair
        for pair in _signatures(executed.completed)
        if cms.ContentInfo.load(pair[0])["content"]["encap_content_info"]["content_type"].native
        == "data"
    ]
    assert len(regular) == 2
    for number, (der, content) in enumerate(regular):
        (tmp_path / f"{number}.p7s").write_bytes(der)
        (tmp_path / f"{number}.bin").write_bytes(content)
        result = _run(
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", tmp_path / f"{number}.p7s", "-content", tmp_path / f"{number}.bin",
            "-CAfile", files / "root.pem", "-purpose", "any", "-out", "/dev/null",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "Verification successful" in result.stderr


def _timestamp_tokens(data: bytes) -> list[tuple[bytes, bytes]]:
    """(token, the bytes it stamps): signature timestamps stamp the signature value,
    document timestamps stamp the signed byte ranges."""
    tokens = []
    for der, content in _signatures(data):
        info = cms.ContentInfo.load(der)
        signed = info["content"]
        if signed["encap_content_info"]["content_type"].native == "tst_info":
            tokens.append((der, content))
            continue
        signer_info = signed["signer_infos"][0]
        for attribute in signer_info["unsigned_attrs"]:
            if attribute["type"].native == "signature_time_stamp_token":
                token = attribute["values"][0].dump()
                tokens.append((token, signer_info["signature"].native))
    return tokens


def test_every_timestamp_token_verifies_with_openssl_ts(
    files: Path, executed: Executed, tmp_path: Path, pki: LocalPki
) -> None:
    tokens = _timestamp_tokens(executed.completed)
    assert len(tokens) == 3  # two signature timestamps and the document timestamp
    for number, (token, stamped) in enumerate(tokens):
        (tmp_path / f"{number}.tst").write_bytes(token)
        (tmp_path / f"{number}.data").write_bytes(stamped)
        (tmp_path / "tsa.pem").write_bytes(pki.tsa.pem)
        result = _run(
            "openssl", "ts", "-verify", "-token_in", "-in", tmp_path / f"{number}.tst",
            "-data", tmp_path / f"{number}.data", "-CAfile", files / "root.pem",
            "-untrusted", tmp_path / "tsa.pem",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Verification: OK" in result.stdout


def test_qpdf_check_reports_no_errors(files: Path) -> None:
    result = _run("qpdf", "--check", files / "contract.pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout
