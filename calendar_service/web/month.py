"""The month page, ``/calendar/<year>/<month>``: a grid of days (an agenda on narrow screens).

It takes the filters of the calendars and feeds (``category``, ``country``, ``body``, ``status``,
each repeatable), checked the same way. Events known to the day sit on every day they span (a
series on each of its occurrences, an anniversary on its day); events known only to the month or
year are listed above the grid, as approximate.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, redirect, request
from sqlalchemy.orm import Session

from calendar_service.anniversaries import Anniversary, occurrences
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.models import Event
from calendar_service.render.occurrences import is_series, list_occurrences
from calendar_service.store.queries import (
    EventFilter,
    list_anniversary_events,
    list_bodies,
    list_countries,
    list_events,
    list_overrides,
)
from calendar_service.store.records import Category, Status
from calendar_service.web.filters import FIRST_YEAR, LAST_YEAR, canonical_query, check_parameters, parse_filter
from calendar_service.web.layout import blueprint, page_today, serve_page

__all__ = ["DayEntry", "MonthView", "month_view"]

#: The filters the month page takes: the calendars' own, but the dates (the month is the range).
MONTH_KEYS = ("category", "country", "body", "status", "lang")


@dataclass(frozen=True)
class DayEntry:
    """Something shown on a day: an event (or one occurrence of a series), or an anniversary."""

    event: Event
    anniversary: Anniversary | None = None


@dataclass(frozen=True)
class MonthView:
    """What the month page shows."""

    year: int
    month: int
    weeks: list[list[dt.date]]  #: Monday-first weeks covering the month
    days: dict[dt.date, list[DayEntry]]
    approximate: list[Event]  #: known only to the month or year


def _place(days: dict[dt.date, list[DayEntry]], entry: DayEntry, start: dt.date, end: dt.date,
           first: dt.date, last: dt.date) -> None:
    day = max(start, first)
    while day <= min(end, last):
        days[day].append(entry)
        day += dt.timedelta(days=1)


def month_view(session: Session, year: int, month: int, where: EventFilter) -> MonthView:
    """Gather the events of a month that pass ``where`` (its dates are the month's)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    where = dataclasses.replace(where, start=first, end=last)
    days: dict[dt.date, list[DayEntry]] = defaultdict(list)
    approximate = []
    events = list_events(session, where)
    series = [event for event in events if is_series(event)]
    overrides = list_overrides(session, [event.uid for event in series]) if series else {}
    by_uid = {event.uid: event for events_ in overrides.values() for event in events_}
    for event in events:
        if event.series_uid:
            continue  # shown as an occurrence of its series
        if is_series(event):
            found, _ = list_occurrences(event, overrides.get(event.uid, []), first, last)
            for occurrence in found:
                start, end = _day(occurrence.start), _day(occurrence.end, exclusive=True)
                _place(days, DayEntry(by_uid.get(occurrence.uid, event)), start, end, first, last)
        elif event.precision == "day":
            _place(days, DayEntry(event), event.start_date, event.end_date, first, last)
        else:
            approximate.append(event)
    for event in list_anniversary_events(session, where):
        for anniversary in occurrences(event.start_date, first, last):
            days[anniversary.day].append(DayEntry(event, anniversary))
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return MonthView(year, month, weeks, dict(days), approximate)


def _day(value: dt.date | dt.datetime, *, exclusive: bool = False) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value - dt.timedelta(days=1) if exclusive else value


def _neighbour(year: int, month: int, step: int) -> tuple[int, int] | None:
    index = year * 12 + (month - 1) + step
    year, month = divmod(index, 12)
    return (year, month + 1) if FIRST_YEAR <= year <= LAST_YEAR else None


@blueprint.get("/calendar")
def this_month() -> Any:
    """Send the reader to the month of today, keeping the filters."""
    today = page_today()
    query = request.query_string.decode("ascii", "replace")
    return redirect(f"/calendar/{today.year}/{today.month}" + (f"?{query}" if query else ""), code=302)


@blueprint.get("/calendar/<int:year>/<int:month>")
def month_page(year: int, month: int) -> Response:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise NotFound(f"no month {year}/{month}: years run from {FIRST_YEAR} to {LAST_YEAR}, months from 1 to 12")
    check_parameters(request.args, MONTH_KEYS)
    with transaction(get_session_factory(current_app)) as session:
        where = parse_filter(request.args, known_bodies=list_bodies(session) if "body" in request.args else ())
        query = canonical_query(where)

        def context() -> dict[str, Any]:
            suffix = "&".join(part for part in (query, "lang=" + request.args["lang"] if "lang" in request.args
                                                else "") if part)
            links = {}
            for name, step in (("previous", -1), ("next", 1)):
                found = _neighbour(year, month, step)
                links[name] = (found, f"/calendar/{found[0]}/{found[1]}" + (f"?{suffix}" if suffix else "")) \
                    if found else None
            return {"section": "calendar", "view": month_view(session, year, month, where), "where": where,
                    "neighbours": links, "query": query, "categories": [c.value for c in Category],
                    "statuses": [s.value for s in Status], "countries": list_countries(session),
                    "bodies": list_bodies(session),
                    "subscribe_query": f"?{query}" if query else ""}

        return serve_page(session, (year, month, query), "month.html", context)
