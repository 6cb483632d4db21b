"""Re-encryption after key rotation: rewrite every ciphertext under the current key version.

Rotation itself only adds a key version (new data uses it at once, old data still
decrypts). This pass then moves old ciphertexts forward, in short transactions of one batch
each, so it can run on a live system and resume after an interruption. Once it reports
nothing left, the old key version can be retired. Blind indexes are untouched: their key
does not rotate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Engine, LargeBinary, MetaData, Table, bindparam, select, tuple_
from sqlalchemy import type_coerce as coerce

from laborsign.errors import ConfigurationError
from laborsign.i18n import Text
from laborsign.privacy.cipher import Privacy
from laborsign.privacy.sqltypes import EncryptedString


def encrypted_columns(table: Table) -> list[Column[Any]]:
    return [c for c in table.columns if isinstance(c.type, EncryptedString)]


def reencrypt_table(engine: Engine, table: Table, privacy: Privacy, *, batch: int = 500) -> int:
    """Re-encrypt the old-version values of `table`; returns how many values changed."""
    columns = encrypted_columns(table)
    if not columns:
        return 0
    key = list(table.primary_key.columns)
    if not key:
        raise ConfigurationError(
            Text(
                "表 {t} 没有主键，无法重新加密", "table {t} has no primary key to re-encrypt by"
            ).format(t=table.name)
        )
    # Read the stored bytes as they are: the column type would decrypt them.
    raw = [coerce(c, LargeBinary).label(c.name) for c in columns]
    changed, last = 0, None
    while True:
        query = select(*key, *raw).order_by(*key).limit(batch)
        if last is not None:
            query = query.where(tuple_(*key) > tuple_(*last))  # keyset: stable and resumable
        with engine.begin() as connection:
            rows = connection.execute(query).all()
            for row in rows:
                changed += _reencrypt_row(connection, table, key, columns, row, privacy)
        if len(rows) < batch:
            return changed
        last = tuple(rows[-1][: len(key)])


def _reencrypt_row(
    connection: Any,
    table: Table,
    key: Sequence[Column[Any]],
    columns: Sequence[Column[Any]],
    row: Any,
    privacy: Privacy,
) -> int:
    updates: dict[str, Any] = {}
    for index, column in enumerate(columns):
        blob = row[len(key) + index]
        if blob is None:
            continue
        assert isinstance(column.type, EncryptedString)  # noqa: S101 - narrowed for typing
        cipher = privacy.cipher(column.type.purpose)
        if not cipher.is_current(bytes(blob)):
            # Bound as raw bytes, so the column type does not encrypt the ciphertext again.
            new = cipher.reencrypt(bytes(blob))
            updates[column.name] = bindparam(None, new, type_=LargeBinary)
    if updates:
        where = [c == row[i] for i, c in enumerate(key)]
        connection.execute(table.update().where(*where).values(updates))
    return len(updates)


def reencrypt_all(engine: Engine, privacy: Privacy, metadata: MetaData) -> dict[str, int]:
    """Re-encrypt every table of `metadata` that has encrypted columns."""
    return {
        table.name: reencrypt_table(engine, table, privacy)
        for table in metadata.sorted_tables
        if encrypted_columns(table)
    }
