"""Engine, the one session factory, transactions, and schema migrations (Alembic).

Every operation that writes runs inside :func:`transaction`: it commits all of its work or, on
any error, none of it. The schema is always brought to the newest Alembic revision before use
(:func:`migrate`), so a database made by any earlier version of the service keeps working.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config as AlembicConfig
from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.errors import ConfigurationError

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["get_session_factory", "init_app", "make_engine", "make_session_factory", "migrate", "transaction"]

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_EXTENSION = "calendar_service.db"
_MIGRATE_LOCK_KEY = 0x63616C31  # "cal1": any constant shared by every process of the service


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web workers read while the scheduler writes; busy_timeout makes writers queue
    # instead of failing at once with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; a SQLite file's folder must exist.

    Raises:
        ConfigurationError: the URL is malformed or its SQLite folder is missing.
    """
    try:
        engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    except (ArgumentError, ImportError, SQLAlchemyError) as error:
        raise ConfigurationError(f"CALENDAR_DATABASE_URL {url!r} cannot be used: {error}") from None
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:" and not Path(database).parent.is_dir():
            raise ConfigurationError(
                f"the folder of the SQLite database {database} does not exist; "
                "create it or set CALENDAR_DATA_DIR / CALENDAR_DATABASE_URL"
            )
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_session_factory(url: str) -> sessionmaker[Session]:
    """Return a session factory bound to a new engine for ``url``."""
    return sessionmaker(bind=make_engine(url), expire_on_commit=False)


@contextlib.contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session and commit everything done in it, or roll everything back on error.

    Raises:
        ConfigurationError: the database cannot be opened or written (translated once, here).
    """
    session = factory()
    try:
        with session.begin():
            yield session
    except OperationalError as error:
        raise ConfigurationError(f"database error: {error.orig}") from error
    finally:
        session.close()


def _alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(factory: sessionmaker[Session]) -> None:
    """Bring the database behind ``factory`` to the newest schema revision.

    Safe to call from many processes at once: they take turns (a file lock beside a SQLite
    database, a transaction-scoped advisory lock on PostgreSQL), and all but the first find
    nothing to do.
    """
    engine = factory.kw["bind"]
    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    database = engine.url.database
    guard: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        guard = FileLock(database + ".migrate.lock", timeout=120)
    try:
        with guard, engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATE_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise ConfigurationError(f"cannot prepare the database {engine.url!r}: {error.orig}") from error
    except Timeout:
        raise ConfigurationError(f"another process has been migrating {database} for two minutes") from None


def init_app(app: Flask) -> None:
    """Give ``app`` its session factory, built from ``DATABASE_URL``, and migrate the schema."""
    factory = make_session_factory(app.config["DATABASE_URL"])
    migrate(factory)
    app.extensions[_EXTENSION] = factory


def get_session_factory(app: Flask) -> sessionmaker[Session]:
    """Return the session factory :func:`init_app` gave ``app``."""
    return app.extensions[_EXTENSION]
