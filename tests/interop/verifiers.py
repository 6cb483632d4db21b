"""Running the outside verifiers on a signed PDF: pdfsig with an NSS database trusting a root,
`openssl cms -verify` on each signature, `openssl ts -verify` on each timestamp token."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

PARTY_FIELDS = ("LaborSign-Worker", "LaborSign-Employer")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)


def nss_database(folder: Path, root_pem: Path) -> Path:
    """An NSS database (for pdfsig) that trusts `root_pem` for e-mail and object signing."""
    nss = folder / "nss"
    nss.mkdir()
    created = run("certutil", "-N", "-d", f"sql:{nss}", "--empty-password")
    assert created.returncode == 0, created.stderr
    added = run("certutil", "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "CT,C,C", "-i", root_pem)
    assert added.returncode == 0, added.stderr
    return nss


def pdfsig_party_blocks(nss: Path, pdf: Path, *, offline: bool = False) -> list[str]:
    """pdfsig's report block for each party's signature (document timestamps left out).

    `offline`: no online OCSP check (pdfsig asks the responder named in a certificate by
    default, and a verifier of a contract may have no network at all)."""
    options = ["-no-ocsp"] if offline else []
    result = run("pdfsig", *options, "-nssdir", f"sql:{nss}", pdf)
    blocks = re.split(r"Signature #\d+:", result.stdout)[1:]
    return [b for b in blocks if any(name in b for name in PARTY_FIELDS)]


def assert_pdfsig_accepts(nss: Path, pdf: Path, *, offline: bool = False) -> None:
    blocks = pdfsig_party_blocks(nss, pdf, offline=offline)
    assert len(blocks) == 2, blocks
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block, block
        assert "Certificate Validation: Certificate is Trusted." in block, block


def signatures(data: bytes) -> list[tuple[bytes, bytes]]:
    """(CMS, signed bytes) of every signature and document timestamp."""
    reader = PdfFileReader(BytesIO(data))
    found = []
    for sig in reader.embedded_signatures:
        a, b, c, d = (int(v) for v in sig.byte_range)
        found.append((sig.pkcs7_content, data[a : a + b] + data[c : c + d]))
    return found


def _content_type(der: bytes) -> str:
    content_type: str = cms.ContentInfo.load(der)["content"]["encap_content_info"][
        "content_type"
    ].native
    return content_type


def party_signatures(data: bytes) -> list[tuple[bytes, bytes]]:
    """(CMS, signed bytes) of the parties' signatures only."""
    return [pair for pair in signatures(data) if _content_type(pair[0]) == "data"]


def timestamp_tokens(data: bytes) -> list[tuple[bytes, bytes]]:
    """(token, the bytes it stamps): signature timestamps stamp the signature value,
    document timestamps stamp the signed byte ranges."""
    tokens = []
    for der, content in signatures(data):
        signed = cms.ContentInfo.load(der)["content"]
        if signed["encap_content_info"]["content_type"].native == "tst_info":
            tokens.append((der, content))
            continue
        signer_info = signed["signer_infos"][0]
        for attribute in signer_info["unsigned_attrs"]:
            if attribute["type"].native == "signature_time_stamp_token":
                token = attribute["values"][0].dump()
                tokens.append((token, signer_info["signature"].native))
    return tokens


def assert_openssl_cms_accepts(data: bytes, root_pem: Path, work: Path) -> int:
    """Every party signature verifies with `openssl cms`; returns how many there were."""
    regular = party_signatures(data)
    for number, (der, content) in enumerate(regular):
        (work / f"{number}.p7s").write_bytes(der)
        (work / f"{number}.bin").write_bytes(content)
        result = run(
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", work / f"{number}.p7s", "-content", work / f"{number}.bin",
            "-CAfile", root_pem, "-purpose", "any", "-out", "/dev/null",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "Verification successful" in result.stderr
    return len(regular)


def assert_openssl_ts_accepts(data: bytes, root_pem: Path, untrusted: Path, work: Path) -> int:
    """Every timestamp token verifies with `openssl ts`; returns how many there were."""
    tokens = timestamp_tokens(data)
    for number, (token, stamped) in enumerate(tokens):
        (work / f"{number}.tst").write_bytes(token)
        (work / f"{number}.data").write_bytes(stamped)
        result = run(
            "openssl", "ts", "-verify", "-token_in", "-in", work / f"{number}.tst",
            "-data", work / f"{number}.data", "-CAfile", root_pem, "-untrusted", untrusted,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Verification: OK" in result.stdout
    return len(tokens)
