"""Rendering with the real Typst compiler and fonts (fast once warm)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, TemplateId
from laborsign.contracts.render import Renderer, shared_renderer, view
from laborsign.contracts.render.coverage_cache import CoverageCache
from laborsign.contracts.render.fonts import BODY_FAMILIES, HEADING_FAMILIES
from laborsign.contracts.render.renderer import TEMPLATES
from laborsign.errors import RenderError

A4_WIDTH, A4_HEIGHT = 595.276, 841.89


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return shared_renderer()


def with_worker_name(contract: Contract, name: str) -> Contract:
    return contract.model_copy(update={"worker": contract.worker.model_copy(update={"name": name})})


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("template", list(TemplateId))
def test_same_contract_gives_the_same_bytes(renderer: Renderer, template: TemplateId) -> None:
    first = renderer.render(example_contract(template))
    renderer.render(with_worker_name(example_contract(template), "李四"))  # state in between
    again = renderer.render(example_contract(template))
    assert first.pdf == again.pdf
    assert first.sha256 == again.sha256
    assert first.pdf.startswith(b"%PDF-")


def test_different_contracts_give_different_bytes(renderer: Renderer) -> None:
    one = renderer.render(example_contract())
    other = renderer.render(with_worker_name(example_contract(), "李四"))
    assert one.sha256 != other.sha256


def test_document_date_comes_from_the_contract(renderer: Renderer) -> None:
    contract = example_contract().model_copy(update={"signing_date": date(2024, 2, 29)})
    pdf = renderer.render(contract).pdf
    assert b"D:20240229" in pdf and b"2024-02-29" in pdf  # info dictionary and XMP
    assert b"2025-12-20" not in pdf


@pytest.mark.parametrize("template", list(TemplateId))
def test_signature_boxes_lie_inside_the_last_page(renderer: Renderer, template: TemplateId) -> None:
    rendered = renderer.render(example_contract(template))
    assert {b.role for b in rendered.boxes} == {"employer", "worker"}
    pages = page_count(rendered.pdf)
    for box in rendered.boxes:
        assert box.page == pages
        assert box.x > 0 and box.x + box.width < A4_WIDTH
        assert box.y > 0 and box.y + box.height < A4_HEIGHT
        assert box.width > 100 and box.height > 50
    employer, worker = rendered.box("employer"), rendered.box("worker")
    assert employer.y == worker.y and employer.x + employer.width < worker.x


def test_long_free_text_pushes_the_boxes_to_a_later_page(renderer: Renderer) -> None:
    short = renderer.render(example_contract())
    long_text = "双方另行约定的事项。" * 400
    longer = renderer.render(example_contract().model_copy(update={"other": long_text}))
    assert longer.box("worker").page > short.box("worker").page
    assert longer.box("worker").page == page_count(longer.pdf)


@pytest.mark.parametrize("name", ["𠮷野家", "刘䶮", "王堃", "张😀"])
def test_rare_characters_pass_the_glyph_check(renderer: Renderer, name: str) -> None:
    renderer.check_glyphs(with_worker_name(example_contract(), name))


@pytest.mark.parametrize(
    ("text", "character"),
    [("\U00031350记", "\U00031350"), ("张\u0378", "\u0378"), ("李🫠", "🫠")],
)
def test_an_undrawable_character_is_refused_naming_the_field(
    renderer: Renderer, text: str, character: str
) -> None:
    contract = example_contract()
    contract = contract.model_copy(
        update={"employer": contract.employer.model_copy(update={"business_address": text})}
    )
    with pytest.raises(RenderError) as caught:
        renderer.render(contract)
    assert caught.value.field == "employer.business_address"
    assert character in caught.value.message.zh
    assert f"U+{ord(character):04X}" in caught.value.message.en


def test_every_fixed_character_of_the_templates_is_drawable(renderer: Renderer) -> None:
    # Wording is set in the heading stack (which falls back to the body fonts); labels of
    # choices in the body stack. Collect every non-ASCII character the templates print.
    wording = "".join(path.read_text() for path in TEMPLATES.glob("*.typ"))
    wording = "\n".join(line.split("//")[0] for line in wording.splitlines())
    labels = "".join(
        "".join(table.values())
        for table in (
            view.TITLES,
            view.TERM_TYPES,
            view.EMPLOYMENT_FORMS,
            view.ID_TYPES,
            view.SEXES,
            view.WORKING_TIME_SYSTEMS,
            view.CYCLES,
            view.PAY_FORMS,
            view.WORKER_CATEGORIES,
            view.PENALTY_REASONS,
        )
    )
    text = {ch for ch in wording + labels + view.BLANK_DATE if ord(ch) > 0x7F}
    body = renderer.coverage
    heading = renderer.stack_coverage(HEADING_FAMILIES, weight=700)
    assert not [ch for ch in text if ord(ch) not in body]
    assert not [ch for ch in text if ord(ch) not in heading]


def test_the_renderer_keeps_the_body_fonts_coverage_in_its_cache(tmp_path: Path) -> None:
    cache = CoverageCache(tmp_path)
    with Renderer(coverage_cache=cache) as fresh:
        fresh.check_glyphs(example_contract())
    # One entry per face of the body stack (Noto Serif CJK SC, HanaMinA, HanaMinB).
    assert len(list(tmp_path.glob("*.cov"))) == len(BODY_FAMILIES)
