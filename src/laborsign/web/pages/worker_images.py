"""The contract's pages as PNG images for reading on a phone (poppler's `pdftoppm`).

A phone shows a PDF badly or not at all inside a page; images scaled to the screen's width
always work, and the browser's pinch-zoom enlarges them. Images are rendered once per
document (keyed by the SHA-256 of the exact revision) into the data home's cache; a new
revision has a new digest and so new images. Rendering goes to a temporary folder that is
renamed into place, so two requests never see half a set.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from laborsign.errors import NotFound, ServiceUnavailable
from laborsign.i18n import Text

# Twice the width of a small phone's screen: sharp on 2x displays, still small files.
WIDTH_PX = 750
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TIMEOUT_SECONDS = 120


def _pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        raise ServiceUnavailable(
            Text(
                "服务器缺少 pdftoppm（poppler-utils），无法显示合同页面",
                "pdftoppm (poppler-utils) is missing on the server; pages cannot be shown",
            )
        )
    return found


def pages_folder(cache: Path, sha256: str) -> Path:
    if not _SHA256.match(sha256):
        raise NotFound(Text("页面不存在", "no such page"))
    return cache / "pages" / sha256


def rendered_pages(cache: Path, sha256: str, pdf: bytes) -> list[Path]:
    """The page images of `pdf` (whose digest is `sha256`), rendering them if needed."""
    folder = pages_folder(cache, sha256)
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{sha256[:12]}-", dir=folder.parent))
        try:
            (work / "document.pdf").write_bytes(pdf)
            done = subprocess.run(  # noqa: S603 - fixed program, our own file
                [
                    _pdftoppm(),
                    "-png",
                    "-scale-to-x",
                    str(WIDTH_PX),
                    "-scale-to-y",
                    "-1",
                    str(work / "document.pdf"),
                    str(work / "page"),
                ],
                capture_output=True,
                timeout=_TIMEOUT_SECONDS,
                check=False,
            )
            (work / "document.pdf").unlink()
            if done.returncode != 0:
                raise ServiceUnavailable(
                    Text(
                        "合同页面暂时无法显示，请下载 PDF 阅读",
                        "the pages cannot be shown now; download the PDF to read it",
                    )
                )
            # Another request may have finished first; its images are the same.
            with contextlib.suppress(OSError):
                work.rename(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return page_files(folder)


def page_files(folder: Path) -> list[Path]:
    # pdftoppm pads the page number to the width of the page count (page-1 or page-01).
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def page_image(cache: Path, sha256: str, number: int) -> Path:
    """One rendered page (1-based); NotFound when it was not rendered."""
    files = page_files(pages_folder(cache, sha256)) if number >= 1 else []
    if number > len(files):
        raise NotFound(Text("页面不存在", "no such page"))
    return files[number - 1]
