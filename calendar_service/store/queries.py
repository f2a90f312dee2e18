"""Read-side selections of events; nothing here writes."""

from __future__ import annotations

import collections
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Text, and_, bindparam, func, inspect, or_, select, type_coerce
from sqlalchemy.orm import Session

from calendar_service.dates import Precision
from calendar_service.models import Event, StoreState

__all__ = [
    "EventFilter",
    "count_events",
    "event_conditions",
    "get_event",
    "get_store_revision",
    "in_lists",
    "list_anniversary_events",
    "list_bodies",
    "list_countries",
    "list_day_events",
    "list_event_keys",
    "list_events",
    "list_events_by_id",
    "list_overrides",
    "list_series_events",
]


@dataclass(frozen=True)
class EventFilter:
    """Which events to select; empty tuples mean "any"."""

    start: dt.date | None = None  #: events ending on or after this day
    end: dt.date | None = None  #: events starting on or before this day
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  #: venue country or any country involved
    statuses: tuple[str, ...] = ()
    precisions: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()  #: any of these bodies involved


def event_conditions(where: EventFilter, columns: Any = Event) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of ``where``; ``columns`` is :class:`Event` or its table's ``c``."""
    conditions: list[ColumnElement[bool]] = []
    if where.start is not None:
        # A series reaches as far as its last occurrence; one repeating without end, forever.
        conditions.append(or_(columns.end_date >= where.start, columns.series_end_date >= where.start,
                              and_(columns.rrule.is_not(None), columns.series_end_date.is_(None))))
    if where.end is not None:
        conditions.append(columns.start_date <= where.end)
    for name, values in (("category", where.categories), ("status", where.statuses),
                         ("precision", where.precisions)):
        if values:
            conditions.append(getattr(columns, name).in_(values))
    return conditions


def in_lists(event: Any, where: EventFilter) -> bool:
    """Tell whether an event (or a row with ``country``, ``countries``, ``bodies``) passes the list filters.

    countries and bodies are JSON lists; filtering them in Python keeps one query for SQLite and
    PostgreSQL.
    """
    if where.countries and not (event.country in where.countries or set(where.countries).intersection(event.countries)):
        return False
    return not where.bodies or bool(set(where.bodies).intersection(event.bodies))


def _select(where: EventFilter) -> Select[Event]:
    return select(Event).where(*event_conditions(where)).order_by(Event.start_date, Event.end_date, Event.uid)


def list_events(session: Session, where: EventFilter = EventFilter(), limit: int | None = None) -> Sequence[Event]:
    """Return the events matching ``where``, in date order (then uid, so the order is total); the first ``limit``."""
    if where.countries or where.bodies:
        return [event for event in session.scalars(_select(where)) if in_lists(event, where)][:limit]
    return session.scalars(_select(where).limit(limit)).all()


def list_event_keys(session: Session, where: EventFilter = EventFilter()) -> Sequence[Any]:
    """Return light rows (``id``, ``uid``, ``sequence``, dates, ``precision``, ``start_time``,
    ``timezone``) of the events matching ``where``, in the order of :func:`list_events`.

    A core query on the table, without the ORM's per-row work, its rows made named tuples (whose
    attributes are read many times over in a render, and cost a tenth of a Row's).
    """
    table = Event.__table__
    names = ["id", "uid", "sequence", "start_date", "end_date", "precision", "start_time", "timezone",
             "rrule", "rdates", "series_end_date", "series_uid"]
    if where.countries or where.bodies:
        names += ["country", "countries", "bodies"]
    columns = [table.c[name] for name in names]
    query = select(*columns).where(*event_conditions(where, table.c), *_countries_prefilter(where, table.c))
    query = query.order_by(table.c.start_date, table.c.end_date, table.c.uid)
    rows: Sequence[Row[Any]] = session.connection().execute(query).all()
    if where.countries or where.bodies:
        rows = [row for row in rows if in_lists(row, where)]
    make = _light_row(tuple(names))._make
    return [make(row) for row in _whole_series(session, rows, columns)]


@functools.cache
def _light_row(names: tuple[str, ...]) -> Any:
    return collections.namedtuple("EventKey", names)


def _countries_prefilter(where: EventFilter, columns: Any) -> list[ColumnElement[bool]]:
    """Return a condition that keeps every event of ``where.countries`` and few others.

    The countries are a JSON list, checked exactly by :func:`in_lists`; a country calendar that
    read every row to keep a sixth of them would read most of a build. ``"KZ"`` stands in the JSON
    text of a list holding KZ, so the text is searched first (for plain codes only, which JSON
    writes as they are).
    """
    if not where.countries or not all(code.isascii() and code.isalnum() for code in where.countries):
        return []
    text = type_coerce(columns.countries, Text)  # the stored JSON itself, not a list to encode
    return [or_(columns.country.in_(where.countries), *(text.like(f'%"{code}"%') for code in where.countries))]


