"""Personal data at rest: field encryption, blind indexes and the keys behind them.

The small public surface other domains use::

    from laborsign.privacy import EncryptedString, Purpose

    ID_NUMBER = Purpose.id_number("worker.id_number")   # table.column; normalises for lookup
    PHONE = Purpose.phone("worker.phone")

    id_number: Mapped[str] = mapped_column(EncryptedString(ID_NUMBER))
    id_number_index: Mapped[str] = mapped_column(String(64), index=True)
    ...
    row.id_number_index = container.privacy.blind_index(value, ID_NUMBER)
    select(WorkerRow).where(WorkerRow.id_number_index == privacy.blind_index(typed, ID_NUMBER))
"""

from laborsign.privacy.cipher import FieldCipher, Privacy, Purpose
from laborsign.privacy.errors import DecryptionFailed, UnknownKeyVersion
from laborsign.privacy.keys import KeyProvider
from laborsign.privacy.sqltypes import EncryptedString, bind_privacy

__all__ = [
    "DecryptionFailed",
    "EncryptedString",
    "FieldCipher",
    "KeyProvider",
    "Privacy",
    "Purpose",
    "UnknownKeyVersion",
    "bind_privacy",
]
