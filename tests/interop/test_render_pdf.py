"""Rendered contracts as poppler and qpdf see them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from laborsign.contracts.examples import example_contract
from laborsign.contracts.model import Contract, TemplateId
from laborsign.contracts.render import RenderedContract, shared_renderer

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(
        not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "qpdf")),
        reason="poppler-utils and qpdf are needed",
    ),
]

MARKUP = "#let x = $a$ \\ <lbl> {b} [c] *d* _e_ @ref"


def render(contract: Contract, tmp_path: Path) -> tuple[RenderedContract, Path]:
    rendered = shared_renderer().render(contract)
    path = tmp_path / f"{contract.number}.pdf"
    path.write_bytes(rendered.pdf)
    return rendered, path


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", path)).group(1))  # type: ignore[union-attr]


def page_text(path: Path, page: int) -> str:
    return run("pdftotext", "-raw", "-f", str(page), "-l", str(page), path, "-")


@pytest.fixture(params=list(TemplateId), ids=lambda t: str(t.value))
def rendered(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[RenderedContract, Path]:
    return render(example_contract(request.param), tmp_path)


def test_identifies_as_pdf_a_2b(rendered: tuple[RenderedContract, Path]) -> None:
    pdf = rendered[0].pdf
    xmp = pdf[pdf.index(b"<x:xmpmeta") : pdf.index(b"</x:xmpmeta>")]
    assert re.search(rb"pdfaid:part(>|=\")2", xmp)
    assert re.search(rb"pdfaid:conformance(>|=\")B", xmp)


def test_all_fonts_embedded_and_subset(rendered: tuple[RenderedContract, Path]) -> None:
    rows = run("pdffonts", rendered[1]).splitlines()[2:]
    assert rows, "no fonts at all"
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
        assert re.match(r"[A-Z]{6}\+", row), row
    assert any("NotoSerifCJKsc" in row for row in rows)


def test_qpdf_finds_no_errors(rendered: tuple[RenderedContract, Path]) -> None:
    result = subprocess.run(["qpdf", "--check", str(rendered[1])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_every_page_has_the_number_and_page_footer(
    rendered: tuple[RenderedContract, Path],
) -> None:
    path = rendered[1]
    total = pages(path)
    assert total >= 4
    number = re.search(r"编号：\s*(\S+)", page_text(path, 1)).group(1)  # type: ignore[union-attr]
    for page in range(1, total + 1):
        text = page_text(path, page)
        assert number in text, page
        assert f"第 {page} 页 共 {total} 页" in text, page


def test_text_contains_parties_and_signature_block(
    rendered: tuple[RenderedContract, Path],
) -> None:
    path = rendered[1]
    text = run("pdftotext", path, "-")
    for expected in ("张三", "110105199506150027", "甲方（盖章）", "乙方（签字）", "注意事项"):
        assert expected in text
    for section in "一二三四五六七八九十":
        assert f"{section}、" in text
    assert "☑ 固定期限" in text
    last = page_text(path, pages(path)).replace("\n", "")
    assert "法定代表人（主要负责人）或委托代理人" in last
    assert all(box.page == pages(path) for box in rendered[0].boxes)


def test_dispatch_contract_names_the_host(tmp_path: Path) -> None:
    _, path = render(example_contract(TemplateId.DISPATCH), tmp_path)
    text = run("pdftotext", path, "-")
    for expected in (
        "劳动合同（劳务派遣）",
        "杭州示例物流有限公司",
        "91330108MA27Y8XX16",
        "330106202300012",
        "同工同酬",
        "2,490.00",
    ):
        assert expected in text
    _, general = render(example_contract(TemplateId.GENERAL), tmp_path)
    assert "用工单位" not in run("pdftotext", general, "-")


def test_markup_characters_appear_literally(tmp_path: Path) -> None:
    contract = example_contract()
    contract = contract.model_copy(
        update={"protection": contract.protection.model_copy(update={"training": MARKUP})}
    )
    _, path = render(contract, tmp_path)
    text = run("pdftotext", "-raw", path, "-")
    assert MARKUP in text


@pytest.mark.parametrize("name", ["𠮷田", "刘䶮", "王堃"])
def test_rare_characters_are_drawn(tmp_path: Path, name: str) -> None:
    contract = example_contract()
    contract = contract.model_copy(
        update={"worker": contract.worker.model_copy(update={"name": name})}
    )
    _, path = render(contract, tmp_path)
    assert name in run("pdftotext", path, "-")
    assert "yes yes" in run("pdffonts", path)


def test_same_input_same_file_across_processes(tmp_path: Path) -> None:
    # A fresh process has no memoized state: the bytes must still match.
    code = (
        "import sys;"
        "from laborsign.contracts.examples import example_contract;"
        "from laborsign.contracts.render import Renderer;"
        "sys.stdout.buffer.write(Renderer().render(example_contract()).pdf)"
    )
    import sys

    fresh = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True).stdout
    assert fresh == shared_renderer().render(example_contract()).pdf
