"""Migrations: the chain builds exactly the models' schema, once, under the migrate lock."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.locks import LockTimeout, database_lock
from calendar_service.models import Base


def test_migrations_build_exactly_the_models_schema(make_database_url: Callable[..., str]) -> None:
    factory = db.make_session_factory(make_database_url("schema.db"))
    assert not db.is_schema_current(factory.kw["bind"])
    assert db.migrate(factory)
    assert db.is_schema_current(factory.kw["bind"])
    assert not db.migrate(factory)  # a second run finds nothing to do
    with factory.kw["bind"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    factory.kw["bind"].dispose()
    assert differences == []


def test_a_database_behind_is_not_current_and_one_ahead_is(make_database_url: Callable[..., str]) -> None:
    factory = db.make_session_factory(make_database_url("schema.db"))
    engine = factory.kw["bind"]
    try:
        db.migrate(factory)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        assert not db.is_schema_current(engine)
        with engine.begin() as connection:  # a newer release migrated; this one still serves
            connection.execute(text("UPDATE alembic_version SET version_num = 'a-newer-release'"))
        assert db.is_schema_current(engine)
    finally:
        engine.dispose()


def test_the_revisions_read_from_the_scripts_are_alembics() -> None:
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    known, heads = db.script_revisions()
    assert known == {script.revision for script in scripts.walk_revisions()}
    assert heads == set(scripts.get_heads())
    assert len(heads) == 1
    assert len(known) >= 12


def test_migrate_waits_for_the_lock_and_says_who_held_it(make_database_url: Callable[..., str]) -> None:
    factory = db.make_session_factory(make_database_url("schema.db"))
    holder = database_lock(factory.kw["bind"], "migrate")
    assert holder.acquire()
    try:
        with pytest.raises(LockTimeout, match=f"another process has held the {re.escape(holder.description)}"):
            db.migrate(factory, timeout=0.2)
        assert not db.is_schema_current(factory.kw["bind"])  # nothing was done without the lock
    finally:
        holder.release()
    assert db.migrate(factory, timeout=0.2)
    factory.kw["bind"].dispose()


def test_migrations_started_together_take_turns_and_run_once(make_database_url: Callable[..., str]) -> None:
    factories = [db.make_session_factory(make_database_url("schema.db")) for _ in range(3)]
    start = threading.Barrier(len(factories))
    changed: list[bool] = []

    def run(factory: sessionmaker[Session]) -> None:
        start.wait()
        changed.append(db.migrate(factory))

    threads = [threading.Thread(target=run, args=(factory,)) for factory in factories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for factory in factories:
        factory.kw["bind"].dispose()
    assert sorted(changed) == [False, False, True]


@pytest.mark.sqlite  # SQLite's switch to WAL
def test_opening_a_database_while_another_process_writes_to_it_waits_instead_of_failing(tmp_path: Path) -> None:
    # SQLite answers "database is locked" at once, whatever the busy timeout, to a connection that
    # switches a database to WAL while another connection writes to it (as when the web server, the
    # scheduler and `migrate` open a new database together): the service's connections must queue.
    path = tmp_path / "schema.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE first_write (id INTEGER)")  # a file still in rollback-journal mode
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO first_write VALUES (1)")
    engine = db.make_engine(f"sqlite:///{path}")
    outcome: list[object] = []
    opener = threading.Thread(target=lambda: outcome.append(_try(db.is_schema_current, engine)))
    opener.start()
    opener.join(timeout=0.5)
    try:
        assert outcome == []  # still waiting for the writer, not failed
    finally:
        writer.execute("COMMIT")
        writer.close()
        opener.join(timeout=30)
        engine.dispose()
    assert outcome == [False]  # it went on once the writer was done: no schema yet
    with sqlite3.connect(path) as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _try(function: Callable[..., object], *args: object) -> object:
    try:
        return function(*args)
    except Exception as error:  # the test reports any failure as the outcome
        return error
