"""On PostgreSQL: an over-long id is refused at the door with its field named, not by the database.

Before the lengths were checked in ``store/records.py``, a 300-character id reached the INSERT and
PostgreSQL's ``DataError`` (value too long for type character varying(255)) came back as a traceback
printing the SQL and its parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.dates import Precision
from calendar_service.errors import InvalidInput
from calendar_service.ingest.dataset import load_dataset
from calendar_service.models import Event, StoreState
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, NOW
from tests.pg import database, engines

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def pg_store(postgres_admin_url: str, postgres_template: str) -> Iterator[sessionmaker[Session]]:
    """A migrated PostgreSQL store, shared by the tests of this module (each checks it is unchanged)."""
    with database(postgres_admin_url, template=postgres_template) as url, engines() as opened:
        yield opened.session_factory(url)


def _state(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0, session.scalar(
            select(StoreState.revision)
        )


def test_an_over_long_id_is_a_clear_error_on_postgresql(pg_store: sessionmaker[Session], tmp_path: Path) -> None:
    load_dataset(pg_store, DATASET, now=NOW)
    before = _state(pg_store)
    path = tmp_path / "long.yaml"
    path.write_text(
        "events:\n  - id: " + "k" * 300 + "\n    title: A meeting\n    start: '2024-05-15'\n"
        "    category: meeting\n    status: held\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as refused:
        load_dataset(pg_store, path, now=NOW)
    message = str(refused.value)
    assert message == f"{path}:2, record {'k' * 60}…, field 'id': is 300 characters long; at most 255 are allowed"
    assert _state(pg_store) == before


def test_the_writer_refuses_an_over_long_key_before_any_sql(pg_store: sessionmaker[Session]) -> None:
    record = EventRecord(
        key="news:" + "x" * 300, title="A meeting", start=dt.date(2024, 5, 15), end=dt.date(2024, 5, 15),
        precision=Precision.DAY, category=Category.MEETING, status=Status.HELD, city="M" * 201,
    )
    before = _state(pg_store)
    with pg_store() as session, pytest.raises(InvalidInput) as refused:
        upsert_records(session, [record], now=NOW, source="api")
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("key", "is 305 characters long; at most 255 are allowed"),
        ("city", "is 201 characters long; at most 200 are allowed"),
    ]
    assert _state(pg_store) == before
