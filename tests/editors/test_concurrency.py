"""No lost update: an edit against a version another writer replaced meanwhile fails in the UPDATE itself.

The If-Match check before the edit is not enough when two requests read the same version at
once; the version is checked again by the database (SQLAlchemy's ``version_id_col``), on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.errors import EditConflict
from calendar_service.ingest.dataset import load_dataset
from calendar_service.models import Event
from calendar_service.store.history import list_changes
from calendar_service.store.writer import edit_event
from tests.conftest import DATASET, NOW
from tests.pg import Engines


def _race(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        uid = session.scalars(select(Event.uid).order_by(Event.uid)).first()
    assert uid is not None
    mine = factory()
    try:
        row = mine.scalars(select(Event).where(Event.uid == uid)).one()
        version = row.version
        with transaction(factory) as theirs:  # another editor saves first
            edit_event(theirs, uid, {"summary": "Theirs."}, now=NOW, actor="editor:bob", expected_version=version)
        with pytest.raises(EditConflict, match="changed by someone else"):
            edit_event(mine, uid, {"summary": "Mine."}, now=NOW, actor="editor:alice", expected_version=version)
        mine.rollback()
    finally:
        mine.close()
    with transaction(factory) as session:
        stored = session.scalars(select(Event).where(Event.uid == uid)).one()
        assert stored.summary == "Theirs."
        assert stored.version == version + 1
        assert [change.actor for change in list_changes(session, uid)][-1] == "editor:bob"


def test_a_concurrent_edit_fails(loaded: object, factory: sessionmaker[Session]) -> None:
    _race(factory)


@pytest.fixture
def pg_factory(migrated_postgres_url: str, pg_engines: Engines) -> sessionmaker[Session]:
    """A migrated PostgreSQL store of the test's own, loaded with the dataset; its connections closed after."""
    factory = pg_engines.session_factory(migrated_postgres_url)
    load_dataset(factory, DATASET, now=NOW)
    return factory


@pytest.mark.postgresql
def test_a_concurrent_edit_fails_on_postgresql(pg_factory: sessionmaker[Session]) -> None:
    _race(pg_factory)
