"""The portable row format of a backup: one JSON object per row, the same on SQLite and
PostgreSQL.

Rows are read and written through a copy of each table whose column types are the stored
ones (an encrypted column is read as its ciphertext, never decrypted, and written back
unchanged). Values that JSON lacks are tagged: bytes `{"$b": base64}`, date-times
`{"$t": ISO 8601 with offset}` (SQLite keeps them naive, in UTC), dates `{"$d": ...}`,
decimals `{"$n": "..."}`; a JSON column's value is wrapped as `{"$j": value}` so that no
stored document is mistaken for a tag.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, MetaData, Table, TypeDecorator
from sqlalchemy.types import TypeEngine


def stored_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type as the database stores it (a TypeDecorator's implementation)."""
    if isinstance(type_, TypeDecorator):
        return stored_type(type_.impl_instance)
    return type_


def raw_table(table: Table) -> Table:
    """`table` with stored types only, in a metadata of its own."""
    return Table(
        table.name,
        MetaData(),
        *(
            Column(c.name, stored_type(c.type), primary_key=c.primary_key, autoincrement=False)
            for c in table.columns
        ),
    )


def _encode(value: object, is_json: bool) -> object:
    if value is None:
        return None
    if is_json:
        return {"$j": value}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$t": (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    return value


def _decode(value: object) -> object:
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "$j":
        return inner
    if tag == "$b":
        return base64.b64decode(inner)
    if tag == "$t":
        return datetime.fromisoformat(inner)
    if tag == "$d":
        return date.fromisoformat(inner)
    if tag == "$n":
        return Decimal(inner)
    raise ValueError(f"unknown value tag {tag!r}")


def encode_row(table: Table, row: Mapping[str, object]) -> bytes:
    out = {
        c.name: _encode(row[c.name], isinstance(stored_type(c.type), JSON)) for c in table.columns
    }
    return json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def decode_row(line: bytes) -> dict[str, object]:
    return {name: _decode(value) for name, value in json.loads(line).items()}
