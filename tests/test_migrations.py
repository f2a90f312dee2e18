"""Migrations: the chain builds exactly the models' schema, once, under the migrate lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.locks import LockTimeout, database_lock
from calendar_service.models import Base


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    factory = db.make_session_factory(f"sqlite:///{tmp_path / 'schema.db'}")
    assert not db.is_schema_current(factory.kw["bind"])
    assert db.migrate(factory)
    assert db.is_schema_current(factory.kw["bind"])
    assert not db.migrate(factory)  # a second run finds nothing to do
    with factory.kw["bind"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    factory.kw["bind"].dispose()
    assert differences == []


def test_a_database_behind_is_not_current_and_one_ahead_is(tmp_path: Path) -> None:
    factory = db.make_session_factory(f"sqlite:///{tmp_path / 'schema.db'}")
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


def test_migrate_waits_for_the_lock_and_says_who_held_it(tmp_path: Path) -> None:
    factory = db.make_session_factory(f"sqlite:///{tmp_path / 'schema.db'}")
    holder = database_lock(factory.kw["bind"], "migrate")
    assert holder.acquire()
    try:
        with pytest.raises(LockTimeout, match=r"another process has held the file lock .*schema\.db\.migrate\.lock"):
            db.migrate(factory, timeout=0.2)
        assert not db.is_schema_current(factory.kw["bind"])  # nothing was done without the lock
    finally:
        holder.release()
    assert db.migrate(factory, timeout=0.2)
    factory.kw["bind"].dispose()


def test_migrations_started_together_take_turns_and_run_once(tmp_path: Path) -> None:
    factories = [db.make_session_factory(f"sqlite:///{tmp_path / 'schema.db'}") for _ in range(3)]
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
