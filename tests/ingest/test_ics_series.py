"""Recurring series from .ics files stay series: stored once, published as series, listed within a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import icalendar
import pytest
import recurring_ical_events
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db, get_settings
from calendar_service.db import transaction
from calendar_service.ingest.ics import import_ics
from calendar_service.models import Event
from calendar_service.publish.build import build_feeds
from tests.conftest import TEST_DATA, Template, shared_app
from tests.seriesparsers import (
    occurrences_ical,
    occurrences_icaljs,
    occurrences_recurring_ical_events,
)

ICS = TEST_DATA / "ics"
NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
GOOGLE = "google-series-html-descriptions.ics"
WEEKLY = "5q1bq2r6u3m9kq0v7c8l4s2d1e@google.com"
MONTHLY = "0h7o9kqg2t5b3cplr1d8m6e4fa@google.com"
YEARLY = "2c4e6g8i0k1m3o5q7s9u1w3y5a@google.com"
SERIES_FILES = {  # file: VEVENTs in it
    GOOGLE: 6,
    "icloud-recurring-multiday.ics": 8,
    "thunderbird-cyrillic-holidays.ics": 9,
    "outlook-windows-tz-custom.ics": 2,
    "nextcloud-calendar-app-alarms.ics": 1,
}


def _events(factory: sessionmaker[Session]) -> dict[str, Event]:
    with transaction(factory) as session:
        return {event.key: event for event in session.scalars(select(Event))}


def _source_occurrences(names: list[str], uids: set[str], first: dt.date, last: dt.date) -> list[tuple[str, str]]:
    """Return (uid, start) of what the source files themselves mean, expanded by recurring-ical-events."""
    found = []
    for name in names:
        calendar = icalendar.Calendar.from_ical((ICS / name).read_bytes())
        for event in recurring_ical_events.of(calendar).between(first, last + dt.timedelta(days=1)):
            if str(event["UID"]) in uids and str(event.get("STATUS", "")).upper() != "CANCELLED":
                start = event.start
                found.append((str(event["UID"]), start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
                               if isinstance(start, dt.datetime) else start.isoformat()))
    return sorted(found)


@pytest.mark.parametrize(("name", "count"), sorted(SERIES_FILES.items()))
def test_a_series_is_stored_once_and_a_second_import_changes_nothing(
    app: Flask, factory: sessionmaker[Session], name: str, count: int
) -> None:
    first = import_ics(factory, ICS / name, get_settings(app), now=NOW)
    assert len(first.created) == count  # one event per VEVENT: no occurrence is expanded
    second = import_ics(factory, ICS / name, get_settings(app), now=NOW + dt.timedelta(hours=1))
    assert (second.created, second.updated, len(second.unchanged)) == ([], [], count)


def test_icloud_export_of_eight_events_stays_eight_with_their_rules(app: Flask,
                                                                    factory: sessionmaker[Session]) -> None:
    import_ics(factory, ICS / "icloud-recurring-multiday.ics", get_settings(app), now=NOW)
    events = _events(factory)
    assert len(events) == 8
    rules = sorted(event.rrule for event in events.values() if event.rrule)
    assert rules == ["FREQ=DAILY;INTERVAL=1", "FREQ=DAILY;UNTIL=20220926T155959Z;INTERVAL=1"]
    assert all(key == f"ics:{event.uid}" for key, event in events.items())


def test_overrides_and_exceptions_are_kept_with_their_series(app: Flask, factory: sessionmaker[Session]) -> None:
    import_ics(factory, ICS / GOOGLE, get_settings(app), now=NOW)
    events = _events(factory)
    weekly = events[f"ics:{WEEKLY}"]
    assert (weekly.uid, weekly.rrule, weekly.exdates) == (WEEKLY, "FREQ=WEEKLY;BYDAY=TU", ("20250225T100000",))
    assert (weekly.start_date, weekly.start_time, weekly.timezone) == (
        dt.date(2025, 1, 7), dt.time(10), "Europe/Moscow")
    assert weekly.series_end_date is None
    assert weekly.status == "planned"
    overrides = sorted((e for e in events.values() if e.series_uid == WEEKLY), key=lambda e: e.start_date)
    assert [(e.recurrence_id, e.start_date, e.start_time, e.status) for e in overrides] == [
        ("20250311T070000Z", dt.date(2025, 3, 12), dt.time(15), "planned"),
        ("20250318T070000Z", dt.date(2025, 3, 18), dt.time(10), "cancelled"),
    ]
    monthly = events[f"ics:{MONTHLY}"]
    assert (monthly.rrule, monthly.timezone, monthly.series_end_date) == (
        "FREQ=MONTHLY;COUNT=12;BYDAY=1WE", "Europe/Vienna", dt.date(2026, 2, 4))
    yearly = events[f"ics:{YEARLY}"]
    assert (yearly.rrule, yearly.rdates, yearly.start_time, yearly.end_date, yearly.series_end_date) == (
        "FREQ=YEARLY;UNTIL=20300406", ("20251020",), None, dt.date(2025, 4, 8), dt.date(2029, 4, 8))


@pytest.fixture(scope="module")
def published_store(tmp_path_factory: pytest.TempPathFactory, migrated_template: Template) -> Iterator[Flask]:
    """Four exports imported and the feeds built, once for the module: the tests that use it only read."""
    with shared_app(tmp_path_factory.mktemp("series"), migrated_template) as app:
        factory = db.get_session_factory(app)
        for name in (GOOGLE, "icloud-recurring-multiday.ics", "thunderbird-cyrillic-holidays.ics",
                     "outlook-windows-tz-custom.ics"):
            import_ics(factory, ICS / name, get_settings(app), now=NOW)
        with time_machine.travel(NOW, tick=False):
            build_feeds(factory, get_settings(app), now=NOW)
        yield app


@pytest.fixture
def published(published_store: Flask) -> Iterator[FlaskClient]:
    """A client of the published store, on NOW."""
    with time_machine.travel(NOW, tick=False):
        yield published_store.test_client()


WINDOWS = [
    ("calendar.ics", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("/calendar.ics?from=2025-03-10&to=2025-03-20", dt.date(2025, 3, 10), dt.date(2025, 3, 20)),
    ("/calendar.ics?category=other&lang=ru", dt.date(2024, 12, 30), dt.date(2025, 2, 2)),
    (f"/events/{WEEKLY}.ics", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
    (f"/events/{WEEKLY}-20250311T070000Z.ics", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    (f"/events/{YEARLY}.ics", dt.date(2025, 1, 1), dt.date(2031, 12, 31)),
]


def _document(client: FlaskClient, where: str) -> bytes:
    if not where.startswith("/"):
        return (get_settings(client.application).feeds_dir / where).read_bytes()
    response = client.get(where)
    assert response.status_code == 200, response.data[:300]
    return response.data


@pytest.mark.parametrize(("where", "first", "last"), WINDOWS)
def test_every_calendar_holding_a_series_renders_it_as_a_series(
    published: FlaskClient, where: str, first: dt.date, last: dt.date
) -> None:
    data = _document(published, where)
    calendar = icalendar.Calendar.from_ical(data)
    vevents = calendar.walk("VEVENT")
    assert any("RRULE" in event for event in vevents)
    assert len(vevents) <= 30  # series, not their occurrences
    expanded = occurrences_recurring_ical_events(data, first, last)
    assert expanded, where
    assert occurrences_ical(data, first, last) == expanded
    uids = {str(event["UID"]) for event in vevents}
    wanted = [(uid, start) for uid, start, status in expanded if status != "CANCELLED"]
    names = [GOOGLE, "icloud-recurring-multiday.ics", "thunderbird-cyrillic-holidays.ics",
             "outlook-windows-tz-custom.ics"]
    assert wanted == _source_occurrences(names, uids, first, last)


@pytest.mark.node
@pytest.mark.parametrize(("where", "first", "last"), WINDOWS)
def test_icaljs_expands_the_published_series_alike(
    published: FlaskClient, where: str, first: dt.date, last: dt.date
) -> None:
    data = _document(published, where)
    assert occurrences_icaljs(data, first, last) == occurrences_recurring_ical_events(data, first, last)


def test_the_moved_and_the_cancelled_occurrence_are_published_as_overrides(published: FlaskClient) -> None:
    data = published.get(f"/events/{WEEKLY}.ics").data
    occurrences = occurrences_recurring_ical_events(data, dt.date(2025, 3, 9), dt.date(2025, 3, 19))
    assert occurrences == [
        (WEEKLY, "2025-03-12T12:00:00.000Z", "CONFIRMED"),  # moved from Tuesday 11 March
        (WEEKLY, "2025-03-18T07:00:00.000Z", "CANCELLED"),
    ]
    calendar = icalendar.Calendar.from_ical(data)
    assert {str(event["UID"]) for event in calendar.walk("VEVENT")} == {WEEKLY}
    assert len(calendar.walk("VEVENT")) == 3


def test_a_series_in_a_zone_with_summer_time_keeps_its_wall_clock_time(published: FlaskClient) -> None:
    data = published.get(f"/events/{MONTHLY}.ics").data
    starts = [start for _, start, _ in occurrences_recurring_ical_events(data, dt.date(2025, 1, 1),
                                                                         dt.date(2026, 12, 31))]
    assert len(starts) == 12
    assert starts[0] == "2025-03-05T08:30:00.000Z"  # 09:30 in Vienna, winter time
    assert starts[1] == "2025-04-02T07:30:00.000Z"  # 09:30 in Vienna, summer time
    assert starts[-1] == "2026-02-04T08:30:00.000Z"


def test_the_same_store_renders_the_same_bytes(published: FlaskClient) -> None:
    first = published.get("/calendar.ics?category=other").data
    assert published.get("/calendar.ics?category=other").data == first
    # What the bytes hold, read by icalendar: the series with their own rules, each once.
    vevents = icalendar.Calendar.from_ical(first).walk("VEVENT")
    rules = {str(event["UID"]): event["RRULE"].to_ical().decode() for event in vevents if "RRULE" in event}
    assert rules[WEEKLY] == "FREQ=WEEKLY;BYDAY=TU"
    assert rules[MONTHLY] == "FREQ=MONTHLY;COUNT=12;BYDAY=1WE"
    assert rules[YEARLY] == "FREQ=YEARLY;UNTIL=20300406"
    assert len(rules) == len([event for event in vevents if "RRULE" in event])


def test_the_api_lists_a_series_once_with_its_occurrences_in_a_window(published: FlaskClient) -> None:
    body = published.get("/api/events?from=2025-03-01&to=2025-03-31").get_json()
    weekly = [event for event in body["events"] if event["uid"] == WEEKLY]
    assert len(weekly) == 1
    recurrence = weekly[0]["recurrence"]
    assert recurrence["rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert [(o["start"], o["uid"], o["status"]) for o in recurrence["occurrences"]] == [
        ("2025-03-04T10:00+03:00", WEEKLY, "planned"),
        ("2025-03-12T15:00+03:00", f"{WEEKLY}-20250311T070000Z", "planned"),
        ("2025-03-18T10:00+03:00", f"{WEEKLY}-20250318T070000Z", "cancelled"),
        ("2025-03-25T10:00+03:00", WEEKLY, "planned"),
    ]
    assert recurrence["more"] is False
    overrides = [event for event in body["events"] if event["recurrence"] and "series" in event["recurrence"]]
    assert {event["recurrence"]["series"] for event in overrides} == {WEEKLY}


def test_the_api_caps_the_occurrences_of_a_series_without_end(published: FlaskClient) -> None:
    listed = published.get("/api/events?from=2025-01-01").get_json()
    weekly = next(event for event in listed["events"] if event["uid"] == WEEKLY)["recurrence"]
    assert (len(weekly["occurrences"]), weekly["more"]) == (10, True)
    single = published.get(f"/api/events/{WEEKLY}").get_json()["recurrence"]
    assert (len(single["occurrences"]), single["more"]) == (100, True)
    assert single["window"]["from"] == "2025-03-01"  # from today on


def test_a_finished_series_is_left_out_of_a_later_window(published: FlaskClient) -> None:
    body = published.get("/api/events?from=2026-03-01&to=2026-03-31").get_json()
    uids = {event["uid"] for event in body["events"]}
    assert WEEKLY in uids  # repeats without end
    assert MONTHLY not in uids  # its twelfth and last occurrence was on 4 February 2026
