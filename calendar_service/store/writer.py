"""The only writer of events: validated records in, rows created or updated, revision bumped.

A record is matched to its row by ``key``. A new key gets a uid (the record's own, or one derived
from the key, so a rebuilt store gives every event the uid it had before) that never changes
after. Each write names its origin (``dataset``, ``ics``, ``import``, ``editor``), recorded per
field: :func:`calendar_service.store.provenance.merge_fields` decides which fields a record may
change, so a news import never overwrites what the dataset or an editor made; what it read
differently is returned as differences. A record that changes any field updates the row and bumps
``sequence``; one that changes none changes nothing, so loading the same input twice is a no-op.

In the same transaction the notices follow (:mod:`calendar_service.notices.issue`): a created event
is *announced*; an update of its dates, place or status issues a *changed* notice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from calendar_service.errors import InvalidInput, Problem
from calendar_service.models import Event, StoreState
from calendar_service.notices.issue import issue_announced, issue_changed, snapshot
from calendar_service.store.provenance import Difference, Origin, merge_fields
from calendar_service.store.records import EventRecord, validate_record

__all__ = ["UID_DOMAIN", "Origin", "UpsertResult", "derive_uid", "upsert_records"]

UID_DOMAIN = "calendar-service"
_UID_NAMESPACE = uuid.UUID("8f4c3f0e-6b0a-5d7e-9a51-2c7c1d0b5e10")

#: EventRecord field -> Event attribute, where the names differ.
_COLUMNS = {
    "start": "start_date",
    "end": "end_date",
    "anniversary": "is_anniversary",
    "year_inferred": "is_year_inferred",
    "published": "published_date",
    "series_end": "series_end_date",
}
_LABELS = {column: name for name, column in _COLUMNS.items()}


@dataclass
class UpsertResult:
    """What one load did."""

    created: list[str] = field(default_factory=list)  #: uids
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Values read that differ from stored values made by people, which were kept.
    differences: list[Difference] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def derive_uid(key: str) -> str:
    """Return the uid an event with natural ``key`` gets when its source gives none."""
    return f"{uuid.uuid5(_UID_NAMESPACE, key)}@{UID_DOMAIN}"


def _values(record: EventRecord) -> dict[str, object]:
    values = {}
    for name, value in record.content().items():
        if name in {"precision", "category", "status"}:
            value = str(value)
        elif name in {"countries", "bodies", "rdates", "exdates"}:
            value = tuple(value)
        elif isinstance(value, str):
            # One line-break convention in the store: XML parsers turn a raw CR into LF anyway, so a
            # CR kept here would not survive a feed reader's round trip.
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        values[_COLUMNS.get(name, name)] = value
    return values


def _check(records: Sequence[EventRecord], source: str | None) -> None:
    problems: list[Problem] = []
    seen: set[str] = set()
    for record in records:
        problems.extend(validate_record(record, source=source))
        if record.key in seen:
            problems.append(Problem("the same id appears twice", source=source, record=record.key, field="id"))
        seen.add(record.key)
    if problems:
        raise InvalidInput(problems)


def upsert_records(
    session: Session,
    records: Iterable[EventRecord],
    *,
    now: dt.datetime,
    origin: Origin = Origin.DATASET,
    source: str | None = None,
) -> UpsertResult:
    """Create or update one event per record inside the caller's transaction.

    Every record is checked before anything is written. ``origin`` says who made the records; it
    decides which stored values they may replace (see :mod:`calendar_service.store.provenance`);
    by default they are curated records, as the dataset's.

    Raises:
        InvalidInput: any record is invalid, or two share a key; nothing was written.
    """
    records = list(records)
    _check(records, source)
    now = now.replace(microsecond=0)  # iCalendar and HTTP dates have whole seconds
    result = UpsertResult()
    keys = [record.key for record in records]
    existing = {row.key: row for row in session.scalars(select(Event).where(Event.key.in_(keys)))}
    for record in records:
        values = _values(record)
        row = existing.get(record.key)
        if row is None:
            uid = record.uid or derive_uid(record.key)
            taken = session.scalar(select(Event.id).where(Event.uid == uid))
            if taken is not None:
                raise InvalidInput([Problem(f"uid {uid} belongs to another event", source=source,
                                            record=record.key, field="uid")])
            created = Event(uid=uid, key=record.key, sequence=0, created_dt=now, updated_dt=now,
                            origin=origin.value, field_origins=dict.fromkeys(values, origin.value), **values)
            session.add(created)
            issue_announced(session, created, now=now)
            result.created.append(uid)
            continue
        merge = merge_fields(record.key, {name: getattr(row, name) for name in values}, row.field_origins or {},
                             values, origin, labels=_LABELS)
        result.differences.extend(merge.differences)
        if merge.origins != (row.field_origins or {}):
            row.field_origins = merge.origins
        if merge.changes:
            before = snapshot(row)
            for name, value in merge.changes.items():
                setattr(row, name, value)
            row.sequence += 1
            row.updated_dt = max(now, row.updated_dt)
            issue_changed(session, row, before, now=row.updated_dt)
            result.updated.append(row.uid)
        else:
            result.unchanged.append(row.uid)
    if result.changed:
        session.flush()
        mark_changed(session, now)
    return result


def mark_changed(session: Session, now: dt.datetime) -> None:
    """Bump the store's revision, so the scheduler re-renders soon after this transaction commits."""
    session.execute(
        update(StoreState).where(StoreState.id == 1).values(revision=StoreState.revision + 1, changed_dt=now)
    )
