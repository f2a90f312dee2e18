"""Read-side selections of notices (the entries of the Atom, RSS and JSON feeds); nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendar_service.models import Event, Notice
from calendar_service.store.queries import EventFilter, event_conditions, in_lists, list_countries

__all__ = ["NoticeSelection", "count_notices", "list_countries", "list_event_notices", "list_notice_page",
           "list_notices", "matches"]


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
    query = query.where(*event_conditions(where))
    notices: Sequence[Notice] = session.scalars(query.order_by(Notice.id.desc())).all()
    if where.countries or where.bodies:
        return [notice for notice in notices if in_lists(notice.event, where)]
    return list(notices)


def count_notices(session: Session, selection: NoticeSelection = NoticeSelection()) -> int:
    """Return how many notices :func:`list_notices` would return (counted in SQL where it can be)."""
    where = selection.events
    if where.countries or where.bodies:
        return len(list_notices(session, selection))
    query = select(func.count(Notice.id)).join(Notice.event).where(*event_conditions(where))
    if selection.kinds:
        query = query.where(Notice.kind.in_(selection.kinds))
    return session.scalar(query) or 0


def list_notice_page(session: Session, selection: NoticeSelection, page: int, size: int) -> tuple[list[Notice], int]:
    """Return page ``page`` (1 = the latest issued) of the matching notices, and how many match.

    Only the page's notices are read in full; the others are light rows (their id and, for a
    country or body filter, their event's lists), so a page costs little more than its output.
    """
    where = selection.events
    lists = bool(where.countries or where.bodies)
    columns = [Notice.id, Event.country, Event.countries, Event.bodies] if lists else [Notice.id]
    query = select(*columns).join(Notice.event)
    if selection.kinds:
        query = query.where(Notice.kind.in_(selection.kinds))
    rows: Sequence[Any] = session.execute(query.where(*event_conditions(where)).order_by(Notice.id.desc())).all()
    if lists:
        rows = [row for row in rows if in_lists(row, where)]
    ids = [row.id for row in rows[(page - 1) * size:page * size]]
    notices = session.scalars(select(Notice).where(Notice.id.in_(ids)).order_by(Notice.id.desc())).all() if ids else []
    return list(notices), len(rows)


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
        and in_lists(event, where)
    )


def list_event_notices(session: Session, event: Event) -> list[Notice]:
    """Return the notices about ``event``, the latest issued first."""
    query = select(Notice).where(Notice.event_id == event.id).order_by(Notice.id.desc())
    return list(session.scalars(query))
