"""A calendar spliced after a change is the calendar a whole render of the same store writes, byte for
byte, with a valid gzip twin: edits, new events, purged ones, events moved to other days."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import os
import random
import subprocess
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.config import Settings
from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.publish.build import BuildResult, build_feeds
from calendar_service.publish.entryindex import EntryIndex, Uids
from calendar_service.publish.files import read_manifest
from calendar_service.publish.gzipseg import (
    HEADER,
    _crc32_combine_python,
    combine_all,
    compress_segment,
    crc32_combine,
    trailer,
)
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import edit_event, purge_event, upsert_records
from tests.conftest import NOW, Template, copy_template, sqlite_template
from tests.pg import ON_POSTGRESQL

ZONES = ("Europe/Moscow", "Asia/Almaty", "UTC")
COUNTRIES = ("RU", "KZ", "BY", "AM")
CATEGORIES = (Category.MEETING, Category.CONSULTATION, Category.TRAINING)


def _record(number: int, **changes: object) -> EventRecord:
    start = dt.date(2024, 3, 1) + dt.timedelta(days=number % 30)
    timed = number % 2 == 1
    record = EventRecord(
        key=f"event-{number}", title=f"Session {number} of the council", summary="Talks on security. " * 8,
        start=start, end=start + dt.timedelta(days=0 if timed else number % 3), precision=Precision.DAY,
        category=CATEGORIES[number % 3], status=Status.HELD, start_time=dt.time(10) if timed else None,
        end_time=dt.time(12) if timed else None, timezone=ZONES[number % 3], city="Moscow",
        country=COUNTRIES[number % 4], countries=(COUNTRIES[(number + 1) % 4],), bodies=("CSTO Secretariat",))
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def _fill(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        founding = _record(500, title="Signing of the Collective Security Treaty", start=dt.date(1992, 5, 15),
                           end=dt.date(1992, 5, 15), anniversary=True)
        upsert_records(session, [*(_record(number) for number in range(120)), founding], now=NOW)


@pytest.fixture(scope="module")
def splice_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: Template) -> Template | None:
    """The 121 events and their feeds built once per run on SQLite; on PostgreSQL each test fills its own store."""
    if ON_POSTGRESQL:
        return None
    return sqlite_template(tmp_path_factory, migrated_template, "splice", _fill)


@pytest.fixture
def store(app: Flask, factory: sessionmaker[Session], splice_template: Template | None) -> Settings:
    """The 121 events, every calendar rendered whole from them and published at NOW."""
    settings = get_settings(app)
    if splice_template is None:
        _fill(factory)
        build_feeds(factory, settings, now=NOW)
    else:
        copy_template(app, splice_template)
    assert {"calendar.ics", "calendars/anniversaries.ics"} <= set(read_manifest(settings.feeds_dir)["files"])
    return settings


def _uid(factory: sessionmaker[Session], key: str) -> str:
    from calendar_service.models import Event

    with transaction(factory) as session:
        return session.query(Event.uid).filter(Event.key == key).scalar()


def _whole(factory: sessionmaker[Session], settings: Settings, folder: Path, now: dt.datetime) -> BuildResult:
    folder.mkdir()
    return build_feeds(factory, dataclasses.replace(settings, feeds_dir=folder), now=now)


def _same_as_whole(factory: sessionmaker[Session], settings: Settings, spliced: BuildResult, folder: Path,
                   now: dt.datetime) -> None:
    whole = _whole(factory, settings, folder, now)
    names = [name for name in whole.manifest["files"] if name.endswith(".ics")]
    assert names == [name for name in spliced.manifest["files"] if name.endswith(".ics")]
    for name in names:
        ours = (settings.feeds_dir / name).read_bytes()
        theirs = (folder / name).read_bytes()
        assert ours == theirs, name
        assert spliced.manifest["files"][name]["sha256"] == whole.manifest["files"][name]["sha256"]
        packed = settings.feeds_dir / (name + ".gz")
        assert gzip.decompress(packed.read_bytes()) == ours
        assert packed.read_bytes() == (folder / (name + ".gz")).read_bytes()  # the same segments
        assert subprocess.run(["gzip", "-t", str(packed)], check=False).returncode == 0
        assert spliced.manifest["files"][name]["gzip_size"] == packed.stat().st_size
    # The bytes are a whole render's, which the calendar tests parse; the main calendar is parsed here too.
    assert icalendar.Calendar.from_ical((settings.feeds_dir / "calendar.ics").read_bytes()).walk("VEVENT")


def test_an_edit_in_place_is_spliced_into_each_calendar_holding_it(factory: sessionmaker[Session], store: Settings,
                                                                    tmp_path: Path) -> None:
    later = NOW + dt.timedelta(hours=1)
    with transaction(factory) as session:
        edit_event(session, _uid(factory, "event-7"), {"title": "Session 7, renamed"}, now=later, actor="editor:a")
    build = build_feeds(factory, store, now=later)
    assert build.calendars["calendar.ics"] == "spliced"
    assert build.calendars["calendars/meetings.ics"] == "spliced"  # event 7 is a consultation
    assert build.calendars["calendars/trainings.ics"] == "kept"
    assert build.calendars["calendars/kz.ics"] == "kept"  # neither its country (AM) nor one involved (RU)
    assert b"Session 7\\, renamed" in (store.feeds_dir / "calendar.ics").read_bytes()
    _same_as_whole(factory, store, build, tmp_path / "whole", later)


@pytest.mark.parametrize("change", ["move", "insert", "purge", "cancel", "out of one calendar", "two at once"])
def test_changes_spliced_equal_a_whole_render(factory: sessionmaker[Session], store: Settings, tmp_path: Path,
                                              change: str) -> None:
    later = NOW + dt.timedelta(hours=1)
    with transaction(factory) as session:
        if change == "move":  # to another day, far from where it was
            edit_event(session, _uid(factory, "event-8"), {"start": dt.date(2024, 4, 2), "end": dt.date(2024, 4, 2)},
                       now=later, actor="editor:a")
        elif change == "insert":
            upsert_records(session, [_record(1000, start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 5))], now=later)
        elif change == "purge":
            purge_event(session, _uid(factory, "event-12"), now=later, actor="editor:a")
        elif change == "cancel":
            edit_event(session, _uid(factory, "event-13"), {"status": Status.CANCELLED}, now=later, actor="editor:a")
        elif change == "out of one calendar":
            edit_event(session, _uid(factory, "event-9"), {"category": Category.TRAINING}, now=later,
                       actor="editor:a")
        else:
            upsert_records(session, [_record(20, title="Twenty"), _record(1001)], now=later)
    build = build_feeds(factory, store, now=later)
    assert build.calendars["calendar.ics"] == "spliced"
    if change == "out of one calendar":  # the trainings had no VTIMEZONE for Moscow yet: rendered whole
        assert build.calendars["calendars/trainings.ics"] == "rendered"
    _same_as_whole(factory, store, build, tmp_path / "whole", later)


def test_a_founding_event_no_longer_one_renders_the_anniversaries_whole(factory: sessionmaker[Session],
                                                                          store: Settings, tmp_path: Path) -> None:
    assert b"anniversary-" in (store.feeds_dir / "calendars" / "anniversaries.ics").read_bytes()
    later = NOW + dt.timedelta(hours=1)
    with transaction(factory) as session:
        edit_event(session, _uid(factory, "event-500"), {"anniversary": False}, now=later, actor="editor:a")
    build = build_feeds(factory, store, now=later)
    assert build.calendars["calendars/anniversaries.ics"] == "rendered"
    assert build.calendars["calendar.ics"] == "rendered"
    assert b"anniversary-" not in (store.feeds_dir / "calendars" / "anniversaries.ics").read_bytes()
    _same_as_whole(factory, store, build, tmp_path / "whole", later)


def test_a_change_to_a_series_renders_whole(factory: sessionmaker[Session], store: Settings, tmp_path: Path) -> None:
    later = NOW + dt.timedelta(hours=1)
    with transaction(factory) as session:
        upsert_records(session, [_record(2000, rrule="FREQ=YEARLY")], now=later)
    build = build_feeds(factory, store, now=later)
    assert build.calendars["calendar.ics"] == "rendered"
    _same_as_whole(factory, store, build, tmp_path / "whole", later)


def test_a_new_day_renders_whole_and_nothing_changed_keeps_all(factory: sessionmaker[Session], store: Settings,
                                                                tmp_path: Path) -> None:
    again = build_feeds(factory, store, now=NOW + dt.timedelta(minutes=5))
    assert set(again.calendars.values()) == {"kept"}
    tomorrow = build_feeds(factory, store, now=NOW + dt.timedelta(days=1))
    assert set(tomorrow.calendars.values()) == {"rendered"}
    assert read_manifest(store.feeds_dir)["files"] == tomorrow.manifest["files"]


def test_a_missing_index_renders_whole(factory: sessionmaker[Session], store: Settings, tmp_path: Path) -> None:
    entry = read_manifest(store.feeds_dir)["files"]["calendar.ics"]
    (store.feeds_dir / (entry["object"] + ".idx")).unlink()
    later = NOW + dt.timedelta(hours=1)
    with transaction(factory) as session:
        edit_event(session, _uid(factory, "event-7"), {"title": "Renamed"}, now=later, actor="editor:a")
    build = build_feeds(factory, store, now=later)
    assert build.calendars["calendar.ics"] == "rendered"
    assert build.calendars["calendars/meetings.ics"] == "spliced"
    _same_as_whole(factory, store, build, tmp_path / "whole", later)


def test_random_edits_in_turn_stay_identical(factory: sessionmaker[Session], store: Settings, tmp_path: Path) -> None:
    chance = random.Random(5)
    now = NOW
    for turn in range(4):
        now += dt.timedelta(hours=1)
        numbers = chance.sample(range(120), 3)
        with transaction(factory) as session:
            moved = [_record(number, start=dt.date(2024, 3, 1) + dt.timedelta(days=chance.randrange(30)),
                             end=dt.date(2024, 4, 15)) for number in numbers]
            upsert_records(session, moved, now=now)
        build = build_feeds(factory, store, now=now)
        assert build.calendars["calendar.ics"] == "spliced"
        _same_as_whole(factory, store, build, tmp_path / f"whole-{turn}", now)


@pytest.mark.parametrize("combine", [crc32_combine, _crc32_combine_python])
def test_crc32_combine_agrees_with_zlib(combine: Callable[[int, int, int], int]) -> None:
    chance = random.Random(1)
    for first, second in [(0, 0), (0, 5), (5, 0), (1, 1), (1000, 77_777), (3, 1 << 20)]:
        a, b = chance.randbytes(first), chance.randbytes(second)
        assert combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    parts = [chance.randbytes(chance.randrange(2000)) for _ in range(200)]
    assert combine_all((zlib.crc32(part), len(part)) for part in parts) == zlib.crc32(b"".join(parts))


def test_segments_make_one_valid_gzip_member(tmp_path: Path) -> None:
    parts = [os.urandom(100) * number for number in range(1, 30)]
    whole = b"".join(parts)
    member = HEADER + b"".join(compress_segment(part) for part in parts) + trailer(zlib.crc32(whole), len(whole))
    (tmp_path / "member.gz").write_bytes(member)
    assert gzip.decompress(member) == whole
    assert subprocess.run(["gzip", "-t", str(tmp_path / "member.gz")], check=False).returncode == 0


def test_an_index_finds_uids_by_whole_line_only() -> None:
    uids = ["a-1", "a-10", "xa-1", "anniversary-a-1-33", "b"]
    zeros = [0] * len(uids)
    stored = EntryIndex.from_bytes(EntryIndex(
        basis="", uids=Uids.from_list(list(uids)), starts=array("i", zeros), ends=array("i", zeros),
        lengths=array("i", zeros), zones=array("h", zeros), zone_lasts=array("i", zeros), flags=array("b", zeros),
    ).to_bytes())
    assert stored is not None
    for made in (Uids.from_list(list(uids)), stored.uids):
        assert made.positions({"a-1", "b", "a", "1", "c"}) == {"a-1": 0, "b": 4}
        assert made.positions({"xa-1", "a-10"}) == {"xa-1": 2, "a-10": 1}
        many = {f"z-{number}" for number in range(Uids.SEARCHED)} | {"a-10", "anniversary-a-1-33"}
        assert made.positions(many) == {"a-10": 1, "anniversary-a-1-33": 3}
        assert list(made) == uids
    assert Uids.from_list([]).positions({"a"}) == {}
