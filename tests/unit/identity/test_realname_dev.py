from __future__ import annotations

import pytest

from laborsign.identity.realname import DevelopmentRealNameVerifier
from laborsign.identity.results import NOT_AUTHORITATIVE, Outcome

# A well-formed number (check digit valid) used in examples; it belongs to nobody we know.
VALID_ID = "11010519491231002X"


def test_a_well_formed_triple_passes_but_is_labelled_not_authoritative() -> None:
    result = DevelopmentRealNameVerifier().verify("张三", VALID_ID, "13800138000")
    assert result.outcome is Outcome.PASSED
    assert result.authoritative is False
    assert result.label == NOT_AUTHORITATIVE
    assert result.label.both() == "非权威 (not authoritative)"


@pytest.mark.parametrize(
    ("name", "id_number", "phone"),
    [
        ("张三", "110105194912310021", "13800138000"),  # wrong check digit
        ("张三", "110105194902300026", "13800138000"),  # no such date
        ("张三", VALID_ID, "12800138000"),  # not a mobile number
        ("张三", VALID_ID, "1380013800"),  # too short
        ("", VALID_ID, "13800138000"),
        ("张3", VALID_ID, "13800138000"),
    ],
)
def test_malformed_input_fails(name: str, id_number: str, phone: str) -> None:
    result = DevelopmentRealNameVerifier().verify(name, id_number, phone)
    assert result.outcome is Outcome.FAILED
    assert result.authoritative is False
