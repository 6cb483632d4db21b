"""Blind indexes: equal for every spelling of one value, unrelated across purposes and keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborsign.privacy import Privacy, Purpose
from laborsign.privacy.keyring import new_keyring, rotated
from laborsign.privacy.keys import KeyringProvider
from laborsign.privacy.normalise import normalise_id_number, normalise_phone, normalise_text

KEYRING = new_keyring()
PRIVACY = Privacy(KeyringProvider(KEYRING))
ID_NUMBER = Purpose.id_number("worker.id_number")
PHONE = Purpose.phone("worker.phone")


@pytest.mark.parametrize(
    "spelling",
    ["11010519491231002x", "110105 19491231 002X", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_id_number_spellings_share_one_index(spelling: str) -> None:
    assert PRIVACY.blind_index(spelling, ID_NUMBER) == PRIVACY.blind_index(
        "11010519491231002X", ID_NUMBER
    )


@pytest.mark.parametrize("spelling", ["138-0013-8000", "+86 138 0013 8000", "0086 13800138000"])
def test_phone_spellings_share_one_index(spelling: str) -> None:
    assert PRIVACY.blind_index(spelling, PHONE) == PRIVACY.blind_index("13800138000", PHONE)


def test_different_values_purposes_and_keyrings_give_different_indexes() -> None:
    base = PRIVACY.blind_index("13800138000", PHONE)
    assert base != PRIVACY.blind_index("13800138001", PHONE)
    assert base != PRIVACY.blind_index("13800138000", Purpose.phone("employer.phone"))
    assert base != Privacy(KeyringProvider(new_keyring())).blind_index("13800138000", PHONE)
    assert len(base) == 64 and "13800138000" not in base


def test_rotating_data_keys_keeps_blind_indexes() -> None:
    after = Privacy(KeyringProvider(rotated(KEYRING)))
    assert after.blind_index("13800138000", PHONE) == PRIVACY.blind_index("13800138000", PHONE)


@given(st.text())
def test_normalisers_are_idempotent(value: str) -> None:
    for normalise in (normalise_id_number, normalise_phone, normalise_text):
        once = normalise(value)
        assert normalise(once) == once
