from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.ingest.dataset import load_dataset, read_dataset
from calendar_service.models import Event, StoreState
from tests.conftest import DATASET, NOW


def _count(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count(Event.id))) or 0


def _write(path: Path, events: list[dict[str, object]]) -> Path:
    path.write_text(yaml.safe_dump({"version": 1, "events": events}, allow_unicode=True), encoding="utf-8")
    return path


def test_dataset_holds_the_twelve_seed_events() -> None:
    records = read_dataset(DATASET)
    assert len(records) == 12
    by_precision = {p: sum(1 for r in records if r.precision == p) for p in ("day", "month", "year")}
    assert by_precision == {"day": 6, "month": 4, "year": 2}
    treaty = next(r for r in records if r.anniversary)
    assert treaty.start == treaty.end == dt.date(1992, 5, 15)
    assert [r.key for r in records if r.year_inferred] == [
        "news:training:csto-crisis-response-center:2024-12",
        "news:consultation:csto-joint-staff:2024-12",
    ]


def test_loading_twice_stores_no_duplicate(factory: sessionmaker[Session]) -> None:
    first = load_dataset(factory, DATASET, now=NOW)
    second = load_dataset(factory, DATASET, now=NOW + dt.timedelta(hours=1))
    assert len(first.created) == 12
    assert second.created == []
    assert second.updated == []
    assert len(second.unchanged) == 12
    assert _count(factory) == 12
    with transaction(factory) as session:
        assert session.scalar(select(StoreState.revision)) == 1  # the no-op load wrote nothing


FOREIGN_MINISTERS = "news:meeting:csto-council-of-foreign-ministers:2024h1"


def test_a_changed_record_updates_its_event_and_bumps_sequence(
    factory: sessionmaker[Session], dataset_copy: Path
) -> None:
    load_dataset(factory, dataset_copy, now=NOW)
    with transaction(factory) as session:
        before = session.scalar(select(Event).where(Event.key == FOREIGN_MINISTERS))
    document = yaml.safe_load(dataset_copy.read_text(encoding="utf-8"))
    record = next(e for e in document["events"] if e["id"] == FOREIGN_MINISTERS)
    record.update(start="2024-06-20", end="2024-06-21", status="held", city="Almaty")
    dataset_copy.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    later = NOW + dt.timedelta(days=1)
    result = load_dataset(factory, dataset_copy, now=later)

    assert result.updated == [before.uid]
    assert not result.created
    with transaction(factory) as session:
        after = session.scalar(select(Event).where(Event.key == FOREIGN_MINISTERS))
    assert after.uid == before.uid
    assert after.sequence == before.sequence + 1
    assert (after.start_date, after.end_date, after.precision) == (dt.date(2024, 6, 20), dt.date(2024, 6, 21), "day")
    assert after.updated_dt == later
    assert after.created_dt == before.created_dt
    assert _count(factory) == 12


def _line_of(path: Path, field: str, *, record_line: int) -> int:
    """Return the line of ``field`` in the record starting at ``record_line``, else that line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in range(record_line, len(lines) + 1):
        if lines[number - 1].lstrip(" -").startswith(f"{field}:"):
            return number
    return record_line


GOOD = {"id": "good", "title": "A good record", "start": "2024-05-15", "category": "meeting", "status": "held"}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"start": "2024-02-30"}, "start", "day is out of range"),
        ({"start": "2024-05-15", "end": "2024-05-14"}, "end", "before it starts"),
        ({"category": "party"}, "category", "valid: meeting"),
        ({"countries": ["KZ", "XX"]}, "countries", "'XX'"),
        ({"country": "ZZ"}, "country", "'ZZ'"),
        ({"title": ""}, "title", "title is required"),
        ({"status": None}, "status", "status is required"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"start": "2024-05", "end": "2024-05-20"}, "end", "known to the month"),
        ({"timezone": "Europe/Atlantis"}, "timezone", "Europe/Atlantis"),
        ({"title": "bad \x00 byte"}, "title", "control characters"),
    ],
)
def test_a_broken_record_stores_nothing_and_names_file_record_and_field(
    factory: sessionmaker[Session], tmp_path: Path, change: dict[str, object], field: str, words: str
) -> None:
    broken = {**GOOD, "id": "broken-one", **change}
    broken = {key: value for key, value in broken.items() if value is not None}
    path = _write(tmp_path / "broken.yaml", [GOOD, broken])

    with pytest.raises(InvalidInput) as caught:
        load_dataset(factory, path, now=NOW)

    message = str(caught.value)
    assert str(path) in message
    assert "broken-one" in message
    assert repr(field) in message
    assert words in message
    assert caught.value.problems[0].line == _line_of(path, field, record_line=7)
    assert _count(factory) == 0


def test_missing_file_and_bad_yaml_are_clear_errors(factory: sessionmaker[Session], tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        load_dataset(factory, tmp_path / "nope.yaml", now=NOW)
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.yaml:\d+: not valid YAML"):
        load_dataset(factory, bad, now=NOW)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        load_dataset(factory, binary, now=NOW)
    assert _count(factory) == 0


def test_duplicate_ids_are_refused(factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = _write(tmp_path / "twice.yaml", [GOOD, dict(GOOD)])  # two mappings, not one and its alias
    with pytest.raises(InvalidInput, match=r"twice\.yaml:7, record good, field 'id': the same id appears twice "
                                           r"\(first on line 2\)"):
        load_dataset(factory, path, now=NOW)
    assert _count(factory) == 0


def test_uid_survives_a_rebuilt_store(make_database_url: Callable[..., str]) -> None:
    from calendar_service import db

    uids = []
    for name in ("one.db", "two.db"):
        factory = db.make_session_factory(make_database_url(name))
        db.migrate(factory)
        uids.append(sorted(load_dataset(factory, DATASET, now=NOW).created))
    assert uids[0] == uids[1]


def test_as_of_and_notes_are_read_and_checked_but_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "noted.yaml"
    path.write_text(
        'version: 1\nas_of: "2026-11-29"\nevents:\n'
        '  - {id: a, title: A meeting, start: "2025-06", category: meeting, status: planned,\n'
        '     note: "No report of it found."}\n',
        encoding="utf-8",
    )
    [record] = read_dataset(path)
    assert (record.key, record.status) == ("a", "planned")
    assert not hasattr(record, "note")
