"""Every kind of tampering with a completed contract is reported invalid, with a reason."""

from __future__ import annotations

import zlib
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import signers
from tests.unit.signing.testpki import Executed, LocalPki, execute, simple_pdf

from laborsign.errors import InvalidInput
from laborsign.verification import Limits, verify_pdf
from laborsign.verification.report import VerificationReport


@pytest.fixture(scope="module")
def pki() -> LocalPki:
    return LocalPki.create()


@pytest.fixture(scope="module")
def executed(pki: LocalPki) -> Executed:
    return execute(pki)


def _codes(report: VerificationReport) -> set[str]:
    codes = {r.code for r in report.reasons}
    for sig in report.signatures:
        codes |= {r.code for r in sig.reasons}
    return codes


def test_one_changed_byte_in_a_signed_range(pki: LocalPki, executed: Executed) -> None:
    data = bytearray(executed.completed)
    at = data.index(b"Labor contract - page 1")
    data[at] = ord("X")
    report = verify_pdf(bytes(data), [pki.root.asn1])
    assert not report.valid
    assert "altered" in _codes(report)


def test_drawing_on_a_page_after_the_last_signature(pki: LocalPki, executed: Executed) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(executed.completed))
    stream = writer.add_object(generic.StreamObject(stream_data=b"1 0 0 rg 50 50 200 200 re f"))
    writer.add_stream_to_page(0, stream)
    out = BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), [pki.root.asn1])
    assert not report.valid
    assert "modified-after" in _codes(report)
    assert all(not s.modifications_ok for s in report.signatures)


def test_removed_signature(pki: LocalPki, executed: Executed) -> None:
    # Cutting the file back to the worker's revision removes the employer's signature.
    report = verify_pdf(executed.worker_signed, [pki.root.asn1])
    assert not report.valid
    assert "incomplete" in _codes(report)


def test_replaced_signature_contents(pki: LocalPki, executed: Executed) -> None:
    reader = PdfFileReader(BytesIO(executed.completed))
    worker, employer = reader.embedded_regular_signatures
    # Put the worker's CMS in place of the employer's, padded to the same hex length.
    start, end = employer.byte_range[1], employer.byte_range[2]
    foreign = worker.pkcs7_content.hex().encode()
    slot = end - start - 2
    data = (
        executed.completed[: start + 1]
        + foreign.ljust(slot, b"0")[:slot]
        + executed.completed[end - 1 :]
    )
    report = verify_pdf(data, [pki.root.asn1])
    assert not report.valid
    assert _codes(report) & {"altered", "bad-signature", "unreadable-signature"}


def test_re_signed_copy_by_an_untrusted_key(pki: LocalPki) -> None:
    forger = LocalPki.create()
    copy = execute(forger).completed
    report = verify_pdf(copy, [pki.root.asn1])
    assert not report.valid
    assert "untrusted" in _codes(report)


def test_signed_elsewhere(pki: LocalPki) -> None:
    other = LocalPki.create()
    someone = other.person("Someone Else")
    writer = IncrementalPdfFileWriter(BytesIO(simple_pdf()))
    out = signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name="Elsewhere"),
        signer=other.signer(someone),
    )
    report = verify_pdf(out.getvalue(), [pki.root.asn1])
    assert not report.valid
    assert {"untrusted", "no-timestamp"} <= _codes(report)


def test_unsigned_pdf(pki: LocalPki) -> None:
    report = verify_pdf(simple_pdf(), [pki.root.asn1])
    assert not report.valid
    assert "unsigned" in _codes(report)


# Bad input: clear errors, never a traceback or unbounded memory.


def test_not_a_pdf(pki: LocalPki) -> None:
    with pytest.raises(InvalidInput, match="not a PDF"):
        verify_pdf(b"hello, this is not a contract", [pki.root.asn1])


def test_truncated_pdf(pki: LocalPki, executed: Executed) -> None:
    with pytest.raises(InvalidInput, match="truncated"):
        verify_pdf(executed.completed[: len(executed.completed) // 2], [pki.root.asn1])


def test_encrypted_pdf(pki: LocalPki) -> None:
    writer = PdfFileWriter()
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, 595, 842)]
                ),
            }
        )
    )
    writer.encrypt("owner-secret", "user-secret")
    out = BytesIO()
    writer.write(out)
    with pytest.raises(InvalidInput, match="encrypted"):
        verify_pdf(out.getvalue(), [pki.root.asn1])


def test_size_cap_is_checked_before_parsing(pki: LocalPki, executed: Executed) -> None:
    with pytest.raises(InvalidInput, match="too large"):
        verify_pdf(executed.completed, [pki.root.asn1], limits=Limits(max_bytes=10_000))


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_decompression_bomb(pki: LocalPki) -> None:
    bomb = zlib.compress(b"\0" * (20 * 1024 * 1024), 9)
    data = _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
        ]
    )
    with pytest.raises(InvalidInput, match="bomb"):
        verify_pdf(data, [pki.root.asn1], limits=Limits(max_inflated_bytes=4 * 1024 * 1024))


def test_deeply_nested_objects(pki: LocalPki) -> None:
    depth = 100_000
    data = _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Nest " + b"[" * depth + b"]" * depth + b" >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
        ]
    )
    with pytest.raises(InvalidInput):
        verify_pdf(data, [pki.root.asn1])


def test_too_many_objects(pki: LocalPki) -> None:
    data = _raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
        + [b"null"] * 50
    )
    with pytest.raises(InvalidInput, match="too many"):
        verify_pdf(data, [pki.root.asn1], limits=Limits(max_objects=20))


def test_no_trust_roots_is_refused(executed: Executed) -> None:
    with pytest.raises(InvalidInput):
        verify_pdf(executed.completed, [])
