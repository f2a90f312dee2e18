"""Ingest the hand-kept YAML datasets (``data/events.yaml``, ``data/reference/*.yaml``): read →
validate → store, all or nothing.

The file is composed into YAML nodes by :mod:`calendar_service.ingest.bounded_yaml` (no aliases,
bounded depth and size, no repeated keys), and each field is converted from its node here, so a
value of the wrong shape (``title: [a, b]``, ``anniversary: maybe``) is named by its field and
line rather than stored as text. Dates stay strings while the YAML is read (no implicit
timestamps), so ``2024-02-30`` is reported against its record and ``2002`` stays a year. Several
files load as one dataset, in one transaction: a broken record in any of them stores nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from calendar_service.dates import Precision, parse_at_precision
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput, Problem
from calendar_service.ingest.bounded_yaml import compose, line_of, plain_tag
from calendar_service.store.records import Category, EventRecord, Status, clip, enum_value, validate_record
from calendar_service.store.writer import Origin, UpsertResult, upsert_records

__all__ = [
    "MAX_DATASET_BYTES", "dataset_paths", "expand_paths", "load_dataset", "load_datasets", "read_dataset",
    "read_datasets",
]

#: Largest dataset file read (5 MB, some 15,000 records).
MAX_DATASET_BYTES = 5 * 1024 * 1024
_FIELDS = {
    "id", "title", "title_ru", "summary", "summary_ru", "start", "end", "start_time", "end_time",
    "timezone", "category", "status", "city", "country", "countries", "bodies", "anniversary",
    "year_inferred", "evidence", "source_url", "published", "uid", "note",
}
#: Record fields that :func:`validate_record` names differently from the dataset.
_DATASET_NAME = {"key": "id"}


def _text(node: Node) -> str | None:
    if isinstance(node, SequenceNode):
        raise ValueError("must be text, not a list")
    if isinstance(node, MappingNode):
        raise ValueError("must be text, not a mapping")
    tag = plain_tag(node)
    if tag == "null":
        return None
    if tag == "bool":
        raise ValueError(f"{node.value!r} reads as true or false; put text in quotes")
    return str(node.value).strip()


def _date(node: Node) -> tuple[dt.date, dt.date, Precision] | None:
    text = _text(node)
    if text is None:
        return None
    if len(text) > 10:
        raise ValueError(f"{clip(text)!r} is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY")
    first, last, precision = parse_at_precision(text)
    return first, last, Precision(precision)


def _time(node: Node) -> dt.time | None:
    text = _text(node)  # YAML 1.1 reads 09:30 as the sexagesimal 570; its text is what counts
    if text is None:
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if not match:
        raise ValueError(f"{clip(text)!r} is not a time of the form HH:MM")
    hour, minute, second = (int(part or 0) for part in match.groups())
    return dt.time(hour, minute, second)


def _codes(node: Node) -> tuple[str, ...]:
    if isinstance(node, ScalarNode):
        text = _text(node)
        return () if text is None else (text,)
    if isinstance(node, MappingNode):
        raise ValueError("must be a list, not a mapping")
    items = []
    for item in node.value:
        if not isinstance(item, ScalarNode):
            raise ValueError(f"each item must be text, not a list or a mapping (line {line_of(item)})")
        items.append(_text(item) or "")
    return tuple(items)


def _flag(node: Node) -> bool:
    if isinstance(node, ScalarNode) and plain_tag(node) == "null":
        return False
    if not isinstance(node, ScalarNode) or plain_tag(node) != "bool":
        shown = clip(node.value) if isinstance(node, ScalarNode) else "a list or a mapping"
        raise ValueError(f"must be true or false, not {shown!r}")
    return SafeConstructor.bool_values[node.value.lower()]


def _record(node: MappingNode, index: int, source: str) -> tuple[EventRecord | None, list[Problem]]:
    line = line_of(node)
    nodes: dict[str, Node] = {key.value: value for key, value in node.value}
    lines: dict[str, int] = {key.value: line_of(key) for key, _value in node.value}
    problems: list[Problem] = []
    try:
        name = clip(_text(nodes["id"]) or "") if "id" in nodes else ""
    except ValueError:
        name = ""
    name = name or f"#{index}"

    def problem(label: str, message: str) -> None:
        problems.append(Problem(message, source=source, record=name, field=label, line=lines.get(label, line)))

    def field(label: str, convert: Callable[[Node], Any], default: Any = None) -> Any:
        if label not in nodes:
            return default
        try:
            value = convert(nodes[label])
        except ValueError as error:
            problem(label, str(error))
            return default
        return default if value is None else value

    for unknown in sorted(set(nodes) - _FIELDS):
        problem(clip(unknown), f"unknown field; known: {', '.join(sorted(_FIELDS))}")
    texts = {
        label: field(label, _text)
        for label in ("id", "title", "title_ru", "summary", "summary_ru", "timezone", "city", "country",
                      "evidence", "source_url", "uid", "note")
    }
    start = field("start", _date)
    if start is None and "start" not in {p.field for p in problems}:
        problem("start", "a start date is required")
    end = field("end", _date, start)
    if start and end and start[2] != end[2]:
        problem("end", f"start is known to the {start[2]} but end to the {end[2]}")
    record_fields = {
        "category": field("category", lambda v: enum_value(Category, _text(v)) if _text(v) else None),
        "status": field("status", lambda v: enum_value(Status, _text(v)) if _text(v) else None),
        "start_time": field("start_time", _time),
        "end_time": field("end_time", _time),
        "countries": field("countries", _codes, ()),
        "bodies": field("bodies", _codes, ()),
        "anniversary": field("anniversary", _flag, False),
        "year_inferred": field("year_inferred", _flag, False),
        "published": field("published", lambda v: (_date(v) or (None,))[0]),
    }
    for required in ("category", "status"):
        if record_fields[required] is None and required not in {p.field for p in problems}:
            problem(required, f"a {required} is required")
    if problems:
        return None, problems
    record = EventRecord(
        key=texts["id"] or "",
        title=texts["title"] or "",
        title_ru=texts["title_ru"],
        summary=texts["summary"] or "",
        summary_ru=texts["summary_ru"],
        start=start[0],
        end=end[1],
        precision=start[2],
        timezone=texts["timezone"] or "Europe/Moscow",
        city=texts["city"],
        country=texts["country"],
        evidence=texts["evidence"],
        source_url=texts["source_url"],
        uid=texts["uid"],
        **record_fields,
    )
    found = validate_record(record, source=source, line=line)
    return record, [
        replace(p, record=name, field=_DATASET_NAME.get(p.field or "", p.field),
                line=lines.get(_DATASET_NAME.get(p.field or "", p.field or ""), line))
        for p in found
    ]


def _read_file(path: Path, source: str) -> str:
    try:
        if path.stat().st_size > MAX_DATASET_BYTES:
            raise InvalidInput([Problem(f"larger than {MAX_DATASET_BYTES // 2**20} MB", source=source)])
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem("no such file", source=source)]) from None
    except IsADirectoryError:
        raise InvalidInput([Problem("is a folder, not a dataset file", source=source)]) from None
    except UnicodeDecodeError as error:
        raise InvalidInput([Problem(f"not UTF-8 text ({error.reason} at byte {error.start})", source=source)]) from None
    except OSError as error:
        raise InvalidInput([Problem(f"cannot be read: {error.strerror}", source=source)]) from None


def _as_of(node: Node, source: str) -> None:
    """Check the file's ``as_of`` day: the day its records were last checked against the reporting."""
    try:
        found = _date(node)
        if found is None or found[2] is not Precision.DAY:
            raise ValueError("must be a day, YYYY-MM-DD")
    except ValueError as error:
        raise InvalidInput([Problem(f"'as_of' {error}", source=source, line=line_of(node))]) from None


