"""The fast canonical JSON of events is byte for byte RFC 8785 for everything events hold."""

from __future__ import annotations

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from laborsign.evidence.events import canonical_json

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.text(max_size=40),
)
keys = st.text(max_size=12)
events = st.dictionaries(keys, st.one_of(scalars, st.dictionaries(keys, scalars, max_size=6)))


def _rfc8785(value: object) -> bytes | type[Exception]:
    try:
        return rfc8785.dumps(value)
    except Exception as exc:  # the kind of refusal is what is compared
        return type(exc)


def _ours(value: dict[str, object]) -> bytes | type[Exception]:
    try:
        return canonical_json(value)
    except Exception as exc:
        return type(exc)


@given(events)
def test_the_same_bytes_or_the_same_refusal_as_the_general_encoder(
    value: dict[str, object],
) -> None:
    assert _ours(value) == _rfc8785(value)


def test_control_characters_and_non_ascii_text() -> None:
    value = {"b": '\x00\x1f\x7f\b\f\n\r\t"\\ 合同 \u2028', "a": {"z": 1, "é": True}}
    assert canonical_json(value) == rfc8785.dumps(value)
