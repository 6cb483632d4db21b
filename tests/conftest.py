"""Shared fixtures: the two databases, a fresh container per test."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from laborsign.bootstrap import Container
from laborsign.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
SOFTHSM_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"
POSTGRES_ADMIN_URL = os.environ.get(
    "LABORSIGN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this run; skipped (failed under CI) without one."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"laborsign_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def clean_database(request: pytest.FixtureRequest, tmp: Path) -> str:
    """The URL of a clean database of the fixture's parameter, "sqlite" or "postgres"; module
    fixtures parametrised the same way call it too."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp / 'test.db'}"
    url: str = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes it runs once on SQLite and once on PostgreSQL (a clean schema)."""
    return clean_database(request, tmp_path)


@pytest.fixture
def container(database_url: str, tmp_path: Path) -> Iterator[Container]:
    """An initialised platform on a fresh data home and database."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    c = Container(settings)
    c.init()
    yield c
    c.engine.dispose()


@pytest.fixture
def engine(container: Container) -> Engine:
    return container.engine


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One SoftHSM2 token for the whole run (label, user PIN).

    python-pkcs11 initialises the library once per process, and SoftHSM2 reads its
    configuration then: every test must share one configuration, so one session token.
    """
    if shutil.which("softhsm2-util") is None or not Path(SOFTHSM_LIBRARY).exists():
        reason = "SoftHSM2 is not installed (Debian package softhsm2)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    label, pin = f"t{secrets.token_hex(4)}", secrets.token_hex(4)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            secrets.token_hex(4),
            "--pin",
            pin,
        ],
        check=True,
        capture_output=True,
    )
    yield label, pin
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
