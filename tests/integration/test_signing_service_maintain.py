"""`laborsign maintain ltv` and `refresh_files` on contracts signed with the real trust core."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborsign.bootstrap import Container
from laborsign.cli import main
from laborsign.contracts.examples import example_contract
from laborsign.contracts.render import shared_renderer
from laborsign.pki.tsa_client import HttpTsaClient
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.maintain import Outcome, earliest_expiry, refresh_files
from laborsign.signing.service import Organisation, SigningService, WorkerIdentity
from laborsign.signing.signer import to_asn1
from laborsign.verification import verify_pdf
from laborsign.verification.report import Kind


@pytest.fixture
def signed(container: Container, tmp_path: Path) -> tuple[Path, Path]:
    """A completed and a half-signed contract, as files in one folder."""
    contract = example_contract()
    rendered = shared_renderer().render(contract)
    service = container.signing
    worker = WorkerIdentity(contract.worker.name, contract.worker.id_number)
    pdf = service.prepare(rendered.pdf, rendered.boxes)
    pdf = service.sign_as_worker(pdf, worker, drawn_signature_png(worker.name))
    folder = tmp_path / "contracts"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "half.pdf").write_bytes(pdf)
    organisation = Organisation(contract.employer.name, contract.employer.credit_code)
    completed = service.complete(service.sign_as_employer(pdf, organisation))
    (folder / "done.pdf").write_bytes(completed)
    return folder, folder / "done.pdf"


def test_only_contracts_expiring_within_the_window_are_refreshed(
    container: Container, signed: tuple[Path, Path]
) -> None:
    folder, done = signed
    before = done.read_bytes()
    expiry = earliest_expiry(before)
    assert expiry is not None
    assert expiry <= container.ca.tsa_certificate.not_valid_after_utc

    # Far from expiry: nothing to do, and the half-signed contract is left alone.
    results = refresh_files(
        [folder], timedelta(days=30), container.signing.refresh, expiry - timedelta(days=365)
    )
    assert sorted((r.path.name, r.outcome) for r in results) == [
        ("done.pdf", Outcome.CURRENT),
        ("half.pdf", Outcome.NOT_COMPLETED),
    ]
    assert done.read_bytes() == before

    # Within the window: a second document timestamp, appended to the signed bytes.
    results = refresh_files(
        [done], timedelta(days=30), container.signing.refresh, expiry - timedelta(days=10)
    )
    assert [r.outcome for r in results] == [Outcome.REFRESHED]
    after = done.read_bytes()
    assert after.startswith(before)
    report = verify_pdf(after, [to_asn1(container.ca.root)])
    assert report.valid, report.to_json()
    assert [s.kind for s in report.signatures].count(Kind.DOCUMENT_TIMESTAMP) == 2


def test_a_failed_refresh_leaves_the_file_as_it_was(
    container: Container, signed: tuple[Path, Path]
) -> None:
    folder, done = signed
    before = done.read_bytes()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = HttpTsaClient(f"http://127.0.0.1:{port}/tsa", [container.ca.root], timeout=2.0)
    service = SigningService(
        container.key_store, container.ca, down, container.secret_key, container.uow
    )
    results = refresh_files(
        [done], timedelta(days=365 * 50), service.refresh, container.ca.root.not_valid_before_utc
    )
    assert [r.outcome for r in results] == [Outcome.FAILED]
    assert results[0].error is not None
    assert done.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["done.pdf", "sub"]


def test_the_command_reports_what_it_did(container: Container, signed: tuple[Path, Path]) -> None:
    folder, _ = signed
    runner = CliRunner()
    outcome = runner.invoke(
        main, ["maintain", "ltv", "--within", "3", str(folder)], obj={"container": container}
    )
    assert outcome.exit_code == 0, outcome.output
    assert "0 refreshed, 1 current, 1 not completed, 0 failed" in outcome.output
    # Ten years covers the built-in TSA certificate's life: refreshed.
    outcome = runner.invoke(
        main, ["maintain", "ltv", "--within", "3650", str(folder)], obj={"container": container}
    )
    assert outcome.exit_code == 0, outcome.output
    assert "1 refreshed" in outcome.output
    missing = runner.invoke(main, ["maintain", "ltv"], obj={"container": container})
    assert missing.exit_code == 2
