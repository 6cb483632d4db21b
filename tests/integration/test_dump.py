"""A database dump holds no ID number or phone number in clear (security baseline).

The probe table uses `EncryptedString` exactly as the domain tables do; each dump test also
shows that the same value in a plain column *is* found, so the check can fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, LargeBinary, String, select
from sqlalchemy import type_coerce as coerce
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from stdnum.cn import ric
from tests.integration.dump import assert_not_in_dump, dump_database

from laborsign.bootstrap import Container
from laborsign.db.engine import make_engine
from laborsign.errors import ConfigurationError
from laborsign.privacy import DecryptionFailed, EncryptedString, Purpose
from laborsign.privacy.keyring import rotate_keyring_file
from laborsign.privacy.rotation import reencrypt_table
from laborsign.privacy.wiring import keyring_path
from laborsign.settings import Settings

ID_NUMBER = Purpose.id_number("dump_probe.id_number")
PHONE = Purpose.phone("dump_probe.phone")
ADDRESS = Purpose.text("dump_probe.address")


def _id_number() -> str:
    """A real-looking resident ID number: Beijing Chaoyang, born 1990-03-07, valid check."""
    body = "11010519900307123"
    # GB 11643-1999: weights 2^(17-i) mod 11, check value (12 - sum mod 11) mod 11, 10 → X.
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    number = body + "0123456789X"[(12 - total % 11) % 11]
    assert ric.is_valid(number)
    return number


ID = _id_number()
MOBILE = "13912345678"
HOME = "北京市朝阳区建国路 88 号"


class ProbeBase(DeclarativeBase):
    """Kept apart from the platform's metadata, so migrations never see the probe."""


class Probe(ProbeBase):
    __tablename__ = "dump_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(EncryptedString(ID_NUMBER))
    id_number_index: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(EncryptedString(PHONE))
    address: Mapped[str | None] = mapped_column(EncryptedString(ADDRESS))
    note: Mapped[str] = mapped_column(String(200), default="")


PROBE_TABLE = ProbeBase.metadata.tables["dump_probe"]


def _store(container: Container, *, note: str = "") -> None:
    ProbeBase.metadata.create_all(container.engine)
    with Session(container.engine) as session:
        session.add(
            Probe(
                id_number=ID,
                id_number_index=container.privacy.blind_index(ID, ID_NUMBER),
                phone=MOBILE,
                address=HOME,
                note=note,
            )
        )
        session.commit()


def _url(container: Container) -> str:
    return container.engine.url.render_as_string(hide_password=False)


def test_a_dump_holds_no_id_number_phone_or_address(container: Container) -> None:
    path = keyring_path(container.settings)  # made by init, private, made only once
    assert path.is_file() and (path.stat().st_mode & 0o777) == 0o600
    assert "generated personal-data keyring" not in container.init()
    _store(container)
    dump = dump_database(_url(container))
    assert "dump_probe" in dump  # the table was dumped, with its row
    assert_not_in_dump(dump, ID, MOBILE, HOME)


def test_the_dump_check_finds_a_value_stored_in_clear(container: Container) -> None:
    _store(container, note=f"worker {ID} phone {MOBILE}")
    dump = dump_database(_url(container))
    with pytest.raises(AssertionError):
        assert_not_in_dump(dump, ID)
    with pytest.raises(AssertionError):
        assert_not_in_dump(dump, MOBILE)


def test_rows_round_trip_by_blind_index_and_stay_in_their_column(container: Container) -> None:
    _store(container)
    typed = ID.lower()[:6] + " " + ID[6:]  # how a clerk might type it
    with Session(container.engine) as session:
        found = session.scalars(
            select(Probe).where(
                Probe.id_number_index == container.privacy.blind_index(typed, ID_NUMBER)
            )
        ).one()
        assert (found.id_number, found.phone, found.address) == (ID, MOBILE, HOME)
    # A ciphertext copied into another column does not decrypt there.
    stolen = _raw(container.engine, Probe.phone)
    with container.engine.begin() as connection:
        connection.execute(PROBE_TABLE.update().values(address=coerce(stolen, LargeBinary)))
    with Session(container.engine) as session, pytest.raises(DecryptionFailed):
        session.scalars(select(Probe.address)).one()


def _raw(engine: Engine, column: Any) -> bytes:
    with engine.connect() as connection:
        return bytes(connection.scalars(select(coerce(column, LargeBinary))).one())


def test_an_engine_without_keys_refuses_personal_data(container: Container) -> None:
    ProbeBase.metadata.create_all(container.engine)
    bare = make_engine(_url(container))
    try:
        with Session(bare) as session, pytest.raises(StatementError) as caught:
            session.add(Probe(id_number=ID, id_number_index="x"))
            session.flush()
        # SQLAlchemy wraps errors raised while binding parameters; ours is inside.
        assert isinstance(caught.value.orig, ConfigurationError)
    finally:
        bare.dispose()
    with Session(container.engine) as session:
        assert session.scalars(select(Probe)).all() == []


def test_rotation_then_reencryption_moves_every_value_to_the_new_key(
    container: Container,
) -> None:
    _store(container)
    before = _raw(container.engine, Probe.id_number)
    assert rotate_keyring_file(keyring_path(container.settings)) == 2
    settings = Settings(home=container.settings.home, database_url=_url(container))
    rotated = Container(settings)
    try:
        assert reencrypt_table(rotated.engine, PROBE_TABLE, rotated.privacy, batch=1) == 3
        after = _raw(rotated.engine, Probe.id_number)
        assert rotated.privacy.cipher(ID_NUMBER).key_version(after) == 2 != before[2]
        with Session(rotated.engine) as session:
            row = session.scalars(select(Probe)).one()
            assert (row.id_number, row.phone, row.address) == (ID, MOBILE, HOME)
        # Idempotent: nothing is left on the old version.
        assert reencrypt_table(rotated.engine, PROBE_TABLE, rotated.privacy) == 0
        assert_not_in_dump(dump_database(_url(rotated)), ID, MOBILE, HOME)
    finally:
        rotated.engine.dispose()
