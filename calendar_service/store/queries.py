"""Read-side selections of events; nothing here writes."""

from __future__ import annotations

import collections
import datetime as dt
import functools
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    inspect,
    not_,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from calendar_service.dates import Precision
from calendar_service.models import Event, StoreState

__all__ = [
    "EventFilter",
    "EventStream",
    "ZoneUse",
    "count_events",
    "event_conditions",
    "get_event",
    "get_store_revision",
    "in_lists",
    "list_anniversary_events",
    "list_bodies",
    "list_countries",
    "list_day_events",
    "list_events",
    "list_events_by_id",
    "list_overrides",
    "list_series_events",
    "stream_events",
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


@dataclass(frozen=True)
class ZoneUse:
    """How the timed events of a selection use one zone: what its VTIMEZONE must cover."""

    timezone: str
    first_start: dt.date
    last_end: dt.date | None  #: of the events that do not repeat
    last_series_end: dt.date | None  #: of the series with a known end
    last_open_start: dt.date | None  #: the latest start of a series repeating without end


@dataclass(frozen=True)
class EventStream:
    """A selection of events read from the store a chunk at a time, in order of start, end and uid.

    ``zones`` is read first, by a small query of its own, because a calendar's VTIMEZONEs come
    before its events; ``rows`` is read as it is iterated, so no one holds every row.
    """

    zones: tuple[ZoneUse, ...]
    rows: Iterator[Any]


#: The columns that identify and place an event in a calendar (see :func:`stream_events`).
_LIGHT = ("id", "uid", "sequence", "start_date", "end_date", "precision", "start_time", "timezone", "rrule",
          "rdates", "series_end_date", "series_uid")
_CHUNK = 2000


def stream_events(session: Session, where: EventFilter = EventFilter(), *, full: bool = False) -> EventStream:
    """Return the events matching ``where`` (and the missing parts of every series they hold) as a stream.

    Args:
        full: rows are :data:`RenderedEvent` tuples (what a rendering reads); else light rows
            (``id``, ``uid``, ``sequence``, dates, ``precision``, ``start_time``, ``timezone``
            and the series columns), for a rendering that finds most entries already rendered.

    Every filter is SQL, the country and body lists included (JSON lists: ``json_each`` on
    SQLite, ``jsonb`` on PostgreSQL), so rows that do not match are never read.
    """
    conditions = [*event_conditions(where, _TABLE.c), *_list_conditions(session, where)]
    columns = _columns(full)
    make = RenderedEvent._make if full else _light_row(_LIGHT)._make
    extra = sorted(map(make, _missing_parts(session, conditions, columns)), key=_order)
    zones = (*_zone_uses(session, conditions), *_row_zone_uses(extra))
    query = select(*columns).where(*conditions).order_by(*_ordering(session))
    rows = _read(session, query, make)
    return EventStream(zones, heapq.merge(rows, extra, key=_order) if extra else rows)


_TABLE: Any = Event.__table__


def _columns(full: bool) -> list[Any]:
    if full:
        mapped = inspect(Event).columns
        return [mapped[name].label(name) for name in _RENDERED]
    return [_TABLE.c[name] for name in _LIGHT]


def _order(row: Any) -> tuple[dt.date, dt.date, str]:
    return row.start_date, row.end_date, row.uid


def _ordering(session: Session) -> list[Any]:
    # Byte order of the uid, as Python orders strings (SQLite's BINARY collation is that already).
    uid = _TABLE.c.uid.collate("C") if session.get_bind().dialect.name == "postgresql" else _TABLE.c.uid
    return [_TABLE.c.start_date, _TABLE.c.end_date, uid]


def _read(session: Session, query: Select[Any], make: Any) -> Iterator[Any]:
    """Yield the rows of ``query``, fetched a chunk at a time (a server-side cursor on PostgreSQL)."""
    connection = session.connection().execution_options(stream_results=True, yield_per=_CHUNK)
    with connection.execute(query) as result:
        for rows in result.partitions():
            yield from map(make, rows)


def _list_conditions(session: Session, where: EventFilter) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the country and body filters (the lists are JSON text)."""
    conditions: list[ColumnElement[bool]] = []
    dialect = session.get_bind().dialect.name
    if where.countries:
        conditions.append(or_(_TABLE.c.country.in_(where.countries),
                              _holds_any(_TABLE.c.countries, where.countries, dialect)))
    if where.bodies:
        conditions.append(_holds_any(_TABLE.c.bodies, where.bodies, dialect))
    return conditions


def _holds_any(column: Any, values: tuple[str, ...], dialect: str) -> ColumnElement[bool]:
    """Return whether the JSON list in ``column`` holds any of ``values``."""
    text = type_coerce(column, Text)  # the stored JSON itself, not a list to encode
    if dialect == "postgresql":
        return cast(text, postgresql.JSONB).has_any(postgresql.array(values))
    items = func.json_each(text).table_valued("value")
    return select(items.c.value).where(items.c.value.in_(values)).exists()


def _is_series(columns: Any) -> ColumnElement[bool]:
    """Return whether a row repeats (an RRULE or RDATEs), never NULL (as Python's truth of the values)."""
    rdates = type_coerce(columns.rdates, Text)
    return or_(and_(columns.rrule.is_not(None), columns.rrule != ""),
               and_(rdates.is_not(None), rdates.not_in(("", "[]"))))


def _zone_uses(session: Session, conditions: list[ColumnElement[bool]]) -> list[ZoneUse]:
    """Return how the timed events matching ``conditions`` use each zone, by one grouped query."""
    c = _TABLE.c
    series = _is_series(c)
    query = select(
        c.timezone, func.min(c.start_date),
        func.max(case((not_(series), c.end_date))),
        func.max(case((and_(series, c.series_end_date.is_not(None)), c.series_end_date))),
        func.max(case((and_(series, c.series_end_date.is_(None)), c.start_date))),
    ).where(*conditions, c.precision == Precision.DAY.value, c.start_time.is_not(None),
            c.timezone != "UTC").group_by(c.timezone)
    return [ZoneUse(*row) for row in session.connection().execute(query)]


def _row_zone_uses(rows: Sequence[Any]) -> list[ZoneUse]:
    """Return how each timed row of ``rows`` uses its zone (as :func:`_zone_uses` counts)."""
    uses = []
    for row in rows:
        if row.precision != Precision.DAY.value or row.start_time is None or row.timezone == "UTC":
            continue
        if not (row.rrule or row.rdates):
            uses.append(ZoneUse(row.timezone, row.start_date, row.end_date, None, None))
        elif row.series_end_date is not None:
            uses.append(ZoneUse(row.timezone, row.start_date, None, row.series_end_date, None))
        else:
            uses.append(ZoneUse(row.timezone, row.start_date, None, None, row.start_date))
    return uses


def _missing_parts(session: Session, conditions: list[ColumnElement[bool]], columns: list[Any]
                   ) -> list[tuple[Any, ...]]:
    """Return the parts of the series the selection holds that it does not: overrides, or the series.

    A calendar holding a series without one of its overrides would show the original occurrence
    where the override moved or cancelled it; one holding only an override would show an orphan.
    """
    c = _TABLE.c
    parts = select(c.uid, c.series_uid, c.rrule, c.rdates).where(
        *conditions, or_(c.series_uid.is_not(None), _is_series(c)))
    wanted: set[str] = set()
    for uid, series_uid, rrule, rdates in session.connection().execute(parts):
        if rrule or rdates:
            wanted.add(uid)
        if series_uid:
            wanted.add(series_uid)
    if not wanted:
        return []
    # Whether a part is in the selection: CASE takes an unknown (NULL) condition as false, as WHERE does.
    selected = case((and_(true(), *conditions), True), else_=False).label("selected")
    extra: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(sorted(wanted)):
        query = select(*columns, selected).where(or_(c.uid.in_(chunk), c.series_uid.in_(chunk)))
        for row in session.connection().execute(query):
            if not row.selected:
                extra[row.id] = row[:-1]
    return list(extra.values())


@functools.cache
def _light_row(names: tuple[str, ...]) -> Any:
    return collections.namedtuple("EventKey", names)


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
