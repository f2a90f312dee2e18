"""Reminders ring when people expect: an all-day entry's "P1D" is 09:00 the day before, not midnight."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import load_settings
from calendar_service.errors import ConfigurationError
from calendar_service.render.ical import all_day_triggers
from tests.icshelpers import parse_icaljs, record, store


def _rings(data: bytes) -> dict[str, list[dt.datetime]]:
    """Resolve every VALARM with icalendar: the start (a DATE as local midnight) plus its trigger."""
    rings: dict[str, list[dt.datetime]] = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        start = event.start
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time())
        rings[str(event["SUMMARY"])] = sorted(start + alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))
    return rings


def _floating(*parts: int) -> dt.datetime:
    # A DATE start reads as the subscriber's local midnight: a floating time, no zone.
    return dt.datetime(*parts)  # noqa: DTZ001 -- floating on purpose


def test_whole_day_leads_ring_at_alarm_at_on_all_day_entries() -> None:
    nine = dt.timedelta(hours=9)
    assert all_day_triggers([dt.timedelta(days=1)], nine) == (-dt.timedelta(hours=15),)
    assert all_day_triggers([dt.timedelta(days=7), dt.timedelta(days=1)], nine) == (
        -dt.timedelta(days=6, hours=15), -dt.timedelta(hours=15))
    # Shorter than a day: on the day itself, at ALARM_AT; P1DT12H counts its whole day.
    assert all_day_triggers([dt.timedelta(hours=2)], nine) == (nine,)
    assert all_day_triggers([dt.timedelta(days=1, hours=12)], nine) == (-dt.timedelta(hours=15),)


@pytest.mark.node
def test_p1d_on_an_all_day_event_rings_at_nine_the_day_before_in_two_parsers(
        app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, record("all-day"), record("timed", start_time=dt.time(15, 0), timezone="Europe/Minsk"))
    data = app.test_client().get("/calendar.ics?alarm=P1D").data
    rings = _rings(data)
    assert rings["Meeting all-day"] == [_floating(2025, 3, 19, 9)]  # the subscriber's own 09:00
    minsk = dt.timezone(dt.timedelta(hours=3))
    assert [ring.astimezone(minsk) for ring in rings["Meeting timed"]] == [
        dt.datetime(2025, 3, 19, 15, 0, tzinfo=minsk)]
    parsed = {event["summary"]: event for event in parse_icaljs(data)["events"]}
    assert parsed["Meeting all-day"]["rings"] == ["2025-03-19T09:00:00"]
    assert parsed["Meeting timed"]["rings"] == ["2025-03-19T15:00:00"]


def test_alarm_at_setting_moves_the_hour(make_settings: Any) -> None:
    from calendar_service import create_app
    from calendar_service.db import get_session_factory, migrate

    app = create_app(make_settings(ALARM_AT="07:30"))
    factory = get_session_factory(app)
    migrate(factory)
    store(factory, record("all-day"))
    data = app.test_client().get("/calendar.ics?alarm=P7D&alarm=PT2H").data
    assert _rings(data)["Meeting all-day"] == [_floating(2025, 3, 13, 7, 30), _floating(2025, 3, 20, 7, 30)]


def test_anniversary_with_a_subscriber_alarm_rings_at_alarm_at(app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, record("treaty", start=dt.date(1992, 5, 15), anniversary=True))
    data = app.test_client().get("/calendars/anniversaries.ics?alarm=P2D").data
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert events
    for event in events:
        midnight = dt.datetime.combine(event.start, dt.time())
        assert [midnight + alarm["TRIGGER"].dt for alarm in event.walk("VALARM")] == [
            dt.datetime.combine(event.start - dt.timedelta(days=2), dt.time(9, 0))]


@pytest.mark.parametrize("value", ["9am", "24:00", "9:60", ""])
def test_alarm_at_is_checked(value: str) -> None:
    with pytest.raises(ConfigurationError, match="CALENDAR_ALARM_AT"):
        load_settings({"ALARM_AT": value}, environ={})
