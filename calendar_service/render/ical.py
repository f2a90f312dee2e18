"""Render events as an iCalendar document (RFC 5545, with the RFC 7986 and X-WR extensions).

The document is assembled from one serialised block per event plus a header and the VTIMEZONEs
the events use, so no giant ``Calendar`` object is ever held. ``DTSTAMP`` is the event's
last-modified time, never "now" (RFC 5545 §3.8.7.2 allows either for a published calendar; only
the former keeps an unchanged store byte-identical).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

import icalendar

from ..dates import Precision
from ..models import Event
from . import FeedSpec, event_url
from .text import describe_event, describe_location

__all__ = ["PRODID", "render_calendar", "render_event_block"]

PRODID = "-//calendar-service//CSTO calendar//EN"
_STATUS = {"held": "CONFIRMED", "planned": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}


def _is_timed(event: Event) -> bool:
    return Precision(event.precision) is Precision.DAY and event.start_time is not None


def render_event_block(event: Event, base_url: str) -> bytes:
    """Serialise one event as a ``VEVENT`` block (CRLF lines, folded at 75 octets)."""
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.updated_dt)
    vevent.add("created", event.created_dt)
    vevent.add("last-modified", event.updated_dt)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    if _is_timed(event):
        zone = zoneinfo.ZoneInfo(event.timezone)
        start = dt.datetime.combine(event.start_date, event.start_time, zone)
        end_time = event.end_time or event.start_time
        end = dt.datetime.combine(event.end_date, end_time, zone)
        vevent.add("dtstart", start)
        if end > start:
            vevent.add("dtend", end)
        vevent.add("transp", "OPAQUE")
    else:
        vevent.add("dtstart", event.start_date)
        # DTEND of an all-day event is exclusive (RFC 5545 §3.6.1).
        vevent.add("dtend", event.end_date + dt.timedelta(days=1))
        vevent.add("transp", "TRANSPARENT")
    vevent.add("description", describe_event(event))
    location = describe_location(event)
    if location:
        vevent.add("location", location)
    vevent.add("categories", [event.category])
    vevent.add("url", event_url(base_url, event.uid))
    vevent.add("status", _STATUS[event.status])
    vevent.add("class", "PUBLIC")
    return vevent.to_ical()


def _timezones(events: list[Event]) -> list[bytes]:
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for event in events:
        if _is_timed(event):
            low, high = spans.get(event.timezone, (event.start_date, event.end_date))
            spans[event.timezone] = (min(low, event.start_date), max(high, event.end_date))
    blocks = []
    for tzid in sorted(spans):
        first, last = spans[tzid]
        vtimezone = icalendar.Timezone.from_tzid(
            tzid, first_date=first - dt.timedelta(days=366), last_date=last + dt.timedelta(days=366)
        )
        blocks.append(vtimezone.to_ical())
    return blocks


def _header(spec: FeedSpec, *, named: bool) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if named:
        calendar.add("name", spec.title)
        calendar.add("x-wr-calname", icalendar.vText(spec.title))
        calendar.add("description", spec.description)
        calendar.add("x-wr-caldesc", icalendar.vText(spec.description))
        calendar.add("x-wr-timezone", icalendar.vText(spec.timezone))
        refresh = dt.timedelta(minutes=spec.refresh_minutes)
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(refresh))
        calendar.add("source", spec.self_url, parameters={"VALUE": "URI"})
        calendar.add("url", spec.base_url + "/")
    document = calendar.to_ical()
    return document[: -len(b"END:VCALENDAR\r\n")]


def render_calendar(events: Iterable[Event], spec: FeedSpec, *, named: bool = True) -> bytes:
    """Render ``events`` (in the order given) as one calendar document.

    Args:
        named: carry the calendar's name and refresh hints; off for a single-event download,
            where Outlook would otherwise create a whole new calendar.
    """
    events = list(events)
    parts = [_header(spec, named=named), *_timezones(events)]
    parts.extend(render_event_block(event, spec.base_url) for event in events)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)
