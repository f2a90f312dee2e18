"""Engine, the one session factory, transactions, and schema migrations (Alembic).

Every operation that writes runs inside :func:`transaction`: it commits all of its work or, on
any error, none of it. :func:`migrate` brings the schema to the newest Alembic revision, once,
under the migrate lock; ``calendar-service migrate`` runs it (the Procfile's release phase), and
so do ``serve``, ``scheduler`` and every command that writes, so a database made by any earlier
version keeps working. The web application never migrates: it answers 503 until the schema is
current (:func:`is_schema_current`), a check that reads the revisions from the migration scripts'
text and the database's ``alembic_version`` table, so that a web worker never imports Alembic.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.errors import ConfigurationError
from calendar_service.locks import database_lock, holding

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from flask import Flask

__all__ = [
    "MIGRATE_TIMEOUT_SECONDS",
    "get_session_factory",
    "init_app",
    "is_schema_current",
    "make_engine",
    "make_session_factory",
    "migrate",
    "transaction",
]

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_EXTENSION = "calendar_service.db"
#: How long a process waits for another one to finish migrating.
MIGRATE_TIMEOUT_SECONDS = 120
#: How long a SQLite connection waits for another one's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 15


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, durable: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    # busy_timeout makes writers queue instead of failing at once with "database is locked".
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL (SQLite's default) syncs the write-ahead log at each commit; OFF leaves it to the system.
    cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the database to WAL, which lets the web workers read while the scheduler writes.

    The switch needs the database to itself, and SQLite does not wait for that behind another
    connection's write (waiting could deadlock them): it answers "database is locked" at once,
    busy_timeout or not. That happens when processes open a new database together (the web server,
    the scheduler and ``migrate`` started at once), so the switch is retried, for as long as a
    write waits for a lock; once one connection has switched, the others find WAL and go on.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_SECONDS
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def make_engine(url: str, *, durable: bool = True) -> Engine:
    """Create an engine for ``url``; a SQLite file's folder must exist.

    ``durable`` (the setting ``FSYNC``) false: a SQLite store commits without waiting for the disk.

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
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, durable=durable))
    return engine


def make_session_factory(url: str, *, durable: bool = True) -> sessionmaker[Session]:
    """Return a session factory bound to a new engine for ``url`` (see :func:`make_engine`)."""
    return sessionmaker(bind=make_engine(url, durable=durable), expire_on_commit=False)


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
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def script_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """Return every revision of the migration scripts and the heads among them.

    Read from each script's ``revision`` and ``down_revision`` assignments (literals, as Alembic
    writes them) without importing the scripts or Alembic: what a web worker needs to tell
    whether the schema is current, at none of Alembic's memory.
    """
    known: set[str] = set()
    below: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values = {target.id: statement.value for statement in ast.parse(path.read_text(encoding="utf-8")).body
                  if isinstance(statement, ast.Assign) for target in statement.targets if isinstance(target, ast.Name)}
        if "revision" not in values:
            continue
        known.add(str(ast.literal_eval(values["revision"])))
        down = ast.literal_eval(values["down_revision"]) if "down_revision" in values else None
        below.update([down] if isinstance(down, str) else down or ())
    return frozenset(known), frozenset(known - below)


def _revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}


def is_schema_current(engine: Engine) -> bool:
    """Tell whether the database behind ``engine`` has the newest schema this version knows.

    A revision this version does not know counts as current: it was made by a newer release
    (its release phase migrated before this process was replaced), which keeps the old schema's
    tables readable.

    Raises:
        ConfigurationError: the database cannot be reached.
    """
    try:
        found = _revisions(engine)
    except OperationalError as error:
        raise ConfigurationError(f"cannot reach the database: {error.orig}") from error
    if not found:
        return False
    known, heads = script_revisions()
    return not found <= known or found == heads


def migrate(factory: sessionmaker[Session], timeout: float = MIGRATE_TIMEOUT_SECONDS) -> bool:
    """Bring the database behind ``factory`` to the newest schema revision; return whether it changed.

    Cheap when the schema is current (one query, no lock). Safe to call from many processes at
    once: they take turns under the migrate lock (:mod:`calendar_service.locks`), and all but the
    first find nothing to do.

    Raises:
        ConfigurationError: the database cannot be reached or written, or another process held the
            migrate lock for ``timeout`` seconds.
    """
    engine: Engine = factory.kw["bind"]
    try:
        if is_schema_current(engine):
            return False
        from alembic import command
        from alembic.migration import MigrationContext

        config = _alembic_config(engine.url.render_as_string(hide_password=False))
        heads = set(script_revisions()[1])
        with holding(database_lock(engine, "migrate"), timeout), engine.begin() as connection:
            before = set(MigrationContext.configure(connection).get_current_heads())
            if before == heads:  # another process migrated while this one waited for the lock
                return False
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise ConfigurationError(f"cannot prepare the database {engine.url!r}: {error.orig}") from error
    if before:
        log.info("migrated the database from %s to %s", ", ".join(sorted(before)), ", ".join(sorted(heads)))
    else:
        log.info("created the database schema (%s)", ", ".join(sorted(heads)))
    return True


def init_app(app: Flask) -> None:
    """Give ``app`` its session factory, built from ``DATABASE_URL``. Migrates nothing."""
    from calendar_service import get_settings

    settings = get_settings(app)
    app.extensions[_EXTENSION] = make_session_factory(settings.database_url, durable=settings.fsync)


def get_session_factory(app: Flask) -> sessionmaker[Session]:
    """Return the session factory :func:`init_app` gave ``app``."""
    return app.extensions[_EXTENSION]
