"""checkpoint.tsr mutations that once escaped the verifier as exceptions instead of a failed
check. Each is located by structure, not by offset: the sample's serials and signatures
differ in length from one build to the next, so a fixed bit lands elsewhere every time."""

from __future__ import annotations

from collections.abc import Callable
from hashlib import sha256

import pytest
from asn1crypto import algos, tsp
from cryptography.hazmat.primitives.serialization import Encoding

from laborsign.evidence.package_format import MANIFEST, Manifest, file_entries, read_zip, write_zip
from laborsign.evidence.package_sample import Sample, build_sample
from laborsign.evidence.package_tsr import check_unsigned_parts, load_response
from laborsign.evidence.package_verify import Status, verify_package
from laborsign.pki.tsa_verify import TokenInvalid, verify_token

Files = dict[str, bytes]
ID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # OID 1.2.840.10045.2.1
VERSION_V3 = bytes.fromhex("a003020102")  # [0] EXPLICIT INTEGER 2
KEY_USAGE_TSA = bytes.fromhex("040403020780")  # extnValue: BIT STRING digitalSignature


@pytest.fixture(scope="module")
def sample() -> Sample:
    return build_sample()


@pytest.fixture(scope="module")
def files(sample: Sample) -> Files:
    return read_zip(sample.package)


def _repack(files: Files, tsr: bytes) -> bytes:
    """The package with this checkpoint.tsr and a manifest recomputed to match it."""
    changed = {n: d for n, d in files.items() if n != MANIFEST} | {"checkpoint.tsr": tsr}
    old = Manifest.parse(files[MANIFEST])
    manifest = Manifest(
        contract=old.contract,
        origin=old.origin,
        tree_size=old.tree_size,
        files=file_entries(changed),
        witnesses=old.witnesses,
    )
    return write_zip([(MANIFEST, manifest.encode()), *changed.items()])


def _flip_in(tsr: bytes, certificate: bytes, marker: bytes, byte: int, bit: int) -> bytes:
    """Flip `bit` of byte `byte` of `marker`, where it first occurs in the embedded
    `certificate` (whose DER the response carries verbatim)."""
    start = tsr.index(certificate)
    at = start + certificate.index(marker) + byte
    changed = bytearray(tsr)
    changed[at] ^= 1 << bit
    return bytes(changed)


def _tsa(sample: Sample) -> bytes:
    return sample.pki.tsa.cert.public_bytes(Encoding.DER)


def _root(sample: Sample) -> bytes:
    return sample.pki.root.cert.public_bytes(Encoding.DER)


MUTATIONS: dict[str, Callable[[Sample, bytes], bytes]] = {
    # The failing case first reported (which=0, bit=196409432 in a 1718-byte response): the
    # first byte of the TSA key's algorithm OID, 0x2a -> 0x2b, makes it 1.3.840.10045.2.1 and
    # cryptography raised UnsupportedAlgorithm from public_key().
    "tsa-key-algorithm": lambda s, tsr: _flip_in(tsr, _tsa(s), ID_EC_PUBLIC_KEY, 2, 0),
    # Version 2 -> 3 in the embedded root: cryptography raised InvalidVersion on loading.
    "root-version": lambda s, tsr: _flip_in(tsr, _root(s), VERSION_V3, 4, 0),
    # The key usage BIT STRING's length 2 -> 0: asn1crypto raised IndexError re-encoding it.
    "tsa-key-usage-length": lambda s, tsr: _flip_in(tsr, _tsa(s), KEY_USAGE_TSA, 3, 1),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_a_damaged_embedded_certificate_fails_the_timestamp_check(
    sample: Sample, files: Files, mutation: str
) -> None:
    tsr = files["checkpoint.tsr"]
    tampered = MUTATIONS[mutation](sample, tsr)
    assert len(tampered) == len(tsr) and tampered != tsr
    report = verify_package(_repack(files, tampered))
    assert not report.valid
    failed = [c.code for c in report.checks if c.status is Status.FAILED]
    assert report.checks[0].status is Status.PASSED and failed == ["timestamp"]


def test_verify_token_raises_only_token_invalid_for_a_damaged_certificate(
    sample: Sample, files: Files
) -> None:
    # The external TSA client and the anchor receipts call it too; they catch TokenInvalid.
    tampered = MUTATIONS["tsa-key-algorithm"](sample, files["checkpoint.tsr"])
    token = tsp.TimeStampResp.load(tampered)["time_stamp_token"].dump()
    with pytest.raises(TokenInvalid, match="UnsupportedAlgorithm"):
        verify_token(token, sha256(files["checkpoint"]).digest(), None, [sample.pki.root.cert])


def test_a_response_that_is_not_der_is_refused(files: Files) -> None:
    tsr = files["checkpoint.tsr"]
    assert tsr[:2] == b"\x30\x82"
    # The same value with its outer length in a longer form than needed: BER, not DER.
    longer = b"\x30\x83\x00" + tsr[2:]
    with pytest.raises(TokenInvalid, match="not DER"):
        load_response(longer)
    report = verify_package(_repack(files, longer))
    assert [c.code for c in report.checks if c.status is Status.FAILED] == ["timestamp"]


def test_a_signature_value_that_is_not_der_is_refused(sample: Sample, files: Files) -> None:
    response = load_response(files["checkpoint.tsr"])
    check_unsigned_parts(response, [sample.pki.root.cert])
    signer = response["time_stamp_token"]["content"]["signer_infos"][0]
    value = algos.DSASignature.load(signer["signature"].native)
    r, s = value["r"].contents, value["s"].dump()
    padded = bytes([0x02, len(r) + 1, 0]) + r + s  # r with one more leading zero than needed
    signer["signature"] = bytes([0x30, len(padded)]) + padded
    refused = tsp.TimeStampResp.load(response.dump(force=True))
    with pytest.raises(TokenInvalid, match="signature value is not DER"):
        check_unsigned_parts(refused, [sample.pki.root.cert])
