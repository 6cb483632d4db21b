"""A platform with what identity and notifications need: schema, platform secret and
personal-data keys. The trust core (CA, TSA, log keys) is left out, which keeps the
database tests of these domains fast."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from laborsign.bootstrap import Container
from laborsign.db.migrate import upgrade
from laborsign.privacy.wiring import init_privacy
from laborsign.settings import Settings


@contextmanager
def light_platform(database_url: str, home: Path, **settings: object) -> Iterator[Container]:
    config = Settings(
        home=home,
        database_url=database_url,
        secret_key="dev-insecure-" + "k" * 40,
        **settings,  # type: ignore[arg-type]
    )
    home.mkdir(parents=True)
    container = Container(config)
    upgrade(container.engine)
    init_privacy(config)
    try:
        yield container
    finally:
        container.engine.dispose()
