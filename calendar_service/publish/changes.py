"""What changed in the store since the feeds were published, and what each calendar becomes: kept, spliced
or rendered whole.

A build reads the event changes stamped with a revision after the one the previous manifest
records (``event_changes.revision``, see :func:`calendar_service.store.writer.mark_changed`), and
for each calendar (:func:`plan_calendar`):

- none of its entries changed and none comes: the published document is kept as it is;
- some did: the changed entries are spliced into it (:class:`~calendar_service.publish.splice.Splice`);
- otherwise (no previous document or index, other settings or day, another version of the code,
  too many changes, a change to a series or to a founding event) it is rendered whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from calendar_service import __version__
from calendar_service.config import Settings
from calendar_service.dates import Precision
from calendar_service.models import Event, EventChange
from calendar_service.publish.calendars import CalendarDefinition, complete_options, feed_spec
from calendar_service.publish.entryindex import SERIES, EntryIndex, IndexedRender, basis_digest, entry_zone, is_series
from calendar_service.publish.files import SIDECAR, Document, Kept
from calendar_service.publish.splice import NewEntry, Splice
from calendar_service.render.ical import PRODID, IcsOptions, render_event_block
from calendar_service.store.queries import event_conditions, in_lists, list_events_by_id
from calendar_service.wording.common import WORDING_REVISION

__all__ = ["StoreChanges", "plan_calendar", "read_changes"]

#: More changed events than this and a build renders every calendar whole.
MOST_CHANGES = 1000
_LIGHT = ("id", "uid", "sequence", "start_date", "end_date", "precision", "start_time", "timezone", "rrule",
          "series_end_date", "series_uid", "category", "status", "country", "countries", "bodies")
_SOURCES = ("render", "wording", "publish/entryindex.py", "publish/splice.py", "publish/changes.py",
            "publish/calendars.py", "anniversaries.py", "dates.py")


@dataclass
class StoreChanges:
    """The events changed since the previous publish, as the store holds them now."""

    uids: frozenset[str]
    rows: dict[str, Any]  #: light rows by uid; a purged event has none
    series: bool  #: some changed event is or was part of a series
    founding: bool  #: some changed event is a founding event
    _blocks: dict[str, bytes] = dataclasses.field(default_factory=dict)


def read_changes(session: Session, since: int, until: int) -> StoreChanges | None:
    """Return the events changed by revisions ``since`` (excluded) to ``until``, or None if too many to splice."""
    if until < since:
        return None
    column = EventChange.__table__.c
    uids = frozenset(session.scalars(select(column.event_uid).where(column.revision > since,
                                                                    column.revision <= until).distinct()))
    if len(uids) > MOST_CHANGES:
        return None
    table = Event.__table__
    query = select(*(table.c[name] for name in _LIGHT), table.c.anniversary.label("is_anniversary"),
                   type_coerce(table.c.rdates, Text).label("rdates_text"))
    rows = {row.uid: row for row in session.connection().execute(query.where(table.c.uid.in_(uids)))} if uids else {}
    series = any(row.rrule or row.series_uid or row.rdates_text not in (None, "[]", "null") for row in rows.values())
    if uids and not series:
        series = session.scalar(select(table.c.id).where(table.c.series_uid.in_(uids)).limit(1)) is not None
    return StoreChanges(uids=uids, rows=rows, series=series,
                        founding=any(row.is_anniversary for row in rows.values()))


@functools.cache
def _code_digest() -> str:
    """Return a digest of the code that shapes a calendar's bytes: a new version renders whole once."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in _SOURCES:
        path = root / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()


def calendar_basis(session: Session, definition: CalendarDefinition, settings: Settings, today: dt.date) -> str:
    """Return what a calendar's bytes depend on besides its events: a splice needs the same as the document's."""
    return basis_digest(PRODID, __version__, WORDING_REVISION, _code_digest(), session.get_bind().dialect.name,
                        today, definition, feed_spec(definition, settings), settings.base_url,
                        settings.ics_past_days, settings.anniversary_years_back, settings.anniversary_years_ahead,
                        settings.anniversary_triggers, settings.alarm_at_offset)


def _read_index(feeds_dir: Path, entry: Mapping[str, Any]) -> EntryIndex | None:
    try:
        data = (feeds_dir / (entry["object"] + SIDECAR)).read_bytes()
    except (OSError, KeyError):
        return None
    try:
        return EntryIndex.from_bytes(data)
    except (ValueError, KeyError):
        return None


def plan_calendar(session: Session, definition: CalendarDefinition, settings: Settings, *, today: dt.date,
                  changes: StoreChanges | None, previous: Mapping[str, Any] | None,
                  render: Callable[[Callable[[Any], object]], Iterator[bytes]]) -> Document:
    """Return what publishes ``definition``: kept, spliced, or ``render`` with an index (see the module)."""
    basis = calendar_basis(session, definition, settings, today)
    whole = IndexedRender(render, basis)
    if changes is None or changes.series or (changes.founding and definition.anniversaries) or not previous:
        return whole
    index = _read_index(settings.feeds_dir, previous)
    if index is None or index.basis != basis:
        return whole
    added = _entries(session, definition, settings, today, changes) if definition.events else []
    held = changes.uids
    if not added and held.isdisjoint(index.founding) and not index.uids.positions(held):
        return Kept(previous)
    return Splice(settings.feeds_dir / previous["object"], settings.feeds_dir / previous["gzip_object"], index,
                  basis=basis, removed=set(changes.uids), added=added, order=functools.partial(_store_order, session),
                  fallback=whole)


def _entries(session: Session, definition: CalendarDefinition, settings: Settings, today: dt.date,
             changes: StoreChanges) -> list[NewEntry]:
    """Return the entries the changed events make in ``definition``: those its own query selects."""
    if not changes.rows:
        return []
    where = dataclasses.replace(definition.where, start=today - dt.timedelta(days=settings.ics_past_days),
                                precisions=(Precision.DAY.value,))
    table = Event.__table__
    query = select(table.c.uid).where(*event_conditions(where, table.c), table.c.uid.in_(list(changes.rows)))
    selected = [changes.rows[uid] for uid in session.scalars(query)]
    selected = [row for row in selected if in_lists(row, where)]
    missing = [row for row in selected if row.uid not in changes._blocks]
    if missing:
        options = complete_options(IcsOptions(), settings)
        plain = dataclasses.replace(options, alarms=(), alarm_at=IcsOptions.alarm_at)
        full = list_events_by_id(session, [row.id for row in missing])
        for row in missing:
            changes._blocks[row.uid] = render_event_block(full[row.id], settings.base_url, plain)
    return sorted((NewEntry(uid=row.uid, start=row.start_date.toordinal(), end=row.end_date.toordinal(),
                            block=changes._blocks[row.uid], zone=entry_zone(row),
                            flags=SERIES if is_series(row) else 0) for row in selected),
                  key=lambda entry: (entry.start, entry.end, entry.uid))


def _store_order(session: Session, uids: Sequence[str]) -> list[str]:
    """Return ``uids`` in the order the store sorts them (its collation), as a calendar's query does."""
    column = Event.__table__.c.uid
    return list(session.scalars(select(column).where(column.in_(list(uids))).order_by(column)))
