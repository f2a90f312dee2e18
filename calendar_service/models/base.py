"""Declarative base and the column types every model shares."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from sqlalchemy import DateTime, MetaData, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

__all__ = ["Base", "JSONMapping", "StringList", "UTCDateTime"]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; SQLite keeps no offset, so it is restored on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class StringList(TypeDecorator[tuple[str, ...]]):
    """A short ordered list of strings (country codes, body names), stored as JSON text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str:
        return json.dumps(list(value or ()), ensure_ascii=False)

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...]:
        return _string_list(value) if value else ()


@functools.lru_cache(maxsize=4096)
def _string_list(text: str) -> tuple[str, ...]:
    # The same few lists ("[]", '["KZ"]', '["CSTO Secretariat"]') come back on most rows: each is
    # decoded once (the tuple is immutable, so sharing it is safe).
    return tuple(json.loads(text))


class JSONMapping(TypeDecorator[dict[str, Any]]):
    """A small mapping stored as JSON text, keys sorted so equal mappings store equal text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str:
        return json.dumps(dict(value or {}), ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, Any]:
        return json.loads(value) if value else {}
