"""The few DER encodings (X.690) needed to assemble CMS structures from pre-encoded parts.

asn1crypto builds a structure from Python values field by field and encodes it again on
every `dump()`; for a signature container whose parts are mostly constant (certificates,
algorithm identifiers, the signer's identifier) that costs more than the signature itself.
The signers and the TSA encode the constant parts once with asn1crypto and frame the few
varying values with these helpers. Tests compare the result byte for byte with asn1crypto's.
"""

from __future__ import annotations

from collections.abc import Iterable

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
OCTET_STRING = 0x04
GENERALIZED_TIME = 0x18


def tlv(tag: int, body: bytes) -> bytes:
    """One tag-length-value element with a single-octet tag, in the definite DER length."""
    size = len(body)
    if size < 0x80:
        return bytes((tag, size)) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + body


def sequence(*elements: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(elements))


def set_of(elements: Iterable[bytes], tag: int = SET) -> bytes:
    """A SET OF: DER orders the encoded elements as octet strings (X.690 §11.6); `tag`
    replaces the universal SET tag for an IMPLICIT context tag."""
    return tlv(tag, b"".join(sorted(elements)))


def integer(value: int) -> bytes:
    """A non-negative INTEGER in its minimal two's-complement form."""
    if value < 0:
        raise ValueError("only non-negative integers are encoded here")
    return tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def octet_string(value: bytes) -> bytes:
    return tlv(OCTET_STRING, value)
