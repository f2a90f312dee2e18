"""A PostgreSQL server for the scheduler's tests, started once per session, a fresh database per test.

Every engine a test opens on it comes from ``pg_engine``, which disposes of it when the test ends,
pass or fail: a connection left open would be closed by the garbage collector during some later
test, which pytest (warnings as errors) then fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from calendar_service import db
from tests.pg import postgres_server

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"calendar_test_{next(_numbers)}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            # FORCE: a killed process's connection may not have been noticed by the server yet.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Callable[[], Engine]]:
    """A factory of engines on the test's database, each disposed of when the test ends."""
    engines: list[Engine] = []

    def make() -> Engine:
        engine = db.make_engine(postgres_url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
