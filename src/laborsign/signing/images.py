"""Images for visible signatures: an organisation's round seal and a drawn signature.

The seal follows the familiar form of a Chinese company seal (red ring, star, the name along
the upper arc); the drawn signature is a stand-in for what a worker draws with a finger on
his phone, used by the demo and tests.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

# Debian's fonts-noto-cjk; the collection's first face is Simplified Chinese.
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SEAL_RED = (215, 25, 32, 255)


@lru_cache(maxsize=16)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(CJK_FONT, size, index=0)


def png_bytes(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def seal_png(organisation: str, size: int = 400) -> bytes:
    """A round red seal with `organisation` along the upper arc (transparent background)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    ring = size * 0.035
    draw.ellipse((ring, ring, size - ring, size - ring), outline=SEAL_RED, width=int(ring))
    _star(draw, centre, centre, size * 0.16)
    chars = list(organisation) or ["?"]
    glyph = max(14, int(size * 0.8 / max(len(chars), 8)))
    font = cjk_font(glyph)
    # Spread the characters over 240 degrees of the upper arc, reading left to right.
    span = math.radians(240 if len(chars) > 6 else 150)
    text_radius = centre - ring * 2 - glyph * 0.7
    for i, char in enumerate(chars):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        tile = Image.new("RGBA", (glyph * 2, glyph * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((glyph, glyph), char, font=font, fill=SEAL_RED, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + text_radius * math.cos(angle) - glyph
        y = centre + text_radius * math.sin(angle) - glyph
        image.alpha_composite(tile, (int(x), int(y)))
    return png_bytes(image)


def drawn_signature_png(name: str, width: int = 480, height: int = 200) -> bytes:
    """A plausible finger-drawn signature: the name in slanted ink and a trailing flourish.

    The shape is derived from the name, so the same person always "draws" the same image.
    """
    seed = hashlib.sha256(name.encode()).digest()
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    font = cjk_font(int(height * 0.5))
    text = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(text).text(
        (width * 0.08, height * 0.42), name, font=font, fill=(20, 30, 90, 255), anchor="lm"
    )
    # A slight shear makes the type look written rather than printed.
    shear = 0.18 + seed[0] / 2550
    text = text.transform(
        text.size, Image.Transform.AFFINE, (1, shear, -shear * height / 2, 0, 1, 0)
    )
    image.alpha_composite(text)
    draw = ImageDraw.Draw(image)
    points = []
    for i in range(60):
        t = i / 59
        x = width * (0.1 + 0.8 * t)
        y = height * (0.8 - 0.08 * math.sin(t * math.pi * (2 + seed[1] % 3)) - 0.1 * t)
        points.append((x, y))
    draw.line(points, fill=(20, 30, 90, 255), width=max(2, height // 40), joint="curve")
    return png_bytes(image)
