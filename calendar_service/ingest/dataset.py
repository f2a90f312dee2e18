"""Ingest the hand-kept YAML dataset (``data/events.yaml``): read → validate → store, all or nothing.

Dates stay strings while the YAML is read (no implicit timestamps), so ``2024-02-30`` is reported
against its record instead of failing inside the YAML library, and ``2002`` stays a year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.dates import Precision, parse_at_precision
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput, Problem
from calendar_service.store.records import Category, EventRecord, Status, enum_value, validate_record
from calendar_service.store.writer import UpsertResult, upsert_records

__all__ = ["load_dataset", "read_dataset"]

MAX_DATASET_BYTES = 20 * 1024 * 1024
_LINE = "__line__"
_FIELDS = {
    "id", "title", "title_ru", "summary", "summary_ru", "start", "end", "start_time", "end_time",
    "timezone", "category", "status", "city", "country", "countries", "bodies", "anniversary",
    "year_inferred", "evidence", "source_url", "published", "uid",
}


class _Loader(yaml.SafeLoader):
    """Safe loading, no implicit timestamps, and each mapping remembers its line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping_with_line(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _text(value: Any) -> str | None:
    return None if value is None else str(value).strip()


def _time(value: Any) -> dt.time | None:
    if value is None:
        return None
    if isinstance(value, int):  # YAML 1.1 reads 09:30 as sexagesimal 570
        return dt.time(value // 60, value % 60)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a time of the form HH:MM")
    hour, minute, second = (int(part or 0) for part in match.groups())
    return dt.time(hour, minute, second)


def _codes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError("must be a list")
    return tuple(str(item).strip() for item in value)


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _record(raw: dict[str, Any], index: int, source: str) -> tuple[EventRecord | None, list[Problem]]:
    line = raw.pop(_LINE, None)
    name = str(raw.get("id") or f"#{index}")
    problems: list[Problem] = []

    def field(label: str, convert: Callable[[Any], Any], default: Any = None) -> Any:
        try:
            return convert(raw.get(label)) if raw.get(label) is not None else default
        except ValueError as error:
            problems.append(Problem(str(error), source=source, record=name, field=label, line=line))
            return default

    for unknown in sorted(set(raw) - _FIELDS):
        problems.append(Problem(f"unknown field; known: {', '.join(sorted(_FIELDS))}",
                                source=source, record=name, field=unknown, line=line))
    if raw.get("start") is None:
        problems.append(Problem("a start date is required", source=source, record=name, field="start", line=line))
    start = field("start", lambda v: parse_at_precision(str(v)))
    end = field("end", lambda v: parse_at_precision(str(v)), start)
    if start and end and start[2] != end[2]:
        problems.append(Problem(f"start is known to the {start[2]} but end to the {end[2]}",
                                source=source, record=name, field="end", line=line))
    record_fields = {
        "category": field("category", lambda v: enum_value(Category, v)),
        "status": field("status", lambda v: enum_value(Status, v)),
        "start_time": field("start_time", _time),
        "end_time": field("end_time", _time),
        "countries": field("countries", _codes, ()),
        "bodies": field("bodies", _codes, ()),
        "anniversary": field("anniversary", _flag, False),
        "year_inferred": field("year_inferred", _flag, False),
        "published": field("published", lambda v: parse_at_precision(str(v))[0]),
    }
    for required in ("category", "status"):
        if raw.get(required) is None:
            problems.append(Problem(f"a {required} is required", source=source, record=name,
                                    field=required, line=line))
    if problems:
        return None, problems
    record = EventRecord(
        key=_text(raw.get("id")) or "",
        title=_text(raw.get("title")) or "",
        title_ru=_text(raw.get("title_ru")),
        summary=_text(raw.get("summary")) or "",
        summary_ru=_text(raw.get("summary_ru")),
        start=start[0],
        end=end[1],
        precision=Precision(start[2]),
        timezone=_text(raw.get("timezone")) or "Europe/Moscow",
        city=_text(raw.get("city")),
        country=_text(raw.get("country")),
        evidence=_text(raw.get("evidence")),
        source_url=_text(raw.get("source_url")),
        uid=_text(raw.get("uid")),
        **record_fields,
    )
    return record, validate_record(record, source=source, line=line)


def read_dataset(path: Path) -> list[EventRecord]:
    """Read and check every record of a dataset file.

    Raises:
        InvalidInput: the file is missing, unreadable, not YAML, or any record is invalid; every
            problem is named with the file, the record id and the field.
    """
    source = str(path)
    try:
        if path.stat().st_size > MAX_DATASET_BYTES:
            raise InvalidInput([Problem(f"larger than {MAX_DATASET_BYTES // 2**20} MB", source=source)])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem("no such file", source=source)]) from None
    except IsADirectoryError:
        raise InvalidInput([Problem("is a folder, not a dataset file", source=source)]) from None
    except UnicodeDecodeError as error:
        raise InvalidInput([Problem(f"not UTF-8 text ({error.reason} at byte {error.start})", source=source)]) from None
    except OSError as error:
        raise InvalidInput([Problem(f"cannot be read: {error.strerror}", source=source)]) from None
    try:
        document = yaml.load(text, Loader=_Loader)  # _Loader derives from SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InvalidInput([Problem(f"not valid YAML: {getattr(error, 'problem', error)}", source=source,
                                    line=mark.line + 1 if mark else None)]) from None
    if isinstance(document, dict):
        document.pop(_LINE, None)
        raw_events = document.get("events")
    else:
        raw_events = document
    if not isinstance(raw_events, list):
        raise InvalidInput([Problem("expected a list of events under 'events:'", source=source)])
    records: list[EventRecord] = []
    problems: list[Problem] = []
    for index, raw in enumerate(raw_events, start=1):
        if not isinstance(raw, dict):
            problems.append(Problem("each event must be a mapping of fields", source=source, record=f"#{index}"))
            continue
        record, found = _record(dict(raw), index, source)
        problems.extend(found)
        if record is not None:
            records.append(record)
    if problems:
        raise InvalidInput(problems)
    return records


def load_dataset(factory: sessionmaker[Session], path: Path, *, now: dt.datetime) -> UpsertResult:
    """Store every event of the dataset at ``path`` in one transaction, or none of them."""
    records = read_dataset(path)
    with transaction(factory) as session:
        return upsert_records(session, records, now=now, source=str(path))
