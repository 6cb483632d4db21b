"""The offline verifier of evidence packages, on one package built in memory (no database)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from laborsign.cli import main
from laborsign.evidence.cosignature import CosignatureSigner
from laborsign.evidence.package_format import (
    MANIFEST,
    Manifest,
    PackageUnreadable,
    file_entries,
    read_zip,
    write_zip,
)
from laborsign.evidence.package_report import mask_id, mask_name
from laborsign.evidence.package_sample import Sample, build_sample
from laborsign.evidence.package_verify import Status, verify_package

Files = dict[str, bytes]
PROPERTY = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def sample() -> Sample:
    return build_sample()


@pytest.fixture(scope="module")
def files(sample: Sample) -> Files:
    return read_zip(sample.package)


def repack(files: Files, **manifest_changes: object) -> bytes:
    """The files as a package whose manifest lists them as they now are: what a forger who
    edits a file and recomputes the digests would produce."""
    old = Manifest.parse(files[MANIFEST])
    rest = {name: data for name, data in files.items() if name != MANIFEST}
    fields: dict[str, object] = {
        "contract": old.contract,
        "origin": old.origin,
        "tree_size": old.tree_size,
        "files": file_entries(rest),
        "witnesses": old.witnesses,
    }
    fields.update(manifest_changes)
    manifest = Manifest(**fields)  # type: ignore[arg-type]
    return write_zip([(MANIFEST, manifest.encode()), *rest.items()])


def flip(data: bytes, bit: int) -> bytes:
    position = bit % (len(data) * 8)
    changed = bytearray(data)
    changed[position // 8] ^= 1 << (position % 8)
    return bytes(changed)


def failed_codes(package: bytes) -> list[str]:
    return [c.code for c in verify_package(package).checks if c.status is Status.FAILED]


def test_a_completed_contract_verifies_with_every_check_numbered(sample: Sample) -> None:
    report = verify_package(sample.package)
    assert report.valid, report.summary()
    assert [c.number for c in report.checks] == list(range(1, 13))
    assert all(c.status is Status.PASSED for c in report.checks)
    assert report.contract == "LS-2026-000001"
    data = json.loads(report.to_json())
    assert data["valid"] is True
    assert data["checks"][0]["title"] == {"zh": "清单与文件摘要", "en": "manifest and file digests"}


def test_the_layout_is_the_documented_one(files: Files) -> None:
    names = list(files)
    assert names[0] == MANIFEST
    fixed = {"contract.pdf", "checkpoint", "checkpoint.tsr", "log.vkey", "report.pdf"}
    assert fixed <= set(names)
    events = [n for n in names if n.startswith("events/")]
    assert events[:2] == ["events/0000.json", "events/0000.tlog-proof"]
    assert {n for n in names if n.startswith("trust/")} == {
        "trust/root.pem",
        "trust/issuing.pem",
        "trust/tsa.pem",
    }
    assert files["events/0000.tlog-proof"].startswith(b"c2sp.org/tlog-proof@v1\nindex ")
    assert files["events/0000.tlog-proof"].endswith(files["checkpoint"])


def test_writing_the_same_files_gives_the_same_bytes(sample: Sample, files: Files) -> None:
    assert write_zip(list(files.items())) == sample.package
    with zipfile.ZipFile(io.BytesIO(sample.package)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_an_honest_repack_still_verifies(files: Files) -> None:
    # Guards the property tests below: a failure there is the tampering, not the repacking.
    assert verify_package(repack(dict(files))).valid


KINDS: dict[str, Callable[[Files, int], str]] = {
    "event": lambda f, n: f"events/{n % _count(f):04d}.json",
    "proof": lambda f, n: f"events/{n % _count(f):04d}.tlog-proof",
    "checkpoint": lambda f, n: "checkpoint",
    "checkpoint.tsr": lambda f, n: "checkpoint.tsr",
    "contract.pdf": lambda f, n: "contract.pdf",
    "log.vkey": lambda f, n: "log.vkey",
}


def _count(files: Files) -> int:
    return sum(1 for name in files if name.endswith(".json") and name.startswith("events/"))


@pytest.mark.parametrize("kind", list(KINDS))
@PROPERTY
@given(which=st.integers(min_value=0, max_value=10_000), bit=st.integers(min_value=0))
def test_any_changed_bit_fails_even_with_a_recomputed_manifest(
    files: Files, kind: str, which: int, bit: int
) -> None:
    name = KINDS[kind](files, which)
    # The sample is built afresh each run and its lengths vary, so `bit` alone does not
    # locate a failure again: say which byte of how long a file it was.
    position = bit % (len(files[name]) * 8)
    note(f"{name}: {len(files[name])} bytes, flipped bit {position % 8} of byte {position // 8}")
    tampered = dict(files)
    tampered[name] = flip(files[name], bit)
    report = verify_package(repack(tampered))
    assert not report.valid
    # The manifest was recomputed, so a cryptographic check after it caught the change.
    assert report.checks[0].status is Status.PASSED


@PROPERTY
@given(bit=st.integers(min_value=0))
def test_any_changed_bit_in_the_manifest_fails(files: Files, bit: int) -> None:
    tampered = dict(files)
    tampered[MANIFEST] = flip(files[MANIFEST], bit)
    assert not verify_package(write_zip(list(tampered.items()))).valid


@PROPERTY
@given(name=st.sampled_from(["contract.pdf", "checkpoint", "events/0003.json"]), bit=st.integers(0))
def test_a_changed_file_under_the_old_manifest_fails_the_manifest_check(
    files: Files, name: str, bit: int
) -> None:
    tampered = dict(files)
    tampered[name] = flip(files[name], bit)
    assert failed_codes(write_zip(list(tampered.items()))) == ["manifest"]


def _renumbered(files: Files, order: list[int]) -> Files:
    """The package with its events (and their proofs) in `order`, numbered afresh."""
    out = {n: d for n, d in files.items() if not n.startswith("events/")}
    for new, old in enumerate(order):
        out[f"events/{new:04d}.json"] = files[f"events/{old:04d}.json"]
        out[f"events/{new:04d}.tlog-proof"] = files[f"events/{old:04d}.tlog-proof"]
    return out


@PROPERTY
@given(data=st.data())
def test_reordered_events_fail(files: Files, data: st.DataObject) -> None:
    count = _count(files)
    order = data.draw(st.permutations(range(count)))
    if order == list(range(count)):
        order = [1, 0, *range(2, count)]
    report = verify_package(repack(_renumbered(files, order)))
    assert not report.valid
    assert "order" in [c.code for c in report.checks if c.status is Status.FAILED]


@PROPERTY
@given(data=st.data())
def test_dropped_events_fail(files: Files, data: st.DataObject) -> None:
    count = _count(files)
    dropped = data.draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=count - 1))
    kept = [n for n in range(count) if n not in dropped]
    assert not verify_package(repack(_renumbered(files, kept))).valid


def test_a_package_without_trust_roots_is_refused(files: Files) -> None:
    without = {n: d for n, d in files.items() if n != "trust/root.pem"}
    report = verify_package(repack(without))
    trust = report.checks[1]
    assert trust.code == "trust" and trust.status is Status.FAILED
    assert trust.reason is not None and "refusing" in trust.reason.en
    assert all(c.status is Status.SKIPPED for c in report.checks[2:])


def test_a_listed_witness_without_a_cosignature_fails(files: Files) -> None:
    stranger = CosignatureSigner.generate("witness.elsewhere.example").verifier.vkey
    old = Manifest.parse(files[MANIFEST])
    report = verify_package(repack(dict(files), witnesses=(*old.witnesses, stranger)))
    assert failed_codes(repack(dict(files), witnesses=(*old.witnesses, stranger))) == ["witnesses"]
    assert not report.valid


def test_a_package_of_another_origin_fails(files: Files) -> None:
    assert failed_codes(repack(dict(files), origin="other.example/log")) == ["log-key"]


def test_an_unlisted_extra_file_fails(files: Files) -> None:
    extra = dict(files)
    extra["trust/extra.pem"] = files["trust/root.pem"]
    assert failed_codes(write_zip(list(extra.items()))) == ["manifest"]


def test_a_manifest_that_is_not_canonical_fails(files: Files) -> None:
    pretty = dict(files)
    pretty[MANIFEST] = json.dumps(json.loads(files[MANIFEST]), indent=1).encode()
    assert failed_codes(write_zip(list(pretty.items()))) == ["manifest"]


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7 not a zip", b"PK\x03\x04" + b"\x00" * 40],
    ids=["empty", "pdf", "header-only"],
)
def test_non_zip_input_is_unreadable(data: bytes) -> None:
    with pytest.raises(PackageUnreadable):
        verify_package(data)


def test_a_truncated_package_is_unreadable(sample: Sample) -> None:
    for cut in (len(sample.package) // 2, len(sample.package) - 10):
        with pytest.raises(PackageUnreadable):
            verify_package(sample.package[:cut])


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "entries",
    [
        [("report.pdf", b"\x00" * (8 * 1024 * 1024))],  # a ratio no real package has
        [("../escape", b"x")],
        [("/etc/passwd", b"x")],
        [("events/1.json", b"x")],
        [(f"trust/{i}.pem", b"x") for i in range(1001)],
    ],
    ids=["bomb", "dot-dot", "absolute", "bad-event-name", "too-many"],
)
def test_hostile_zips_are_refused_before_inflating(entries: list[tuple[str, bytes]]) -> None:
    with pytest.raises(PackageUnreadable):
        read_zip(_zip(entries))


def test_the_cli_exit_codes(sample: Sample, files: Files, tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.zip"
    good.write_bytes(sample.package)
    result = runner.invoke(main, ["evidence", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert "有效 / valid" in result.output and "11." in result.output

    as_json = runner.invoke(main, ["evidence", "verify", str(good), "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output)["valid"] is True

    tampered = dict(files)
    tampered["contract.pdf"] = flip(files["contract.pdf"], 12345)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(repack(tampered))
    result = runner.invoke(main, ["evidence", "verify", str(bad)])
    assert result.exit_code == 1 and "无效 / invalid" in result.output

    for name, data in (("not.zip", b"hello"), ("cut.zip", sample.package[:4000])):
        path = tmp_path / name
        path.write_bytes(data)
        assert runner.invoke(main, ["evidence", "verify", str(path)]).exit_code == 2
    assert runner.invoke(main, ["evidence", "verify", str(tmp_path / "missing.zip")]).exit_code == 2


def test_masking() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_id("11010519491231002X") == "1101**********002X"
    assert mask_id("12345") == "*****"
