"""Helpers for signing tests: a small PDF with known boxes, a two-party execution, a TSA
that is down. The PKI itself is `laborsign.signing.ephemeral`."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.timestamps.api import TimeStamper

from laborsign.signing import pades
from laborsign.signing.appearance import Appearance
from laborsign.signing.ephemeral import LocalPki
from laborsign.signing.images import drawn_signature_png, seal_png
from laborsign.signing.validation_data import ValidationData

__all__ = ["BOXES", "Box", "Executed", "FailingTimeStamper", "LocalPki", "ValidationData"]


class FailingTimeStamper(TimeStamper):
    """A TSA that is down."""

    async def async_request_tsa_response(self, req: Any) -> Any:
        raise OSError("connection refused")


@dataclass(frozen=True)
class Box:
    role: str
    page: int
    x: float
    y: float
    width: float
    height: float


BOXES = (Box("worker", 2, 60, 100, 180, 80), Box("employer", 2, 320, 100, 180, 80))


def simple_pdf(pages: int = 2, text: str = "Labor contract") -> bytes:
    """A small unsigned PDF with a line of text on each page."""
    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    for number in range(pages):
        content = f"BT /F1 14 Tf 72 760 Td ({text} - page {number + 1}) Tj ET".encode()
        stream = writer.add_object(generic.StreamObject(stream_data=content))
        page = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, 595, 842)]
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Font"): generic.DictionaryObject(
                            {generic.pdf_name("/F1"): font}
                        )
                    }
                ),
                generic.pdf_name("/Contents"): stream,
            }
        )
        writer.insert_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class Executed:
    """Each stage of a two-party execution, as bytes."""

    prepared: bytes
    worker_signed: bytes
    employer_signed: bytes
    completed: bytes


def execute(pki: LocalPki, pdf: bytes | None = None) -> Executed:
    worker = pki.person("张三")
    org = pki.person("杭州示例科技有限公司", "杭州示例科技有限公司")
    stamper = pki.timestamper()
    prepared = pades.prepare_fields(pdf or simple_pdf(), BOXES)
    one = pades.sign_as(
        prepared,
        "worker",
        pki.signer(worker),
        stamper,
        Appearance(drawn_signature_png("张三"), "张三"),
        certify=True,
        validation=pki.validation_data().context(),
    )
    two = pades.sign_as(
        one,
        "employer",
        pki.signer(org),
        stamper,
        Appearance(seal_png("杭州示例科技有限公司"), "杭州示例科技有限公司", "盖章"),
        certify=False,
        validation=pki.validation_data().context(),
    )
    done = pades.complete(two, stamper, pki.validation_data().context())
    return Executed(prepared, one, two, done)
