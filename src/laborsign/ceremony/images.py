"""Checks for images people upload: a drawn signature, an organisation's seal.

An image is accepted only when it is a PNG that Pillow decodes, within byte and pixel limits,
and shows something: a fully transparent or one-coloured picture is an empty signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from laborsign.errors import InvalidInput
from laborsign.i18n import Text

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Below this share of drawn pixels a picture is taken as empty (a stray dot is no signature).
MIN_INK = 0.002


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int
    min_side: int
    max_side: int


SIGNATURE = ImageLimits(max_bytes=512 * 1024, min_side=50, max_side=2000)
SEAL = ImageLimits(max_bytes=1024 * 1024, min_side=100, max_side=2000)


def _refuse(zh: str, en: str, field: str) -> InvalidInput:
    return InvalidInput(Text(zh, en), field=field)


def check_png(data: bytes, limits: ImageLimits, field: str) -> bytes:
    """Return `data` when it is an acceptable PNG; raise `InvalidInput` naming the reason."""
    if not data:
        raise _refuse("图片为空", "the image is empty", field)
    if len(data) > limits.max_bytes:
        raise _refuse(
            f"图片超过 {limits.max_bytes // 1024} KiB",
            f"the image is larger than {limits.max_bytes // 1024} KiB",
            field,
        )
    if not data.startswith(PNG_MAGIC):
        raise _refuse("图片必须是 PNG 格式", "the image must be a PNG", field)
    try:
        with Image.open(BytesIO(data)) as probe:
            width, height = probe.size
            if not (
                limits.min_side <= width <= limits.max_side
                and limits.min_side <= height <= limits.max_side
            ):
                raise _refuse(
                    f"图片尺寸须在 {limits.min_side}–{limits.max_side} 像素之间",
                    f"each side must be {limits.min_side}–{limits.max_side} pixels",
                    field,
                )
            probe.load()
            image = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse("图片无法解码", "the image cannot be decoded", field) from exc
    if _ink(image) < MIN_INK:
        raise _refuse("图片是空白的", "the image is blank", field)
    return data


def _ink(image: Image.Image) -> float:
    """Share of pixels drawn in a visible colour: the image laid on white paper, in grey,
    counting what is clearly darker than the paper."""
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, image).convert("L")
    histogram = grey.histogram()
    return sum(histogram[:200]) / (image.width * image.height)
