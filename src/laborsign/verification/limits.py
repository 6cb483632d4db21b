"""Defensive checks on an untrusted PDF before and while it is parsed.

Size is checked before anything else; compressed streams are inflated in bounded chunks and
counted, never kept, so a decompression bomb fails with a clear error instead of exhausting
memory; the number of objects and pages is capped.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

MB = 1024 * 1024
_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 * MB


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB
    max_objects: int = 200_000
    max_pages: int = 2_000
    # Total of all inflated streams; a contract with fonts and images needs a few MB.
    max_inflated_bytes: int = 500 * MB


def check_envelope(data: bytes, limits: Limits) -> None:
    """Size, header and trailer: reject what is too large, not a PDF, or truncated."""
    if len(data) > limits.max_bytes:
        raise InvalidInput(
            Text(
                "文件过大（{size} 字节，上限 {cap} 字节）",
                "file too large ({size} bytes, limit {cap} bytes)",
            ).format(size=len(data), cap=limits.max_bytes)
        )
    if b"%PDF-" not in data[:1024]:
        raise InvalidInput(Text("不是 PDF 文件", "not a PDF file"))
    if b"%%EOF" not in data[-2048:]:
        raise InvalidInput(
            Text("PDF 文件不完整（被截断）", "the PDF file is incomplete (truncated)")
        )
    # " obj" ends every object header ("12 0 obj"); counting it is cheap and never
    # backtracks over the long digit runs of signature contents, unlike a full pattern.
    if data.count(b" obj") > limits.max_objects:
        raise InvalidInput(
            Text("PDF 对象过多（上限 {cap}）", "too many PDF objects (limit {cap})").format(
                cap=limits.max_objects
            )
        )


def check_streams(data: bytes, limits: Limits) -> None:
    """Inflate every zlib stream in bounded chunks; refuse when the total exceeds the cap."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        inflater = zlib.decompressobj()
        pending = data[start:end]
        try:
            while pending:
                total += len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
                if total > limits.max_inflated_bytes:
                    raise InvalidInput(
                        Text(
                            "PDF 解压后的数据过大（疑似压缩炸弹）",
                            "the PDF inflates to too much data (a decompression bomb?)",
                        )
                    )
        except zlib.error:
            continue  # not a zlib stream (images, already-plain content): nothing to inflate


def check_pages(page_count: int, limits: Limits) -> None:
    if page_count > limits.max_pages:
        raise InvalidInput(
            Text("PDF 页数过多（上限 {cap}）", "too many pages (limit {cap})").format(
                cap=limits.max_pages
            )
        )
