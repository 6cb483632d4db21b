"""The quick reading of the latest signature agrees with pyHanko's full one."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from tests.unit.signing.testpki import Executed, LocalPki, execute, simple_pdf

from laborsign.contracts.signatures import NotSigned, latest_signature
from laborsign.signing.pades import Role, field_name


@pytest.fixture(scope="module")
def executed() -> Executed:
    return execute(LocalPki.create())


def _pyhanko(pdf: bytes) -> tuple[str, bytes]:
    last = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    return str(last.field_name), bytes(last.signer_cert.dump())


@pytest.mark.parametrize("stage", ["worker_signed", "employer_signed", "completed"])
def test_the_same_field_and_certificate_as_pyhanko(executed: Executed, stage: str) -> None:
    pdf = getattr(executed, stage)
    assert latest_signature(pdf) == _pyhanko(pdf)


def test_each_stage_names_the_signature_just_added(executed: Executed) -> None:
    assert latest_signature(executed.worker_signed)[0] == field_name(Role.WORKER)
    assert latest_signature(executed.employer_signed)[0] == field_name(Role.EMPLOYER)
    worker_cert = latest_signature(executed.worker_signed)[1]
    assert latest_signature(executed.employer_signed)[1] != worker_cert


@pytest.mark.parametrize("stage", ["prepared", "plain"])
def test_a_document_without_a_signature_is_refused(executed: Executed, stage: str) -> None:
    pdf = executed.prepared if stage == "prepared" else simple_pdf()
    with pytest.raises(NotSigned):
        latest_signature(pdf)


def test_a_byte_range_that_does_not_frame_the_signature_is_refused(executed: Executed) -> None:
    pdf = executed.worker_signed
    start = pdf.rindex(b"/ByteRange")
    end = pdf.index(b"]", start)
    numbers = pdf[pdf.index(b"[", start) + 1 : end].split()
    shifted = b" ".join([*numbers[:2], str(int(numbers[2]) + 1).encode(), numbers[3]])
    # The same length, so every other offset of the file stays right.
    tampered = (
        pdf[: pdf.index(b"[", start) + 1]
        + shifted.ljust(end - pdf.index(b"[", start) - 1)
        + pdf[end:]
    )
    with pytest.raises(NotSigned):
        latest_signature(tampered)
