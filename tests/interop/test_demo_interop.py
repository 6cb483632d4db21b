"""The demo's contract, checked by outside verifiers with only the roots in DIR/trust:
pdfsig (NSS database trusting DIR/trust/root.pem), `openssl cms -verify` and
`openssl ts -verify`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.interop.verifiers import (
    assert_openssl_cms_accepts,
    assert_openssl_ts_accepts,
    assert_pdfsig_accepts,
    nss_database,
    run,
)

from laborsign.cli import main

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    env = {"LABORSIGN_HOME": str(folder / "home"), "LABORSIGN_DATABASE_URL": ""}
    outcome = CliRunner().invoke(main, ["demo", "--out", str(folder / "out")], env=env)
    assert outcome.exit_code == 0, outcome.output
    return folder / "out"


def test_pdfsig_trusts_both_signatures_offline(demo: Path, tmp_path: Path) -> None:
    # Offline: the demo's certificates name an OCSP responder at the platform's address,
    # which is not being served here.
    nss = nss_database(tmp_path, demo / "trust" / "root.pem")
    assert_pdfsig_accepts(nss, demo / "contract.pdf", offline=True)


def test_openssl_cms_verifies_both_signatures(demo: Path, tmp_path: Path) -> None:
    data = (demo / "contract.pdf").read_bytes()
    assert assert_openssl_cms_accepts(data, demo / "trust" / "root.pem", tmp_path) == 2


def test_openssl_ts_verifies_every_timestamp(demo: Path, tmp_path: Path) -> None:
    untrusted = tmp_path / "intermediates.pem"
    untrusted.write_bytes(
        (demo / "trust" / "issuing.pem").read_bytes() + (demo / "trust" / "tsa.pem").read_bytes()
    )
    data = (demo / "contract.pdf").read_bytes()
    count = assert_openssl_ts_accepts(data, demo / "trust" / "root.pem", untrusted, tmp_path)
    assert count == 3  # two signature timestamps and the document timestamp


def test_qpdf_finds_no_structural_errors(demo: Path) -> None:
    result = run("qpdf", "--check", demo / "contract.pdf")
    assert result.returncode == 0, result.stdout + result.stderr
