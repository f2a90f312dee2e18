"""Import of .ics exports: real files from Google, Outlook, Apple, Thunderbird; malformed files refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.ingest.ics import MAX_ICS_BYTES, import_ics, read_ics
from calendar_service.models import Event
from calendar_service.publish.calendars import MAIN_CALENDAR, render_definition
from calendar_service.store.queries import count_events
from tests.conftest import TEST_DATA, change_settings
from tests.icshelpers import parse_icalendar

ICS = TEST_DATA / "ics"
NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

GOOD = {
    "google-public-holidays-xwr-timezone.ics": 111,
    "outlook-folded-html-description.ics": 1,
    "apple-iphone-structured-location.ics": 1,
    "mozilla-sunbird-floating-todos.ics": 14,
}


def _events(factory: sessionmaker[Session]) -> dict[str, Event]:
    with transaction(factory) as session:
        return {event.key: event for event in session.scalars(select(Event))}


def _read(name: str) -> bytes:
    return (ICS / name).read_bytes()


@pytest.mark.parametrize(("name", "count"), sorted(GOOD.items()))
def test_single_events_are_imported_once(app: Flask, factory: sessionmaker[Session], name: str, count: int) -> None:
    first = import_ics(factory, ICS / name, get_settings(app), now=NOW)
    assert len(first.created) == count
    second = import_ics(factory, ICS / name, get_settings(app), now=NOW + dt.timedelta(minutes=5))
    assert (second.created, second.updated, len(second.unchanged)) == ([], [], count)


def test_google_all_day_events_keep_their_uid_and_day(app: Flask, factory: sessionmaker[Session]) -> None:
    import_ics(factory, ICS / "google-public-holidays-xwr-timezone.ics", get_settings(app), now=NOW)
    events = _events(factory)
    assert all(key.startswith("ics:") and event.uid == key.removeprefix("ics:") for key, event in events.items())
    christmas = [e for e in events.values() if e.title == "Christmas Day" and e.start_date.year == 2022]
    assert [(e.start_date, e.end_date, e.start_time) for e in christmas] == [
        (dt.date(2022, 12, 25), dt.date(2022, 12, 25), None)]


def test_yearly_all_day_rrule_stays_one_yearly_series(app: Flask, factory: sessionmaker[Session]) -> None:
    import_ics(factory, ICS / "thunderbird-cyrillic-holidays.ics", get_settings(app), now=NOW)
    new_year = [e for e in _events(factory).values() if e.title == "Новый год"]
    assert [(e.start_date, e.rrule, e.series_end_date) for e in new_year] == [
        (dt.date(2010, 1, 1), "FREQ=YEARLY;INTERVAL=1", None)]
    holidays = [e for e in _events(factory).values() if e.title == "Новогодние каникулы"]
    assert [(e.start_date, e.end_date, e.rrule) for e in holidays] == [
        (dt.date(2010, 1, 2), dt.date(2010, 1, 5), "FREQ=YEARLY;INTERVAL=1")]


def test_windows_zone_names_become_iana_zones(app: Flask, factory: sessionmaker[Session]) -> None:
    import_ics(factory, ICS / "outlook-windows-tz-custom.ics", get_settings(app), now=NOW)
    zones = {event.timezone for event in _events(factory).values()}
    assert zones == {"Europe/Warsaw"}
    first = min(_events(factory).values(), key=lambda e: (e.start_date, e.start_time))
    assert (first.start_date, first.start_time) == (dt.date(2024, 5, 2), dt.time(11, 0))


def test_floating_times_take_the_service_zone(app: Flask, factory: sessionmaker[Session]) -> None:
    import_ics(factory, ICS / "mozilla-sunbird-floating-todos.ics", get_settings(app), now=NOW)
    timed = [e for e in _events(factory).values() if e.start_time is not None]
    assert timed
    assert {e.timezone for e in timed} == {"Europe/Moscow"}
    assert any((e.start_date, e.start_time) == (dt.date(2006, 9, 1), dt.time(12, 0)) for e in timed)


def test_utc_times_with_x_wr_timezone_are_shown_in_that_zone() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
            b"X-WR-TIMEZONE:America/New_York\r\nBEGIN:VEVENT\r\nUID:g1@google.com\r\nDTSTAMP:20250101T000000Z\r\n"
            b"DTSTART:20250320T150000Z\r\nDTEND:20250320T160000Z\r\nSUMMARY:Call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    [record] = read_ics(data, today=TODAY)
    assert (record.start, record.start_time, record.end_time, record.timezone) == (
        dt.date(2025, 3, 20), dt.time(11, 0), dt.time(12, 0), "America/New_York")
    assert record.uid == "g1@google.com"


def test_export_import_export_gives_the_same_events(app: Flask, factory: sessionmaker[Session],
                                                    make_database_url: Callable[..., str], tmp_path: Path) -> None:
    from calendar_service import create_app, db

    for name in ("google-public-holidays-xwr-timezone.ics", "outlook-windows-tz-custom.ics",
                 "apple-iphone-structured-location.ics", "thunderbird-cyrillic-holidays.ics"):
        import_ics(factory, ICS / name, get_settings(app), now=NOW)
    change_settings(app, ics_past_days=20_000)

    def export(application: Flask) -> bytes:
        with transaction(db.get_session_factory(application)) as session:
            return render_definition(session, MAIN_CALENDAR, get_settings(application), today=TODAY)

    first = export(app)
    exported = tmp_path / "export.ics"
    exported.write_bytes(first)
    other = create_app(dataclasses.replace(get_settings(app), database_url=make_database_url("other.db")))
    db.migrate(db.get_session_factory(other))
    import_ics(db.get_session_factory(other), exported, get_settings(other), now=NOW)
    second = export(other)

    def shape(data: bytes) -> list[tuple[object, ...]]:
        return [(e["uid"], e["summary"], e["start"], e["end"], e["location"], e["status"])
                for e in parse_icalendar(data)]

    assert len(shape(first)) > 100
    assert shape(first) == shape(second)


@pytest.mark.parametrize(("data", "line", "reason"), [
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101\r\nEND:VCALENDAR\r\n", 6,
     "END:VCALENDAR where END:VEVENT for line 3 was expected"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101\r\n", 3,
     "BEGIN:VEVENT is never ended"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250230\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 4,
     "not a real date"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 4,
     "not a DATE or DATE-TIME"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Mars/Olympus:20250101T100000\r\nEND:VEVENT\r\n"
     b"END:VCALENDAR\r\n", 4, "unknown time zone 'Mars/Olympus'"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\x89PNG\x00\x00junk\r\n", 3, "binary data"),
    (b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\xfe\r\nEND:VCALENDAR\r\n", 2, "not UTF-8"),
    (b"hello world\r\n", 1, "starts with BEGIN:VCALENDAR"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 2,
     "no DTSTART"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101T080000\r\nDTSTART:20250101T100000\r\n"
     b"END:VEVENT\r\nEND:VCALENDAR\r\n", 5, "DTSTART appears twice in one event (lines 4 and 5)"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101\r\nSTATUS:CONFIRMED\r\nSTATUS:CANCELLED\r\n"
     b"END:VEVENT\r\nEND:VCALENDAR\r\n", 6, "STATUS appears twice"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101\r\nDTEND:20250102\r\nDTEND:20250103\r\n"
     b"END:VEVENT\r\nEND:VCALENDAR\r\n", 6, "DTEND appears twice"),
])
def test_malformed_files_are_refused_with_the_line(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_ics(data, source="bad.ics", today=TODAY)
    assert any(problem.line == line and reason in problem.message for problem in caught.value.problems), \
        caught.value.problems


@pytest.mark.parametrize(("name", "line", "reason"), [
    ("broken-exchange-raw-newlines-no-dtstart.ics", 26, "not an iCalendar content line"),
    ("broken-ns-railway-negative-trigger.ics", 171, "PT-2H"),
])
def test_broken_real_files_are_refused_with_the_line(name: str, line: int, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_ics(_read(name), source=name, today=TODAY)
    first = caught.value.problems[0]
    assert (first.line, reason in first.message) == (line, True)


def test_a_huge_file_is_refused_without_reading_it_all(app: Flask, factory: sessionmaker[Session],
                                                        tmp_path: Path) -> None:
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as stream:
        stream.write(b"BEGIN:VCALENDAR\r\n")
        stream.seek(50 * 1024 * 1024)
        stream.write(b"END:VCALENDAR\r\n")
    with pytest.raises(InvalidInput, match=f"at most {MAX_ICS_BYTES // 1048576} MB"):
        import_ics(factory, huge, get_settings(app), now=NOW)


def test_nothing_is_stored_when_one_event_is_bad(app: Flask, factory: sessionmaker[Session],
                                                 tmp_path: Path) -> None:
    good = _read("google-public-holidays-xwr-timezone.ics")
    bad = tmp_path / "bad.ics"
    bad.write_bytes(good.replace(b"DTSTART;VALUE=DATE:20221225", b"DTSTART;VALUE=DATE:20221235", 1))
    with pytest.raises(InvalidInput, match="not a real date"):
        import_ics(factory, bad, get_settings(app), now=NOW)
    with transaction(factory) as session:
        assert count_events(session) == 0


def test_import_ics_command(runner: CliRunner, tmp_path: Path) -> None:
    from calendar_service.cli import main

    result = runner.invoke(main, ["import-ics", str(ICS / "apple-iphone-structured-location.ics")])
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated, 0 unchanged" in result.output
    broken = runner.invoke(main, ["import-ics", str(ICS / "broken-exchange-raw-newlines-no-dtstart.ics")])
    assert broken.exit_code == 1
    assert "broken-exchange-raw-newlines-no-dtstart.ics:26: not an iCalendar content line" in broken.output


@pytest.mark.parametrize(("tzid", "zone"), [
    ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
    ("tzone://Microsoft/Utc", "UTC"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Asia/Almaty", "Asia/Almaty"),
])
def test_zone_names_of_older_and_windows_exporters(tzid: str, zone: str) -> None:
    data = (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:z1\r\n"
            f"DTSTART;TZID=\"{tzid}\":20250320T100000\r\nSUMMARY:Zoned\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()
    [record] = read_ics(data, today=TODAY)
    assert (record.timezone, record.start_time) == (zone, dt.time(10, 0))


def test_descriptive_properties_given_twice_keep_the_first_and_alarms_may_repeat_theirs() -> None:
    data = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250101\r\nSUMMARY:Council session\r\n"
            b"SUMMARY:Session of the Council\r\nLOCATION:Minsk\r\nLOCATION:Moscow\r\n"
            b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-P1D\r\nDESCRIPTION:a\r\nEND:VALARM\r\n"
            b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\nDESCRIPTION:b\r\nEND:VALARM\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    [record] = read_ics(data, source="twice.ics", today=TODAY)
    assert (record.title, record.city, record.start) == ("Council session", "Minsk", dt.date(2025, 1, 1))
