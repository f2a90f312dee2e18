"""Alembic environment: runs migrations on the connection the service hands over (db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from calendar_service.errors import ConfigurationError
from calendar_service.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection: Connection | None = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise ConfigurationError("no database to migrate: calendar_service.db.migrate names one")
        engine = create_engine(url)
        with engine.begin() as own:
            _run_on(own)
        return
    _run_on(connection)


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


run()
