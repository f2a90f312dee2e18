"""What a store holds, read through SQLAlchemy, so a test says the same on SQLite and PostgreSQL.

:func:`dump` writes out every row of every table (the schema's version included), :func:`digest`
hashes that: equal digests mean an operation changed nothing. :func:`rows` answers one query and
:func:`tables` names the tables. Each
opens an engine of its own and closes it before returning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, inspect, text

from calendar_service import db

__all__ = ["digest", "dump", "rows", "tables"]


@contextmanager
def _connection(url: str) -> Iterator[Connection]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def dump(url: str) -> str:
    """Return every row of every table of the database at ``url`` as text, independent of row order."""
    with _connection(url) as connection:
        tables = []
        # The names come from the database itself (reflecting every column of every table would
        # cost more than reading the rows); each is quoted as the dialect quotes it.
        quote = connection.dialect.identifier_preparer.quote
        for name in sorted(inspect(connection).get_table_names()):
            found = sorted(repr(tuple(row)) for row in connection.execute(text(f"SELECT * FROM {quote(name)}")))
            tables.append(f"{name}\n" + "\n".join(found))
    return "\n\n".join(tables)


def digest(url: str) -> str:
    """Return a hash of :func:`dump`."""
    return hashlib.sha256(dump(url).encode()).hexdigest()


def rows(url: str, query: str, **parameters: Any) -> list[tuple[Any, ...]]:
    """Return the rows of ``query`` (SQL that both databases read alike) on the database at ``url``."""
    with _connection(url) as connection:
        return [tuple(row) for row in connection.execute(text(query), parameters)]


def tables(url: str) -> list[str]:
    """Return the names of the tables of the database at ``url`` (none before it is migrated)."""
    with _connection(url) as connection:
        return sorted(inspect(connection).get_table_names())
