"""Alembic environment: the engine comes from the caller (see laborsign.db.migrate)."""

from __future__ import annotations

from alembic import context

from laborsign.db.base import all_metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=all_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