def _whole_series(session: Session, rows: Sequence[Row[Any]], columns: list[Any]) -> Sequence[Row[Any]]:
    """Add the missing parts of every series ``rows`` hold: its overrides, or the series itself.

    A calendar holding a series without one of its overrides would show the original occurrence
    where the override moved or cancelled it; one holding only an override would show an orphan.
    """
    masters = {row.uid for row in rows if row.rrule or row.rdates}
    wanted = {row.series_uid for row in rows if row.series_uid} | masters
    if not wanted:
        return rows
    table = Event.__table__
    have = {row.id for row in rows}
    extra: list[Row[Any]] = []
    for chunk in _chunks(sorted(wanted)):
        query = select(*columns).where(or_(table.c.uid.in_(chunk), table.c.series_uid.in_(chunk)))
        extra += [row for row in session.connection().execute(query) if row.id not in have]
    if not extra:
        return rows
    return sorted([*rows, *{row.id: row for row in extra}.values()],
                  key=lambda row: (row.start_date, row.end_date, row.uid))


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[offset:offset + size] for offset in range(0, len(values), size)]


def list_series_events(session: Session, event: Event) -> list[Event]:
    """Return every event of the series ``event`` belongs to (itself alone if none), in date order."""
    uid = event.series_uid or event.uid
    if not (event.series_uid or event.rrule or event.rdates):
        return [event]
    query = _select(EventFilter()).where(or_(Event.uid == uid, Event.series_uid == uid))
    return list(session.scalars(query))


def list_overrides(session: Session, uids: Sequence[str]) -> dict[str, list[Event]]:
    """Return the overridden occurrences of the series ``uids``: {series uid: overrides in date order}."""
    found: dict[str, list[Event]] = {uid: [] for uid in uids}
    for chunk in _chunks(sorted(set(uids))):
        for event in session.scalars(_select(EventFilter()).where(Event.series_uid.in_(chunk))):
            if event.series_uid is not None:  # always, by the query; said for the type checker
                found[event.series_uid].append(event)
    return found


def list_anniversary_events(session: Session, where: EventFilter = EventFilter()) -> Sequence[Event]:
    """Return the founding events whose anniversaries are commemorated, matching ``where`` but its dates."""
    query = _select(replace(where, start=None, end=None)).where(Event.is_anniversary.is_(True))
    events: Sequence[Event] = session.scalars(query).all()
    if where.countries:
        wanted = set(where.countries)
        events = [e for e in events if e.country in wanted or wanted.intersection(e.countries)]
    if where.bodies:
        bodies = set(where.bodies)
        events = [e for e in events if bodies.intersection(e.bodies)]
    return events


#: What rendering an event reads: every column but its provenance, bookkeeping and history.
_RENDERED = ("id", "uid", "title", "title_ru", "summary", "summary_ru", "start_date", "end_date", "precision",
             "start_time", "end_time", "timezone", "category", "status", "city", "country", "countries", "bodies",
             "is_anniversary", "is_year_inferred", "evidence", "source_url", "published_date", "rrule", "rdates",
             "exdates", "series_end_date", "series_uid", "recurrence_id", "sequence", "created_dt", "updated_dt")


#: An event as a rendering reads it: a named tuple, whose attributes cost a tenth of a Row's.
RenderedEvent = collections.namedtuple("RenderedEvent", _RENDERED)  # type: ignore[misc]


def list_events_by_id(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """Return the events with these ids as :data:`RenderedEvent` tuples, by id: the columns a
    rendering reads, under the names of :class:`Event`'s attributes, without the ORM's per-object
    work or identity map."""
    make = RenderedEvent._make
    return {row[0]: make(row) for row in session.connection().execute(_rendered_query(), {"ids": list(ids)}).all()}


@functools.cache
def _rendered_query() -> Select[Any]:
    # One statement with an expanding parameter: compiled once, not once per chunk of ids.
    columns = inspect(Event).columns
    return select(*(columns[name].label(name) for name in _RENDERED)).where(
        Event.__table__.c.id.in_(bindparam("ids", expanding=True)))


def list_bodies(session: Session) -> list[str]:
    """Return every body name the store's events mention, sorted."""
    names: set[str] = set()
    for bodies in session.scalars(select(Event.bodies)):
        names.update(bodies)
    return sorted(names)


def list_day_events(session: Session) -> Sequence[Event]:
    """Return the events whose dates are known to the day (what a calendar can show as such)."""
    return list_events(session, EventFilter(precisions=(Precision.DAY.value,)))


def list_countries(session: Session) -> list[str]:
    """Return every country code the store's events name (venue or involved), sorted."""
    codes: set[str] = set()
    # Distinct pairs: a few dozen, where the rows are as many as the events.
    for country, countries in session.execute(select(Event.country, Event.countries).distinct()):
        if country:
            codes.add(country)
        codes.update(countries)
    return sorted(codes)


def get_event(session: Session, uid: str) -> Event | None:
    """Return the event with ``uid``, or None."""
    return session.scalar(select(Event).where(Event.uid == uid))


def count_events(session: Session) -> int:
    """Return how many events the store holds."""
    return session.scalar(select(func.count(Event.id))) or 0


def get_store_revision(session: Session) -> int:
    """Return the store's revision, bumped by every write."""
    return session.scalar(select(StoreState.revision).where(StoreState.id == 1)) or 0
