"""Visible signature appearances: the party's image with its name and the signing time.

Chinese text is drawn into the image with Pillow rather than embedded as a PDF font: the only
CJK fonts available come as TrueType collections, which pyHanko's font embedding does not
read, and an image keeps each signature's revision small and fast to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, UnidentifiedImageError
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.stamp import StaticStampStyle

from laborsign.errors import InvalidInput
from laborsign.i18n import Text
from laborsign.signing.images import cjk_font

# Pixels per PDF point: enough for print at small signature sizes, small enough to stay fast.
SCALE = 3
MAX_IMAGE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Appearance:
    """What a signature looks like: an image (PNG: drawn signature or seal) and a caption."""

    image_png: bytes
    name: str
    label: str = "签名"  # e.g. 签名 (signature) or 盖章 (seal)


def _load_image(data: bytes) -> Image.Image:
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(Text("签名图片过大", "signature image too large"), field="image")
    try:
        with Image.open(BytesIO(data)) as opened:
            if opened.width * opened.height > 4_000_000:
                raise InvalidInput(
                    Text("签名图片像素过多", "signature image has too many pixels"),
                    field="image",
                )
            return opened.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidInput(
            Text("签名图片不是有效的 PNG 图像", "signature image is not a valid PNG"),
            field="image",
        ) from exc


@lru_cache(maxsize=32)
def _fitted(image_png: bytes, width: int, height: int) -> Image.Image:
    """The decoded image scaled into the box: the same seal goes into many contracts, and
    decoding and resampling cost more than the rest of the appearance. Callers only read it."""
    picture = _load_image(image_png)
    picture.thumbnail((width, height), Image.Resampling.LANCZOS)
    return picture


def compose(appearance: Appearance, when: datetime, width: float, height: float) -> Image.Image:
    """The appearance for a box of `width` × `height` points: image above, caption below."""
    w, h = max(1, int(width * SCALE)), max(1, int(height * SCALE))
    canvas = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    caption_h = int(h * 0.34)
    picture = _fitted(appearance.image_png, w, h - caption_h)
    canvas.alpha_composite(
        picture, ((w - picture.width) // 2, (h - caption_h - picture.height) // 2)
    )
    draw = ImageDraw.Draw(canvas)
    font = cjk_font(max(8, caption_h // 2 - 2))
    lines = (
        f"{appearance.label}：{appearance.name}",
        when.strftime("%Y-%m-%d %H:%M:%S %z"),
    )
    for i, line in enumerate(lines):
        y = h - caption_h + i * (caption_h // 2)
        draw.text((w // 2, y), line, font=font, fill=(0, 0, 0, 255), anchor="ma")
    return canvas


def stamp_style(
    appearance: Appearance, when: datetime, width: float, height: float
) -> StaticStampStyle:
    """A pyHanko stamp style drawing the composed image, without border."""
    image = compose(appearance, when, width, height)
    return StaticStampStyle(background=PdfImage(image), background_opacity=1.0, border_width=0)