def _events_node(root: Node | None, source: str) -> SequenceNode:
    expected = "expected a list of events under 'events:'"
    if isinstance(root, MappingNode):
        found: Node | None = None
        for key, value in root.value:
            if key.value == "events":
                found = value
            elif key.value == "as_of":
                _as_of(value, source)
            elif key.value != "version":
                raise InvalidInput([Problem(f"unknown key {clip(key.value)!r}; a dataset has 'version', 'as_of' "
                                            "and 'events'", source=source, line=line_of(key))])
        root = found
    if not isinstance(root, SequenceNode):
        raise InvalidInput([Problem(expected, source=source, line=line_of(root) if root is not None else None)])
    return root


def read_dataset(path: Path) -> list[EventRecord]:
    """Read and check every record of a dataset file.

    Raises:
        InvalidInput: the file is missing, unreadable, not YAML, refused by
            :mod:`~calendar_service.ingest.bounded_yaml`, or any record is invalid; every problem is
            named with the file, the line, the record id and the field.
    """
    source = str(path)
    events = _events_node(compose(_read_file(path, source), source=source), source)
    records: list[EventRecord] = []
    problems: list[Problem] = []
    first_lines: dict[str, int] = {}
    for index, node in enumerate(events.value, start=1):
        if not isinstance(node, MappingNode):
            problems.append(Problem("each event must be a mapping of fields", source=source, record=f"#{index}",
                                    line=line_of(node)))
            continue
        record, found = _record(node, index, source)
        problems.extend(found)
        if record is not None and not found:
            if record.key in first_lines:
                problems.append(Problem(f"the same id appears twice (first on line {first_lines[record.key]})",
                                        source=source, record=clip(record.key), field="id", line=line_of(node)))
            first_lines.setdefault(record.key, line_of(node))
            records.append(record)
    if problems:
        raise InvalidInput(problems)
    return records


