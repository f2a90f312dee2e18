"""The occurrences of a stored series inside a window: expanded lazily, never more than asked for.

A series is expanded from the very blocks the calendars publish (RRULE, RDATE, EXDATE and the
overrides' RECURRENCE-IDs), read back by ``icalendar`` and walked by ``recurring-ical-events``
(RFC 5545 §3.8.5.3: the recurrence set), so what the API lists is what a subscriber's calendar
shows. The walk goes a stretch of days at a time and stops at the window's end or after ``limit``
occurrences: a series repeating daily for ever costs about as much as one repeating ten times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import icalendar
import recurring_ical_events

from calendar_service.render.ical import render_event_block

if TYPE_CHECKING:
    from calendar_service.models import Event

__all__ = ["MAX_LISTED", "Occurrence", "is_series", "list_occurrences"]

#: At most this many occurrences of one series are listed at once.
MAX_LISTED = 100
#: The longest stretch of days expanded at once.
_LONGEST = 366


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a series: when, and which stored event describes it."""

    start: dt.date | dt.datetime  #: a date for an all-day series, else an aware datetime
    end: dt.date | dt.datetime  #: exclusive, as in iCalendar
    uid: str  #: the series' uid, or the uid of the override that moved or changed this occurrence
    status: str


def is_series(event: Event) -> bool:
    """Tell whether ``event`` is a recurring series (it has a rule or extra dates)."""
    return bool(event.rrule or event.rdates)


def _recurrence_id(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def list_occurrences(series: Event, overrides: Sequence[Event], first: dt.date, last: dt.date,
                     limit: int = MAX_LISTED) -> tuple[list[Occurrence], bool]:
    """Return the occurrences of ``series`` happening from ``first`` to ``last`` (inclusive days).

    Returns:
        At most ``limit`` occurrences in order of start, and whether more fall in the window.
    """
    if last < first or limit <= 0:
        return [], False
    blocks = [render_event_block(event, "") for event in (series, *overrides)]
    calendar = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calendar-service//occurrences//EN\r\n"
        + b"".join(blocks) + b"END:VCALENDAR\r\n")
    by_recurrence = {event.recurrence_id: event for event in overrides if event.recurrence_id}
    found: list[Occurrence] = []
    for component in _walk(recurring_ical_events.of(calendar), first, last):
        if len(found) == limit:
            return found, True
        recurrence = component.get("RECURRENCE-ID")
        override = by_recurrence.get(_recurrence_id(recurrence.dt)) if recurrence is not None else None
        described = override or series
        found.append(Occurrence(start=component.start, end=component.end, uid=described.uid,
                                status=described.status))
    return found, False


def _walk(query: recurring_ical_events.CalendarQuery, first: dt.date, last: dt.date) -> Iterator[Any]:
    """Yield the occurrences from ``first`` to ``last`` in order, a stretch of days at a time.

    A stretch that holds nothing doubles the next one (a yearly series is crossed in few steps);
    none is longer than :data:`_LONGEST`, and a series repeats at most daily, so a stretch never
    holds more than a year of occurrences, however long the window.
    """
    seen: set[tuple[str, str]] = set()
    start, days = first, 31
    while start <= last:
        stop = min(start + dt.timedelta(days=days), last + dt.timedelta(days=1))
        batch = sorted(query.between(start, stop), key=lambda component: _sort_key(component.start))
        for component in batch:
            recurrence = component.get("RECURRENCE-ID")
            key = (str(component.get("UID")), _recurrence_id(recurrence.dt) if recurrence else str(component.start))
            if key not in seen:
                seen.add(key)
                yield component
        start = stop
        days = days if batch else min(days * 2, _LONGEST)


def _sort_key(value: dt.date | dt.datetime) -> tuple[dt.date, float]:
    if isinstance(value, dt.datetime):
        return value.date(), value.timestamp()
    return value, float("-inf")
