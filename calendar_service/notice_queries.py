"""Read-side selections of notices (the entries of the Atom, RSS and JSON feeds); nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Event, Notice
from .queries import EventFilter

__all__ = ["NoticeSelection", "list_countries", "list_event_notices", "list_notices", "matches"]


@dataclass(frozen=True)
class NoticeSelection:
    """Which notices a feed carries: those about events matching ``events``, of ``kinds`` (any if empty)."""

    events: EventFilter = field(default_factory=EventFilter)
    kinds: tuple[str, ...] = ()


def list_notices(session: Session, selection: NoticeSelection = NoticeSelection()) -> list[Notice]:
    """Return the matching notices, the latest issued first.

    "Latest" is the order in which the notices were written (row id), not ``issued_dt``: a
    notice dated in the past (a catch-up after downtime, an announcement backfilled with its
    event's first-stored time) then joins the stream at its head, and the full RFC 5005 archive
    pages, which are counted from the oldest row, never change. SQLite lets one writer in at a
    time, so row ids follow commit order.
    """
    where = selection.events
    query = select(Notice).join(Notice.event)
    if selection.kinds:
        query = query.where(Notice.kind.in_(selection.kinds))
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
    notices: Sequence[Notice] = session.scalars(query.order_by(Notice.id.desc())).all()
    # countries and bodies are JSON lists: filtered here, as queries.list_events does.
    if where.countries or where.bodies:
        return [notice for notice in notices if _in_lists(notice.event, where)]
    return list(notices)


def _in_lists(event: Event, where: EventFilter) -> bool:
    if where.countries and not (event.country in where.countries or set(where.countries).intersection(event.countries)):
        return False
    return not where.bodies or bool(set(where.bodies).intersection(event.bodies))


def matches(notice: Notice, selection: NoticeSelection) -> bool:
    """Tell whether ``notice`` belongs to ``selection`` (the same test as :func:`list_notices`, in Python).

    Lets one read of the store feed many selections (the build renders every stream from it).
    """
    event, where = notice.event, selection.events
    return (
        (not selection.kinds or notice.kind in selection.kinds)
        and (where.start is None or event.end_date >= where.start)
        and (where.end is None or event.start_date <= where.end)
        and (not where.categories or event.category in where.categories)
        and (not where.statuses or event.status in where.statuses)
        and (not where.precisions or event.precision in where.precisions)
        and _in_lists(event, where)
    )


def list_countries(session: Session) -> list[str]:
    """Return every country code the store's events name (venue or involved), sorted."""
    codes: set[str] = set()
    for country, countries in session.execute(select(Event.country, Event.countries)):
        if country:
            codes.add(country)
        codes.update(countries)
    return sorted(codes)


def list_event_notices(session: Session, event: Event) -> list[Notice]:
    """Return the notices about ``event``, the latest issued first."""
    query = select(Notice).where(Notice.event_id == event.id).order_by(Notice.id.desc())
    return list(session.scalars(query))
