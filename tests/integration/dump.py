"""Dump a whole database to text, as an attacker with a backup would see it.

`dump_database(url)` gives the SQL text of SQLite (Python's `iterdump`) or PostgreSQL
(`pg_dump`); `assert_not_in_dump(dump, *values)` checks that no value appears in it, in
clear or hex-encoded (the form bytes take in both dumps). Extend the dump tests by filling
real tables and calling these two.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url


def find_pg_dump() -> str | None:
    """The newest pg_dump on this machine (newer ones dump older servers, not the reverse)."""
    candidates = [Path(p) for p in Path("/usr/lib/postgresql").glob("*/bin/pg_dump")]

    def version(path: Path) -> int:
        found = re.search(r"/(\d+)/bin/", str(path))
        return int(found.group(1)) if found else 0

    if candidates:
        return str(max(candidates, key=version))
    return shutil.which("pg_dump")


def dump_database(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(str(parsed.database))
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    pg_dump = find_pg_dump()
    if pg_dump is None:
        reason = "pg_dump not found (install postgresql-client)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    libpq_url = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(
        [pg_dump, "--no-owner", "--no-privileges", f"--dbname={libpq_url}"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return result.stdout.decode("utf-8")


def encodings(value: str) -> list[str]:
    """The forms a value takes in a dump: as text, and as the hex of its UTF-8 bytes."""
    return [value, value.encode("utf-8").hex()]


def assert_not_in_dump(dump: str, *values: str) -> None:
    folded = dump.casefold()  # SQLite writes blobs as X'ABCD', pg_dump as \x abcd
    for value in values:
        for form in encodings(value):
            assert form.casefold() not in folded, f"{value!r} appears in the dump as {form!r}"
