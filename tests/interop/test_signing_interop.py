"""Outside verifiers agree: pdfsig (with an NSS database trusting the root), openssl ts and
cms, and qpdf."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.interop.verifiers import (
    assert_openssl_cms_accepts,
    assert_openssl_ts_accepts,
    assert_pdfsig_accepts,
    nss_database,
    run,
)
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
    (folder / "tsa.pem").write_bytes(pki.tsa.pem)
    return folder


def test_pdfsig_reports_both_signatures_valid_and_trusted(files: Path) -> None:
    assert_pdfsig_accepts(nss_database(files, files / "root.pem"), files / "contract.pdf")


def test_each_signature_cms_verifies_with_openssl(
    files: Path, executed: Executed, tmp_path: Path
) -> None:
    assert assert_openssl_cms_accepts(executed.completed, files / "root.pem", tmp_path) == 2


def test_every_timestamp_token_verifies_with_openssl_ts(
    files: Path, executed: Executed, tmp_path: Path
) -> None:
    # Two signature timestamps and the document timestamp.
    count = assert_openssl_ts_accepts(
        executed.completed, files / "root.pem", files / "tsa.pem", tmp_path
    )
    assert count == 3


def test_qpdf_check_reports_no_errors(files: Path) -> None:
    result = run("qpdf", "--check", files / "contract.pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout
