"""The occurrences of the series in an iCalendar document, as three independent parsers expand them.

Each returns sorted ``(uid, start, status)`` triples of the occurrences overlapping a window of
days: ``start`` is an ISO date for an all-day occurrence, else the UTC instant in ISO form.
``icalendar`` + ``recurring-ical-events``, the strict ``ical`` package, and Mozilla's ``ical.js``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream

from tests.icshelpers import ICALJS

Occurrences = list[tuple[str, str, str]]


def _iso(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value.isoformat()


def occurrences_recurring_ical_events(data: bytes, first: dt.date, last: dt.date) -> Occurrences:
    calendar = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between(first, last + dt.timedelta(days=1))
    return sorted((str(event["UID"]), _iso(event.start), str(event.get("STATUS", ""))) for event in found)


def occurrences_ical(data: bytes, first: dt.date, last: dt.date) -> Occurrences:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    timeline = calendar.timeline_tz(zoneinfo.ZoneInfo("UTC"))
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return sorted((event.uid or "", _iso(event.dtstart), event.status.value if event.status else "")
                  for event in timeline.overlapping(start, end))


def occurrences_icaljs(data: bytes, first: dt.date, last: dt.date) -> Occurrences:
    found = ICALJS.ask({"occurrences": data.decode("utf-8"), "first": first.isoformat(), "last": last.isoformat()})
    return sorted((item["uid"], item["start"], item["status"] or "") for item in found)
