"""Normalisation before blind indexing: the same person must give the same index.

An HR clerk types "11010519491231002x" and a worker types "110105 19491231 002X"; both must
find the same row. Each normaliser maps the spellings of one kind of value onto one form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"\s+")


def _fixed_point(step: Callable[[str], str], value: str) -> str:
    # Case mapping or removing a separator can leave a string that NFKC changes again
    # (a letter meeting a combining mark); repeat until stable so that normalising twice
    # gives the same index as normalising once.
    for _ in range(8):
        after = step(value)
        if after == value:
            break
        value = after
    return value


def _text_step(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return unicodedata.normalize("NFKC", _SPACE.sub(" ", folded).strip())


def _id_step(value: str) -> str:
    bare = _SPACE.sub("", unicodedata.normalize("NFKC", value)).replace("-", "")
    return unicodedata.normalize("NFKC", bare.upper())


def normalise_text(value: str) -> str:
    """Compatibility-normalised (full-width → ASCII), case-folded, whitespace collapsed."""
    return _fixed_point(_text_step, value)


def normalise_id_number(value: str) -> str:
    """Resident ID numbers: no separators, upper-case check character X."""
    return _fixed_point(_id_step, value)


def normalise_phone(value: str) -> str:
    """Phone numbers: digits only, the mainland country code (+86 / 0086) dropped."""
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("0086", "86"):
        # Only strip the country code in front of an 11-digit mainland mobile number.
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits
