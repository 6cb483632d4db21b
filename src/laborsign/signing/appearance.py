"""Visible signature appearances: the party's image with its name and the signing time.

Chinese text is drawn into the image with Pillow rather than embedded as a PDF font: the only
CJK fonts available come as TrueType collections, which pyHanko's font embedding does not
read, and an image keeps each signature's revision small and fast to write.

The appearance is two image XObjects drawn into one box: the party's image with the caption's
first line (its label and name), and the signing time below. The first is the same on every
contract an organisation seals, so it is drawn and compressed once and only its compressed
bytes are written into each document; only the narrow time line is drawn per signature.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, UnidentifiedImageError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfContent, ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.writer import BasePdfFileWriter
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


@dataclass(frozen=True, slots=True)
class _Layout:
    """Pixel geometry of an appearance: image above, two caption lines below."""

    width: int
    height: int
    caption: int

    @classmethod
    def of(cls, width: float, height: float) -> _Layout:
        w, h = max(1, int(width * SCALE)), max(1, int(height * SCALE))
        return cls(w, h, int(h * 0.34))

    @property
    def line(self) -> int:
        return self.caption // 2

    @property
    def time_top(self) -> int:
        """The first row of the second caption line (the signing time)."""
        return self.height - self.caption + self.line

    def font_size(self) -> int:
        return max(8, self.line - 2)


def _draw_line(canvas: Image.Image, text: str, top: int, layout: _Layout) -> None:
    draw = ImageDraw.Draw(canvas)
    font = cjk_font(layout.font_size())
    draw.text((layout.width // 2, top), text, font=font, fill=(0, 0, 0, 255), anchor="ma")


def compose_fixed(image_png: bytes, caption: str, layout: _Layout) -> Image.Image:
    """The whole box with the image scaled into it and the caption's first line; the
    second line's rows stay empty (the first line's lower edge may reach into them)."""
    w, h = layout.width, layout.height
    canvas = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    picture = _load_image(image_png)
    picture.thumbnail((w, h - layout.caption), Image.Resampling.LANCZOS)
    canvas.alpha_composite(
        picture, ((w - picture.width) // 2, (h - layout.caption - picture.height) // 2)
    )
    _draw_line(canvas, caption, h - layout.caption, layout)
    return canvas


def compose_time(text: str, layout: _Layout) -> Image.Image:
    """The second caption line alone: the rows from `time_top` to the bottom of the box."""
    canvas = Image.new("RGBA", (layout.width, layout.height - layout.time_top), (255, 255, 255, 0))
    _draw_line(canvas, text, 0, layout)
    return canvas


def _number(value: int) -> generic.NumberObject:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class _EncodedImage:
    """An RGBA image as PDF image data: Flate-compressed colour and alpha samples."""

    width: int
    height: int
    colour: bytes
    alpha: bytes

    @classmethod
    def of(cls, image: Image.Image) -> _EncodedImage:
        return cls(
            image.width,
            image.height,
            zlib.compress(image.convert("RGB").tobytes()),
            zlib.compress(image.getchannel("A").tobytes()),
        )

    def _stream(self, colour_space: str, data: bytes) -> generic.StreamObject:
        return generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): _number(self.width),
                pdf_name("/Height"): _number(self.height),
                pdf_name("/ColorSpace"): pdf_name(colour_space),
                pdf_name("/BitsPerComponent"): _number(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            },
            encoded_data=data,
        )

    def xobject(self, writer: BasePdfFileWriter) -> generic.IndirectObject:
        """Image XObjects (the image and its soft mask) written through `writer`: new objects
        in each document, the compressed bytes shared."""
        image = self._stream("/DeviceRGB", self.colour)
        image[pdf_name("/SMask")] = writer.add_object(self._stream("/DeviceGray", self.alpha))
        return writer.add_object(image)


@lru_cache(maxsize=32)
def _fixed(image_png: bytes, caption: str, layout: _Layout) -> _EncodedImage:
    """The same seal goes into many contracts: decoding, scaling and compressing it cost
    more than the rest of the signature's appearance."""
    return _EncodedImage.of(compose_fixed(image_png, caption, layout))


@lru_cache(maxsize=8)
def _time_line(text: str, layout: _Layout) -> _EncodedImage:
    """The time is shown to the second, and a bulk run seals several contracts a second."""
    return _EncodedImage.of(compose_time(text, layout))


class _TwoPartImage(PdfContent):
    """The fixed part covering the box, the time line over its bottom rows."""

    def __init__(self, fixed: _EncodedImage, time_line: _EncodedImage) -> None:
        super().__init__(box=BoxConstraints(fixed.width, fixed.height))
        self._fixed = fixed
        self._time_line = time_line

    def render(self) -> bytes:
        writer = self._ensure_writer
        # Each image maps to the unit square: scale it to its pixel size, in a box measured
        # in pixels that the stamp then fits into the signature field.
        for name, part in (("/Fixed", self._fixed), ("/Time", self._time_line)):
            self.set_resource(ResourceType.XOBJECT, pdf_name(name), part.xobject(writer))
        return b"q %d 0 0 %d 0 0 cm /Fixed Do Q q %d 0 0 %d 0 0 cm /Time Do Q" % (
            self._fixed.width,
            self._fixed.height,
            self._time_line.width,
            self._time_line.height,
        )


def stamp_style(
    appearance: Appearance, when: datetime, width: float, height: float
) -> StaticStampStyle:
    """A pyHanko stamp style drawing the appearance for a box of `width` × `height` points,
    without border."""
    layout = _Layout.of(width, height)
    fixed = _fixed(appearance.image_png, f"{appearance.label}：{appearance.name}", layout)
    time_line = _time_line(when.strftime("%Y-%m-%d %H:%M:%S %z"), layout)
    return StaticStampStyle(
        background=_TwoPartImage(fixed, time_line), background_opacity=1.0, border_width=0
    )
