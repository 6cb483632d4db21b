"""Field encryption: round trips, and every kind of wrong input fails loudly."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from laborsign.privacy import DecryptionFailed, Privacy, Purpose, UnknownKeyVersion
from laborsign.privacy.keyring import new_keyring, rotated
from laborsign.privacy.keys import Keyring, KeyringProvider

ID_NUMBER = Purpose.id_number("worker.id_number")
PHONE = Purpose.phone("worker.phone")
KEYRING = new_keyring()


def _privacy(keyring: Keyring = KEYRING) -> Privacy:
    return Privacy(KeyringProvider(keyring))


PRIVACY = _privacy()


@given(st.text())
@example("11010519491231002X")
@example("北京市朝阳区建国路 88 号 3 单元 502 室")
@example("张三 👷‍♂️🏗️")
@example("")
def test_any_text_round_trips(value: str) -> None:
    blob = PRIVACY.encrypt(value, ID_NUMBER)
    assert PRIVACY.decrypt(blob, ID_NUMBER) == value
    if len(value.encode()) >= 8:  # shorter byte strings can occur in random bytes by chance
        assert value.encode() not in blob


def test_the_same_value_encrypts_differently_each_time() -> None:
    assert PRIVACY.encrypt("13800138000", PHONE) != PRIVACY.encrypt("13800138000", PHONE)


@given(st.data())
def test_any_flipped_bit_is_detected(data: st.DataObject) -> None:
    blob = bytearray(PRIVACY.encrypt("11010519491231002X", ID_NUMBER))
    position = data.draw(st.integers(0, len(blob) - 1))
    blob[position] ^= 1 << data.draw(st.integers(0, 7))
    # A flipped version byte may name a key version the keyring lacks: also a clear error.
    with pytest.raises((DecryptionFailed, UnknownKeyVersion)):
        PRIVACY.decrypt(bytes(blob), ID_NUMBER)


@pytest.mark.parametrize("length", [0, 1, 3, 15, 30])
def test_truncated_ciphertext_is_malformed(length: int) -> None:
    blob = PRIVACY.encrypt("x", ID_NUMBER)[:length]
    with pytest.raises(DecryptionFailed, match="malformed"):
        PRIVACY.decrypt(blob, ID_NUMBER)


def test_a_ciphertext_moved_to_another_column_does_not_decrypt() -> None:
    blob = PRIVACY.encrypt("13800138000", PHONE)
    with pytest.raises(DecryptionFailed) as caught:
        PRIVACY.decrypt(blob, Purpose.phone("employer.contact_phone"))
    assert "employer.contact_phone" in str(caught.value)
    assert "无法解密" in caught.value.message.zh


def test_a_ciphertext_moved_to_another_row_does_not_decrypt() -> None:
    blob = PRIVACY.encrypt("13800138000", PHONE, context="worker:1")
    assert PRIVACY.decrypt(blob, PHONE, context="worker:1") == "13800138000"
    with pytest.raises(DecryptionFailed):
        PRIVACY.decrypt(blob, PHONE, context="worker:2")


def test_another_keyring_cannot_decrypt() -> None:
    blob = PRIVACY.encrypt("11010519491231002X", ID_NUMBER)
    with pytest.raises(DecryptionFailed):
        _privacy(new_keyring()).decrypt(blob, ID_NUMBER)


def test_rotation_encrypts_new_data_with_the_new_version_and_still_reads_old_data() -> None:
    old = PRIVACY.encrypt("11010519491231002X", ID_NUMBER)
    after = _privacy(rotated(KEYRING))
    cipher = after.cipher(ID_NUMBER)
    new = cipher.encrypt("11010519491231002X")
    assert (cipher.key_version(old), cipher.key_version(new)) == (1, 2)
    assert cipher.decrypt(old) == "11010519491231002X"
    assert not cipher.is_current(old)
    again = cipher.reencrypt(old)
    assert cipher.is_current(again)
    assert cipher.decrypt(again) == "11010519491231002X"


def test_a_retired_key_version_is_named_in_the_error() -> None:
    two = rotated(KEYRING)
    old = _privacy(two).encrypt("x", ID_NUMBER)  # version 2
    only_first = Keyring(two.index_root, {1: two.data_roots[1]})
    with pytest.raises(UnknownKeyVersion, match="version 2"):
        _privacy(only_first).decrypt(old, ID_NUMBER)


def test_keys_differ_per_purpose_and_tenant() -> None:
    keys = KeyringProvider(KEYRING)
    derived = {
        keys.data_key("worker.phone", 1),
        keys.data_key("worker.id_number", 1),
        keys.data_key("document", 1, "tenant-a"),
        keys.data_key("document", 1, "tenant-b"),
        keys.index_key("worker.phone"),
    }
    assert len(derived) == 5
    assert all(len(k) == 32 for k in derived)