def read_datasets(paths: Sequence[Path]) -> list[EventRecord]:
    """Read and check the dataset files at ``paths`` as one dataset.

    Raises:
        InvalidInput: any file is unreadable or has an invalid record, or two records (in the same
            file or in two files) share an id; every problem of every file is named.
    """
    records: list[EventRecord] = []
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        try:
            found = read_dataset(path)
        except InvalidInput as error:
            problems.extend(error.problems)
            continue
        for record in found:
            if record.key in first_seen:
                where = "" if first_seen[record.key] == str(path) else f", first in {first_seen[record.key]}"
                problems.append(Problem(f"the same id appears twice{where}", source=str(path), record=record.key,
                                        field="id"))
                continue
            first_seen[record.key] = str(path)
            records.append(record)
    if problems:
        raise InvalidInput(problems)
    return records


def dataset_paths(data_dir: Path, spec: str) -> tuple[list[Path], list[str]]:
    """Return the dataset files a ``DATASET`` setting names, and the names that match nothing.

    ``spec`` is a comma-separated list of entries relative to ``data_dir`` (or absolute): a file,
    a folder (its ``*.yaml`` files) or a glob pattern (``reference/*.yaml``). Files come in the
    order of the entries, each folder's and pattern's files sorted by name, each file once.
    """
    paths: list[Path] = []
    missing: list[str] = []
    for entry in (part.strip() for part in spec.split(",")):
        if not entry:
            continue
        target = data_dir / entry
        if any(ch in entry for ch in "*?["):
            pattern = Path(entry)
            base = Path(pattern.anchor) if pattern.is_absolute() else data_dir
            relative = pattern.relative_to(base) if pattern.is_absolute() else pattern
            found = sorted(path for path in base.glob(str(relative)) if path.is_file())
        elif target.is_dir():
            found = sorted(path for path in target.glob("*.yaml") if path.is_file())
        else:
            found = [target] if target.is_file() else []
        if not found:
            missing.append(entry)
        paths.extend(path for path in found if path not in paths)
    return paths, missing


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Return ``paths`` with each folder replaced by its ``*.yaml`` files, sorted by name."""
    expanded: list[Path] = []
    for path in paths:
        found = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        expanded.extend(found_path for found_path in found if found_path not in expanded)
    return expanded


def load_datasets(factory: sessionmaker[Session], paths: Sequence[Path], *, now: dt.datetime) -> UpsertResult:
    """Store every event of the dataset files at ``paths`` in one transaction, or none of them."""
    records = read_datasets(paths)
    with transaction(factory) as session:
        return upsert_records(session, records, now=now, origin=Origin.DATASET,
                              source=", ".join(str(path) for path in paths))


def load_dataset(factory: sessionmaker[Session], path: Path, *, now: dt.datetime) -> UpsertResult:
    """Store every event of the dataset at ``path`` in one transaction, or none of them."""
    return load_datasets(factory, [path], now=now)
