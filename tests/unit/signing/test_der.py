"""The DER framing helpers give exactly asn1crypto's encodings."""

from __future__ import annotations

import pytest
from asn1crypto import core
from hypothesis import given
from hypothesis import strategies as st

from laborsign.signing import der


@given(st.binary(max_size=70_000))
def test_an_octet_string_is_framed_as_asn1crypto_frames_it(value: bytes) -> None:
    # Short and long length forms: below 128 bytes, one, two and three length octets.
    assert der.octet_string(value) == core.OctetString(value).dump()


@given(st.integers(min_value=0, max_value=2**300))
def test_a_non_negative_integer_has_the_minimal_encoding(value: int) -> None:
    assert der.integer(value) == core.Integer(value).dump()


@pytest.mark.parametrize("value", [0, 127, 128, 255, 256, 32767, 32768])
def test_integers_at_the_sign_bit_boundaries(value: int) -> None:
    assert der.integer(value) == core.Integer(value).dump()


def test_negative_integers_are_refused() -> None:
    with pytest.raises(ValueError):
        der.integer(-1)


class _Octets(core.SetOf):  # type: ignore[misc]
    _child_spec = core.OctetString


@given(st.lists(st.binary(max_size=200), max_size=12))
def test_a_set_of_is_ordered_as_der_requires(values: list[bytes]) -> None:
    assert der.set_of(der.octet_string(v) for v in values) == _Octets(values).dump(force=True)


def test_a_set_of_under_an_implicit_tag_keeps_the_content() -> None:
    elements = [der.integer(3), der.integer(1), der.integer(2)]
    tagged = der.set_of(elements, tag=0xA0)
    plain = der.set_of(elements)
    assert tagged[0] == 0xA0 and plain[0] == der.SET and tagged[1:] == plain[1:]


def test_a_sequence_frames_its_elements_in_order() -> None:
    encoded = der.sequence(der.integer(2), der.integer(1))
    assert encoded == core.Sequence.load(encoded).dump(force=True)
    assert core.Sequence.load(encoded).native == {"0": 2, "1": 1}
