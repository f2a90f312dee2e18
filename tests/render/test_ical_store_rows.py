"""The main calendar read from the store as plain rows: each entry, parsed by icalendar, says what
its stored event holds, and the bytes are those of the same events rendered as ORM objects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.publish.calendars import (
    MAIN_CALENDAR,
    anniversary_window,
    complete_options,
    feed_spec,
    find_calendar,
    narrow,
    render_definition,
)
from calendar_service.render.ical import BlockCache, IcsOptions, render_calendar
from calendar_service.store.queries import EventFilter, in_lists, list_anniversary_events, list_events
from calendar_service.store.records import EventRecord, Status
from tests.icshelpers import parse_icalendar, record, store

TODAY = dt.date(2025, 1, 15)
#: Written here, not asked of the service: what a reader of the calendar sees.
COUNTRIES = {"BY": "Belarus", "KZ": "Kazakhstan", "AM": "Armenia"}
ZONES = ("Europe/Minsk", "Asia/Almaty", "Asia/Yerevan")
STATUSES = (Status.HELD, Status.PLANNED, Status.POSTPONED, Status.CANCELLED)
STATUS_PROPERTY = {Status.HELD: "CONFIRMED", Status.PLANNED: "CONFIRMED", Status.POSTPONED: "TENTATIVE",
                   Status.CANCELLED: "CANCELLED"}


def _records() -> list[EventRecord]:
    records = []
    for number in range(48):
        start = dt.date(2024, 12, 28) + dt.timedelta(days=number * 3)
        timed = number % 2 == 1
        code = tuple(COUNTRIES)[number % 3]
        records.append(record(
            f"row-{number:02d}", title=f"Council; session {number}, part {number % 4}",
            summary=f"Ministers met, twice; {number}\\{number}.\nThey agreed.", start=start,
            end=start if timed else start + dt.timedelta(days=number % 5),
            start_time=dt.time(9, 30) if timed else None, end_time=dt.time(12, 0) if timed else None,
            timezone=ZONES[number % 3], country=code, city=("Minsk", "Astana", "Yerevan")[number % 3],
            status=STATUSES[number % 4]))
    return records


def test_each_entry_says_what_its_stored_event_holds(app: Flask, factory: sessionmaker[Session]) -> None:
    records = _records()
    uids = store(factory, *records).created
    settings = get_settings(app)
    with transaction(factory) as session:
        data = render_definition(session, MAIN_CALENDAR, settings, today=TODAY)
    parsed = {event["uid"]: event for event in parse_icalendar(data)}
    assert set(parsed) == set(uids)
    for uid, stored in zip(uids, records, strict=True):
        entry = parsed[uid]
        prefix = "Postponed: " if stored.status is Status.POSTPONED else ""
        assert entry["summary"] == prefix + stored.title
        assert entry["description"].startswith(stored.summary + "\n\nWhen: ")
        assert entry["location"] == f"{stored.city}, {COUNTRIES[stored.country or '']}"
        assert entry["status"] == STATUS_PROPERTY[stored.status]
        if stored.start_time is None or stored.end_time is None:
            assert (entry["start"], entry["end"]) == (stored.start, stored.end + dt.timedelta(days=1))
        else:
            zone = zoneinfo.ZoneInfo(stored.timezone)
            assert entry["start"] == dt.datetime.combine(stored.start, stored.start_time, zone)
            assert entry["end"] == dt.datetime.combine(stored.end, stored.end_time, zone)


def test_rows_render_the_bytes_of_the_stored_objects(app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, *_records(), record("founding", anniversary=True, start=dt.date(1992, 5, 15)))
    settings = get_settings(app)
    for options in (IcsOptions(), IcsOptions(lang="ru", alarms=(dt.timedelta(hours=2),))):
        with transaction(factory) as session:
            from_rows = render_definition(session, MAIN_CALENDAR, settings, today=TODAY, options=options)
            whole = complete_options(options, settings)
            window = EventFilter(start=TODAY - dt.timedelta(days=settings.ics_past_days), precisions=("day",))
            events = list_events(session, window)
            from_objects = render_calendar(
                events, feed_spec(MAIN_CALENDAR, settings, lang=options.lang), options=whole,
                founding=list_anniversary_events(session), anniversaries=anniversary_window(settings, TODAY),
                today=TODAY)
        assert from_rows == from_objects
        assert from_rows.count(b"BEGIN:VEVENT") == 48 + from_rows.count(b"UID:anniversary-") > 48


def test_a_country_calendar_holds_the_events_held_in_or_involving_its_country(
        app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, record("venue", country="KZ", city="Astana"), record("involved", countries=("AM", "KZ")),
          record("elsewhere", countries=("AM",)))
    with transaction(factory) as session:
        definition = find_calendar(session, "calendars/kz.ics")
        assert definition is not None
        data = render_definition(session, definition, get_settings(app), today=TODAY)
    assert {event["summary"] for event in parse_icalendar(data)} == {"Meeting venue", "Meeting involved"}


def test_a_filtered_calendar_read_as_a_stream_holds_whole_series_and_the_bytes_of_the_objects(
        app: Flask, factory: sessionmaker[Session]) -> None:
    series = record("series", country="AM", city="Yerevan", start=dt.date(2024, 5, 5), end=dt.date(2024, 5, 5),
                    start_time=dt.time(10, 0), end_time=dt.time(11, 0), timezone="Asia/Yerevan",
                    rrule="FREQ=YEARLY", uid="series@example.org")
    moved = record("moved", country="KZ", city="Astana", start=dt.date(2025, 5, 7), end=dt.date(2025, 5, 7),
                   start_time=dt.time(10, 0), end_time=dt.time(11, 0), timezone="Asia/Yerevan",
                   series_uid="series@example.org", recurrence_id="20250505T060000Z")
    store(factory, *_records(), series, moved, record("bodies", countries=("KZ",), bodies=("CSTO Secretariat",)))
    settings = get_settings(app)
    for name, where in (("calendars/kz.ics", EventFilter()), ("calendar.ics", EventFilter(countries=("KZ", "AM"))),
                        ("calendar.ics", EventFilter(bodies=("CSTO Secretariat",)))):
        with transaction(factory) as session:
            definition = find_calendar(session, name)
            assert definition is not None
            streamed = render_definition(session, definition, settings, today=TODAY, where=where, query="q")
            cached = render_definition(session, definition, settings, today=TODAY, where=where, query="q",
                                       cache=BlockCache())
            narrowed = dataclasses.replace(narrow(definition.where, where, name), precisions=("day",),
                                           start=TODAY - dt.timedelta(days=settings.ics_past_days))
            candidates = list_events(session, dataclasses.replace(narrowed, countries=(), bodies=()))
            parts = [event for event in candidates if "series@example.org" in (event.uid, event.series_uid)]
            whole = any(in_lists(event, narrowed) for event in parts)
            events = [event for event in candidates if in_lists(event, narrowed) or (whole and event in parts)]
            from_objects = render_calendar(events, feed_spec(definition, settings, "q", where=where),
                                           options=complete_options(IcsOptions(), settings), today=TODAY,
                                           founding=list_anniversary_events(session, narrowed),
                                           anniversaries=anniversary_window(settings, TODAY, narrowed))
        assert streamed == cached, name
        assert streamed == from_objects, name
        entries = parse_icalendar(streamed)
        uids = [entry["uid"] for entry in entries]
        if name == "calendars/kz.ics" or where.countries:
            # The override is in Kazakhstan, its series in Armenia: the calendar holds both.
            assert uids.count("series@example.org") == 2
            assert b"TZID:Asia/Yerevan" in streamed
