"""The documents made after signing: typeset, with their signature fields where the template
drew the boxes.

The box positions are defined here once and handed to the template as data, so the dashed
frames on the page and the PDF signature fields cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

from laborsign.contracts.render import Renderer
from laborsign.signing import pades

A4_HEIGHT = 841.89  # points
BOX_WIDTH, BOX_HEIGHT, BOX_TOP = 200.0, 80.0, 640.0

AMENDMENT_TEMPLATE = "amendment"
CERTIFICATE_TEMPLATE = "termination_certificate"


@dataclass(frozen=True, slots=True)
class Box:
    """A signature box on page 1: `top` from the page's top edge (for the template), `y`
    from its bottom (for the PDF field)."""

    role: str
    label: str
    x: float
    top: float
    page: int = 1
    width: float = BOX_WIDTH
    height: float = BOX_HEIGHT

    @property
    def y(self) -> float:
        return A4_HEIGHT - self.top - self.height

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "x": self.x,
            "top": self.top,
            "width": self.width,
            "height": self.height,
        }


EMPLOYER_BOX = Box(pades.Role.EMPLOYER.value, "甲方（用人单位盖章）", 62.0, BOX_TOP)
WORKER_BOX = Box(pades.Role.WORKER.value, "乙方（劳动者签名）", 330.0, BOX_TOP)
BOTH = (EMPLOYER_BOX, WORKER_BOX)
EMPLOYER_ONLY = (EMPLOYER_BOX,)


def typeset(
    renderer: Renderer,
    template: str,
    data: dict[str, Any],
    boxes: Sequence[Box],
    on: date,
) -> bytes:
    """The PDF with its empty signature fields. `on` is the document's date (midnight UTC,
    like the contracts: the same data always gives the same bytes)."""
    when = datetime.combine(on, time(0), tzinfo=UTC)
    pdf = renderer.render_document(template, {**data, "boxes": [b.to_json() for b in boxes]}, when)
    if len(boxes) == len(pades.Role):
        return pades.prepare_fields(pdf, boxes)
    return _employer_field(pdf, EMPLOYER_BOX)


def _employer_field(pdf: bytes, box: Box) -> bytes:
    """Only the employer's field: a certificate the worker does not sign must not carry an
    empty field for him (a verifier reports an empty signature field as incomplete)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(
            sig_field_name=pades.field_name(box.role),
            on_page=box.page - 1,
            box=(int(box.x), int(box.y), round(box.x + box.width), round(box.y + box.height)),
        ),
    )
    out = BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()
