"""Pinned trust and the anchors/ folder in the offline verifier (no database, no network)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.unit.evidence.test_package_verify import Files, failed_codes, repack

from laborsign.cli import main
from laborsign.evidence.anchors import AnchorReceipt, Kind, canonical, receipt_body
from laborsign.evidence.anchors_package import anchor_files
from laborsign.evidence.cosignature import CosignatureSigner
from laborsign.evidence.note import Ed25519Signer
from laborsign.evidence.package_format import MANIFEST, VERSION_ANCHORS, Manifest, read_zip
from laborsign.evidence.package_sample import Sample, build_sample
from laborsign.evidence.package_verify import Pins, Status, fingerprint, verify_package
from laborsign.signing.ephemeral import LocalPki

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample() -> Sample:
    return build_sample()


@pytest.fixture(scope="module")
def files(sample: Sample) -> Files:
    return read_zip(sample.package)


def _details(report_checks: object, code: str) -> list[str]:
    return [d for c in report_checks if c.code == code for d in c.details]  # type: ignore[attr-defined]


def _failed(package: bytes, pins: Pins) -> list[str]:
    return [c.code for c in verify_package(package, pins=pins).checks if c.status is Status.FAILED]


# -- pinned trust ---------------------------------------------------------------------------


def test_the_fingerprint_and_log_key_id_are_printed_without_pins(sample: Sample) -> None:
    report = verify_package(sample.package)
    assert report.valid
    assert any(fingerprint(sample.pki.root.cert) in d for d in _details(report.checks, "trust"))
    key_id = f"{sample.log_signer.verifier.key_id:08x}"
    assert any(key_id in d for d in _details(report.checks, "log-key"))


def test_matching_pins_verify(sample: Sample) -> None:
    pins = Pins(
        roots=(sample.pki.root.cert,),
        log_vkey=sample.log_signer.verifier.vkey,
        witness_vkeys=(sample.witness.verifier.vkey,),
    )
    report = verify_package(sample.package, pins=pins)
    assert report.valid, report.summary()
    assert "matches the pinned log key" in _details(report.checks, "log-key")


def test_a_package_rooted_elsewhere_fails_against_the_pinned_root(sample: Sample) -> None:
    other = LocalPki.create(AT)
    assert _failed(sample.package, Pins(roots=(other.root.cert,))) == ["trust"]
    reason = verify_package(sample.package, pins=Pins(roots=(other.root.cert,))).checks[1].reason
    assert reason is not None and "not a pinned root" in reason.en


def test_another_log_key_fails_against_the_pinned_one(sample: Sample) -> None:
    other = Ed25519Signer.generate(sample.log_signer.name).verifier.vkey
    assert _failed(sample.package, Pins(log_vkey=other)) == ["log-key"]


def test_a_pinned_witness_must_have_cosigned(sample: Sample) -> None:
    absent = CosignatureSigner.generate("witness.elsewhere.example").verifier.vkey
    assert _failed(sample.package, Pins(witness_vkeys=(absent,))) == ["witnesses"]


def test_the_cli_takes_pins_from_files_and_values(sample: Sample, tmp_path: Path) -> None:
    package = tmp_path / "p.zip"
    package.write_bytes(sample.package)
    root = tmp_path / "root.pem"
    root.write_bytes(sample.pki.root.cert.public_bytes(Encoding.PEM))
    vkey = tmp_path / "log.vkey"
    vkey.write_text(sample.log_signer.verifier.vkey + "\n")
    runner = CliRunner()
    args = ["evidence", "verify", str(package), "--trust-root", str(root), "--log-vkey"]
    good = runner.invoke(main, [*args, str(vkey)])
    assert good.exit_code == 0, good.output
    assert fingerprint(sample.pki.root.cert) in good.output
    other = Ed25519Signer.generate(sample.log_signer.name).verifier.vkey
    bad = runner.invoke(main, [*args, other])
    assert bad.exit_code == 1 and "pinned log key" in bad.output


# -- anchors/ -------------------------------------------------------------------------------


def _ledger_receipt(files: Files, key: Ed25519PrivateKey, **changes: object) -> AnchorReceipt:
    manifest = Manifest.parse(files[MANIFEST])
    body = receipt_body(
        ledger="court.example",
        checkpoint_hash=hashlib.sha256(files["checkpoint"]).digest(),
        origin=manifest.origin,
        size=manifest.tree_size,
        receipt_id="R-000042",
        at=AT,
    )
    body.update(changes)
    signed = canonical(
        {"receipt": body, "signature": base64.b64encode(key.sign(canonical(body))).decode()}
    )
    pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return AnchorReceipt("court-chain", Kind.JSON_LEDGER, "R-000042", signed, AT, pem)


def _with_anchor(files: Files, receipt: AnchorReceipt, version: int = VERSION_ANCHORS) -> bytes:
    return repack({**files, **anchor_files([receipt])}, version=version)


def test_a_package_with_a_verified_anchor_receipt_is_valid(files: Files) -> None:
    package = _with_anchor(files, _ledger_receipt(files, Ed25519PrivateKey.generate()))
    report = verify_package(package)
    assert report.valid, report.summary()
    [detail] = _details(report.checks, "anchors")
    assert "court-chain" in detail and "R-000042" in detail


def test_without_anchors_nothing_is_claimed(files: Files) -> None:
    report = verify_package(repack(files))
    assert _details(report.checks, "anchors") == ["no anchors in the package (nothing claimed)"]


@pytest.mark.parametrize(
    "change", [{"size": 1}, {"hash": "00" * 32}, {"origin": "another.example/log"}]
)
def test_a_receipt_for_another_checkpoint_fails(files: Files, change: dict[str, object]) -> None:
    receipt = _ledger_receipt(files, Ed25519PrivateKey.generate(), **change)
    assert failed_codes(_with_anchor(files, receipt)) == ["anchors"]


def test_a_receipt_signed_by_another_key_fails(files: Files) -> None:
    receipt = _ledger_receipt(files, Ed25519PrivateKey.generate())
    stranger = Ed25519PrivateKey.generate().public_key()
    forged = AnchorReceipt(
        receipt.anchor,
        receipt.kind,
        receipt.receipt_id,
        receipt.receipt,
        receipt.received_at,
        stranger.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo),
    )
    assert failed_codes(_with_anchor(files, forged)) == ["anchors"]


def test_a_descriptor_that_differs_from_its_receipt_fails(files: Files) -> None:
    receipt = _ledger_receipt(files, Ed25519PrivateKey.generate())
    package = {**files, **anchor_files([receipt])}
    package["anchors/court-chain.json"] = package["anchors/court-chain.json"].replace(
        b"R-000042", b"R-000043"
    )
    assert failed_codes(repack(package, version=VERSION_ANCHORS)) == ["anchors"]


def test_an_incomplete_anchor_fails(files: Files) -> None:
    package = {**files, **anchor_files([_ledger_receipt(files, Ed25519PrivateKey.generate())])}
    del package["anchors/court-chain.pem"]
    assert failed_codes(repack(package, version=VERSION_ANCHORS)) == ["anchors"]


def test_anchors_in_a_version_1_package_fail(files: Files) -> None:
    receipt = _ledger_receipt(files, Ed25519PrivateKey.generate())
    assert failed_codes(_with_anchor(files, receipt, version=1)) == ["manifest"]
