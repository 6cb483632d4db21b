"""Render a contract to PDF/A-2b with Typst, and report where its signature boxes are.

One `Renderer` per process: it loads the fonts and keeps a Typst compiler per template,
so later renders reuse parsed fonts, templates and Typst's memoized layout (a warm render
costs a fraction of the first).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final

import typst

from laborsign.contracts.model import Contract, TemplateId
from laborsign.contracts.render.coverage_cache import CoverageCache, default_cache_dir
from laborsign.contracts.render.fonts import (
    BODY_FAMILIES,
    HEADING_FAMILIES,
    Coverage,
    FontDirectory,
    find_font_files,
    stack_coverage,
)
from laborsign.contracts.render.view import build_view, text_fields
from laborsign.errors import RenderError
from laborsign.i18n import Text

TEMPLATES = Path(__file__).parent / "templates"
PDF_STANDARD: Final = "a-2b"
# The document date is the signing date, written as midnight UTC so that the PDF shows that
# calendar day. When a contract has no signing date yet, a fixed date; never the wall clock, so
# that the same contract always gives the same bytes.
FALLBACK_DATE = date(2000, 1, 1)

# Typst evaluates this in the compiled document: each labelled box's metadata and where
# its top-left corner lies (page, x, y from the top, in points).
_BOX_QUERY = (
    "query(selector(<sig-employer>).or(<sig-worker>)).map(m => {"
    " let p = m.location().position();"
    " (value: m.value, page: p.page, x: p.x.pt(), y: p.y.pt()) })"
)


@dataclass(frozen=True, slots=True)
class SignatureBox:
    """Where a signature field goes: 1-based page, rectangle in PDF points (origin bottom-left)."""

    role: str
    page: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class RenderedContract:
    pdf: bytes
    boxes: tuple[SignatureBox, ...]
    sha256: str

    def box(self, role: str) -> SignatureBox:
        return next(b for b in self.boxes if b.role == role)


class Renderer:
    """Keeps Typst warm between calls. Not thread-safe by itself; calls are serialised."""

    def __init__(
        self,
        font_files: Iterable[Path] | None = None,
        *,
        coverage_cache: CoverageCache | None = None,
    ) -> None:
        files = tuple(font_files) if font_files is not None else find_font_files()
        self._coverage_cache = coverage_cache or CoverageCache(default_cache_dir())
        self._font_dir = FontDirectory(files)
        self._fonts = typst.Fonts(
            include_system_fonts=False,
            include_embedded_fonts=False,
            font_paths=[str(self._font_dir.path)],
        )
        self._style = json.dumps({"body": BODY_FAMILIES, "heading": HEADING_FAMILIES})
        self._coverage: Coverage | None = None
        self._compilers: dict[TemplateId, typst.Compiler] = {}
        self._documents: dict[str, typst.Compiler] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._compilers.clear()
        self._documents.clear()
        self._font_dir.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def coverage(self) -> Coverage:
        """Code points the body fonts can draw (read once, on first use)."""
        if self._coverage is None:
            self._coverage = self.stack_coverage(BODY_FAMILIES, weight=400)
        return self._coverage

    def stack_coverage(self, families: Sequence[str], *, weight: int) -> Coverage:
        """Code points a family stack can draw at `weight`, with the faces Typst picks."""
        infos = self._fonts.fonts()
        faces: list[tuple[Path, int]] = []
        for family in families:
            # Typst takes the face of the family closest to the requested weight
            # (HanaMin exists only as 500, Noto Sans CJK is loaded as 700 only).
            candidates = [i for i in infos if i.family == family and i.path]
            if not candidates:
                raise RenderError(Text(f"缺少字体：{family}", f"font missing: {family}"))
            best = min(candidates, key=lambda i: abs(i.weight - weight))
            faces.append((Path(str(best.path)), best.index))
        return stack_coverage(faces, self._coverage_cache)

    def check_glyphs(self, contract: Contract) -> None:
        """Refuse a contract with a character no font can draw, naming it and its field."""
        coverage = self.coverage
        for field, value in text_fields(contract):
            ch = coverage.missing(value)
            if ch is not None:
                cp = f"U+{ord(ch):04X}"
                raise RenderError(
                    Text(
                        f"字段 {field} 中的字符 “{ch}”（{cp}）没有可用字体，无法正确显示",
                        f"no font can draw the character '{ch}' ({cp}) in field {field}",
                    ),
                    field=field,
                )

    def render(self, contract: Contract) -> RenderedContract:
        self.check_glyphs(contract)
        inputs = {
            "contract": json.dumps(build_view(contract), ensure_ascii=False),
            "style": self._style,
        }
        signed_on = contract.signing_date or FALLBACK_DATE
        with self._lock:
            compiler = self._compiler(contract.template)
            try:
                pdf = compiler.compile(
                    format="pdf",
                    sys_inputs=inputs,
                    pdf_standards=PDF_STANDARD,
                    timestamp=datetime.combine(signed_on, time(0), tzinfo=UTC),
                )
                # Evaluated against the document just compiled; Typst memoizes the
                # layout, so this costs well under a millisecond.
                placed = json.loads(compiler.eval(_BOX_QUERY, format="json"))
            except typst.TypstError as exc:
                raise RenderError(
                    Text(f"合同排版失败：{exc.message}", f"typesetting failed: {exc.message}")
                ) from exc
        if not isinstance(pdf, bytes):  # pragma: no cover - Typst returns bytes for one PDF
            raise RenderError(Text("排版结果不是 PDF", "typesetting did not produce a PDF"))
        return RenderedContract(
            pdf=pdf, boxes=_boxes(placed), sha256=hashlib.sha256(pdf).hexdigest()
        )

    def render_document(self, template: str, data: object, when: datetime) -> bytes:
        """Typeset another document (e.g. a report) from `templates/<template>.typ`, with
        `data` passed as JSON in `sys.inputs.data`; `when` is the PDF's creation date."""
        inputs = {"data": json.dumps(data, ensure_ascii=False), "style": self._style}
        with self._lock:
            compiler = self._documents.get(template)
            if compiler is None:
                compiler = typst.Compiler(
                    TEMPLATES / f"{template}.typ", root=TEMPLATES, font_paths=self._fonts
                )
                self._documents[template] = compiler
            try:
                pdf = compiler.compile(
                    format="pdf", sys_inputs=inputs, pdf_standards=PDF_STANDARD, timestamp=when
                )
            except typst.TypstError as exc:
                raise RenderError(
                    Text(f"文档排版失败：{exc.message}", f"typesetting failed: {exc.message}")
                ) from exc
        if not isinstance(pdf, bytes):  # pragma: no cover - Typst returns bytes for one PDF
            raise RenderError(Text("排版结果不是 PDF", "typesetting did not produce a PDF"))
        return pdf

    def _compiler(self, template: TemplateId) -> typst.Compiler:
        compiler = self._compilers.get(template)
        if compiler is None:
            compiler = typst.Compiler(
                TEMPLATES / f"{template.value}.typ",
                root=TEMPLATES,
                font_paths=self._fonts,
            )
            self._compilers[template] = compiler
        return compiler


@functools.cache
def shared_renderer() -> Renderer:
    """The process's renderer: fonts and compilers are loaded once and kept warm."""
    return Renderer()


def _boxes(placed: list[dict[str, Any]]) -> tuple[SignatureBox, ...]:
    boxes = []
    for item in placed:
        width, height = float(item["value"]["width"]), float(item["value"]["height"])
        boxes.append(
            SignatureBox(
                role=str(item["value"]["role"]),
                page=int(item["page"]),
                x=round(float(item["x"]), 3),
                # Typst measures from the top of the page; PDF from the bottom.
                y=round(float(item["value"]["page-height"]) - float(item["y"]) - height, 3),
                width=round(width, 3),
                height=round(height, 3),
            )
        )
    return tuple(boxes)
