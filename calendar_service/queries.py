"""Read-side selections of events; nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from .dates import Precision
from .models import Event, StoreState

__all__ = [
    "EventFilter",
    "count_events",
    "get_event",
    "get_store_revision",
    "list_anniversary_events",
    "list_bodies",
    "list_day_events",
    "list_event_keys",
    "list_events",
    "list_events_by_id",
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


def _select(where: EventFilter) -> Select[tuple[Event]]:
    query = select(Event)
    if where.start is not None:
        query = query.where(Event.end_date >= where.start)
    if where.end is not None:
        query = query.where(Event.start_date <= where.end)
    if where.categories:
        query = query.where(Event.category.in_(where.categories))
    if where.statuses:
        query = query.where(Event.status.in_(where.statuses))
    if where.precisions:
        query = query.where(Event.precision.in_(where.precisions))
    return query.order_by(Event.start_date, Event.end_date, Event.uid)


def list_events(session: Session, where: EventFilter = EventFilter()) -> Sequence[Event]:
    """Return the events matching ``where``, in date order (then uid, so the order is total)."""
    events = session.scalars(_select(where)).all()
    # countries and bodies are JSON lists; filtering them here keeps one query for SQLite and PostgreSQL.
    if where.countries:
        wanted = set(where.countries)
        events = [e for e in events if e.country in wanted or wanted.intersection(e.countries)]
    if where.bodies:
        bodies = set(where.bodies)
        events = [e for e in events if bodies.intersection(e.bodies)]
    return events


def list_event_keys(session: Session, where: EventFilter = EventFilter()) -> Sequence[Row[Any]]:
    """Return light rows (``id``, ``uid``, ``sequence``, dates, ``precision``, ``start_time``,
    ``timezone``) of the events matching ``where``, in the order of :func:`list_events`.

    A core query on the table, without the ORM's per-row work: enough to pick cached renderings.
    """
    table = Event.__table__
    names = ["id", "uid", "sequence", "start_date", "end_date", "precision", "start_time", "timezone"]
    if where.countries or where.bodies:
        names += ["country", "countries", "bodies"]
    query = select(*(table.c[name] for name in names))
    if where.start is not None:
        query = query.where(table.c.end_date >= where.start)
    if where.end is not None:
        query = query.where(table.c.start_date <= where.end)
    for name, values in (("category", where.categories), ("status", where.statuses),
                         ("precision", where.precisions)):
        if values:
            query = query.where(table.c[name].in_(values))
    query = query.order_by(table.c.start_date, table.c.end_date, table.c.uid)
    rows: Sequence[Row[Any]] = session.connection().execute(query).all()
    if where.countries:
        wanted = set(where.countries)
        rows = [row for row in rows if row.country in wanted or wanted.intersection(row.countries)]
    if where.bodies:
        bodies = set(where.bodies)
        rows = [row for row in rows if bodies.intersection(row.bodies)]
    return rows


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


def list_events_by_id(session: Session, ids: Sequence[int]) -> dict[int, Event]:
    """Return the events with these ids, detached from the session (so a long render holds few)."""
    events = session.scalars(select(Event).where(Event.id.in_(ids))).all()
    for event in events:
        session.expunge(event)
    return {event.id: event for event in events}


def list_bodies(session: Session) -> list[str]:
    """Return every body name the store's events mention, sorted."""
    names: set[str] = set()
    for bodies in session.scalars(select(Event.bodies)):
        names.update(bodies)
    return sorted(names)


def list_day_events(session: Session) -> Sequence[Event]:
    """Return the events whose dates are known to the day (what a calendar can show as such)."""
    return list_events(session, EventFilter(precisions=(Precision.DAY.value,)))


def get_event(session: Session, uid: str) -> Event | None:
    """Return the event with ``uid``, or None."""
    return session.scalar(select(Event).where(Event.uid == uid))


def count_events(session: Session) -> int:
    """Return how many events the store holds."""
    return session.scalar(select(func.count(Event.id))) or 0


def get_store_revision(session: Session) -> int:
    """Return the store's revision, bumped by every write."""
    return session.scalar(select(StoreState.revision).where(StoreState.id == 1)) or 0
