"""The only writer of events: validated records in, rows created or updated, revision bumped.

A record is matched to its row by ``key``. A new key gets a uid (the record's own, or one derived
from the key, so a rebuilt store gives every event the uid it had before) that never changes
after. Each write names its origin (``dataset``, ``ics``, ``import``, ``editor``), recorded per
field: :func:`calendar_service.store.provenance.merge_fields` decides which fields a record may
change, so a news import never overwrites what the dataset or an editor made; what it read
differently is returned as differences. A record that changes any field updates the row and bumps
``sequence``; one that changes none changes nothing, so loading the same input twice is a no-op.

In the same transaction the notices follow (:mod:`calendar_service.notices.issue`): a created event
is *announced*; an update of its dates, place or status issues a *changed* notice; and the history
(:mod:`calendar_service.store.history`) records who changed which fields, before and after.

Editors change one event at a time (:func:`create_event`, :func:`edit_event`, :func:`cancel_event`,
:func:`purge_event`): each checks the event's ``version`` (the API's ETag) and SQLAlchemy checks it
again in the UPDATE, so an edit made against a version someone replaced meanwhile fails with
:class:`~calendar_service.errors.EditConflict` and changes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from calendar_service.dates import Precision
from calendar_service.errors import EditConflict, InvalidInput, NotFound, Problem
from calendar_service.models import Event, EventChange, StoreState
from calendar_service.notices.issue import issue_announced, issue_changed, snapshot
from calendar_service.store.history import Action, record_change
from calendar_service.store.provenance import Difference, Origin, merge_fields
from calendar_service.store.records import Category, EventRecord, Status, validate_record

__all__ = [
    "UID_DOMAIN",
    "Origin",
    "UpsertResult",
    "cancel_event",
    "create_event",
    "derive_uid",
    "edit_event",
    "purge_event",
    "record_from_row",
    "upsert_records",
]

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
    actor: str | None = None,
) -> UpsertResult:
    """Create or update one event per record inside the caller's transaction.

    Every record is checked before anything is written. ``origin`` says who made the records; it
    decides which stored values they may replace (see :mod:`calendar_service.store.provenance`);
    by default they are curated records, as the dataset's. ``actor`` is the origin recorded on the
    fields written and in the history (``editor:alice``); by default ``origin``'s name.

    Raises:
        InvalidInput: any record is invalid, or two share a key; nothing was written.
    """
    records = list(records)
    _check(records, source)
    tag = actor or origin.value
    now = now.replace(microsecond=0)  # iCalendar and HTTP dates have whole seconds
    result = UpsertResult()
    keys = [record.key for record in records]
    existing = {row.key: row for row in session.scalars(select(Event).where(Event.key.in_(keys)))}
    new_uids = {record.key: record.uid or derive_uid(record.key) for record in records if record.key not in existing}
    # One query for the uids the new events would take (a query per event would flush the session
    # before each); a uid given twice in this batch is taken as well.
    taken = set(session.scalars(select(Event.uid).where(Event.uid.in_(set(new_uids.values())))))
    created_events: list[Event] = []
    for record in records:
        values = _values(record)
        row = existing.get(record.key)
        if row is None:
            uid = new_uids[record.key]
            if uid in taken:
                raise InvalidInput([Problem(f"uid {uid} belongs to another event", source=source,
                                            record=record.key, field="uid")])
            taken.add(uid)
            created = Event(uid=uid, key=record.key, sequence=0, created_dt=now, updated_dt=now,
                            origin=origin.value, field_origins=dict.fromkeys(values, tag), **values)
            session.add(created)
            created_events.append(created)
            record_change(session, uid, Action.CREATED, actor=tag, now=now, sequence=0, before={},
                          after=_labelled(values))
            result.created.append(uid)
            continue
        merge = merge_fields(record.key, {name: getattr(row, name) for name in values}, row.field_origins or {},
                             values, origin, labels=_LABELS, tag=tag)
        result.differences.extend(merge.differences)
        if merge.origins != (row.field_origins or {}):
            row.field_origins = merge.origins
        if merge.changes:
            _apply(session, row, merge.changes, now=now, actor=tag)
            result.updated.append(row.uid)
        else:
            result.unchanged.append(row.uid)
    issue_announced(session, created_events, now=now)
    if result.changed:
        session.flush()
        mark_changed(session, now)
    return result


def mark_changed(session: Session, now: dt.datetime) -> None:
    """Bump the store's revision, so the scheduler re-renders soon after this transaction commits.

    The event changes this transaction recorded take the new revision: the UPDATE holds the
    revision's row until the commit, so revisions follow the order of commits and a build that
    read revision R finds every change up to R (ids of a sequence would not: they are taken
    before the commit).
    """
    session.flush()
    session.execute(
        update(StoreState).where(StoreState.id == 1).values(revision=StoreState.revision + 1, changed_dt=now)
    )
    revision = session.scalar(select(StoreState.revision).where(StoreState.id == 1))
    session.execute(update(EventChange).where(EventChange.revision.is_(None)).values(revision=revision),
                    execution_options={"synchronize_session": False})


def _labelled(values: Mapping[str, object]) -> dict[str, object]:
    """Return column values under the record's (and the API's) field names."""
    return {_LABELS.get(name, name): value for name, value in values.items()}


def _apply(session: Session, row: Event, changes: Mapping[str, object], *, now: dt.datetime, actor: str,
           action: Action = Action.UPDATED) -> None:
    """Write ``changes`` (column -> value) to ``row``: sequence, notice, history, all in this transaction."""
    before_values = {name: getattr(row, name) for name in changes}
    before = snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.sequence += 1
    row.updated_dt = max(now, row.updated_dt)
    issue_changed(session, row, before, now=row.updated_dt)
    record_change(session, row.uid, action, actor=actor, now=row.updated_dt, sequence=row.sequence,
                  before=_labelled(before_values), after=_labelled(changes))


def record_from_row(row: Event) -> EventRecord:
    """Return the record that would store ``row`` as it is (the base an edit is applied to)."""
    names = {f.name for f in dataclasses.fields(EventRecord)} - {"key", "uid"}
    values = {name: getattr(row, _COLUMNS.get(name, name)) for name in names}
    values.update(precision=Precision(row.precision), category=Category(row.category), status=Status(row.status))
    return EventRecord(key=row.key, uid=row.uid, **values)


def _row(session: Session, uid: str, expected_version: int | None) -> Event:
    row = session.scalar(select(Event).where(Event.uid == uid))
    if row is None:
        raise NotFound(f"no event with uid {uid!r}")
    if expected_version is not None and row.version != expected_version:
        raise EditConflict(412, f"event {uid} has changed since version {expected_version} was read "
                                f"(it is at version {row.version}): read it again, then retry")
    return row


@contextlib.contextmanager
def _conflicts(uid: str) -> Iterator[None]:
    """Turn SQLAlchemy's version check failing (on any flush, autoflush included) into a 412."""
    try:
        yield
    except StaleDataError:
        raise EditConflict(412, f"event {uid} was changed by someone else meanwhile: read it again, "
                                "then retry") from None


def create_event(session: Session, record: EventRecord, *, now: dt.datetime, actor: str) -> Event:
    """Create one event made by an editor (``actor``: ``editor:<name>``) and return its row.

    Raises:
        InvalidInput: the record is invalid, or its key or uid is taken.
    """
    if session.scalar(select(Event.id).where(Event.key == record.key)) is not None:
        raise InvalidInput([Problem(f"an event with id {record.key!r} exists already", field="id")])
    result = upsert_records(session, [record], now=now, origin=Origin.EDITOR, actor=actor)
    return session.scalars(select(Event).where(Event.uid == result.created[0])).one()


def edit_event(session: Session, uid: str, changes: Mapping[str, object], *, now: dt.datetime, actor: str,
               expected_version: int | None = None, action: Action = Action.UPDATED) -> Event:
    """Change the fields ``changes`` names (record field -> value) of event ``uid``, as ``actor``.

    The whole record is checked after the change. Every field named becomes the editor's, even
    where its value stays, so no import replaces it later. A change of any value bumps the
    sequence, issues the notice a change issues and is recorded in the history.

    Raises:
        NotFound: no event has that uid.
        EditConflict: the event is no longer at ``expected_version``, or changed meanwhile.
        InvalidInput: the changed record is invalid.
    """
    row = _row(session, uid, expected_version)
    fields: dict[str, Any] = dict(changes)  # names and values are checked by validate_record next
    record = dataclasses.replace(record_from_row(row), **fields)
    problems = validate_record(record)
    if problems:
        raise InvalidInput(problems)
    values = _values(record)
    named = {_COLUMNS.get(name, name) for name in changes}
    changed = {column: value for column, value in values.items() if column in named and value != getattr(row, column)}
    origins = dict(row.field_origins or {})
    origins.update(dict.fromkeys(named, actor))
    with _conflicts(uid):
        if origins != (row.field_origins or {}):
            row.field_origins = origins
        if changed:
            _apply(session, row, changed, now=now.replace(microsecond=0), actor=actor, action=action)
            mark_changed(session, now.replace(microsecond=0))
        session.flush()
    return row


def cancel_event(session: Session, uid: str, *, now: dt.datetime, actor: str,
                 expected_version: int | None = None) -> Event:
    """Mark event ``uid`` cancelled: it stays in the calendars (STATUS:CANCELLED), so subscribers see it."""
    return edit_event(session, uid, {"status": Status.CANCELLED}, now=now, actor=actor,
                      expected_version=expected_version, action=Action.CANCELLED)


def purge_event(session: Session, uid: str, *, now: dt.datetime, actor: str,
                expected_version: int | None = None) -> None:
    """Remove event ``uid`` for good, with its notices and overridden occurrences; its history stays.

    Raises:
        NotFound: no event has that uid.
        EditConflict: the event is no longer at ``expected_version``.
    """
    row = _row(session, uid, expected_version)
    now = now.replace(microsecond=0)
    with _conflicts(uid):
        overrides = list(session.scalars(select(Event).where(Event.series_uid == uid)))
        for event in [*overrides, row]:
            values = _values(record_from_row(event))
            record_change(session, event.uid, Action.PURGED, actor=actor, now=now, sequence=event.sequence,
                          before=_labelled(values), after={})
            session.delete(event)
        session.flush()
        mark_changed(session, now)
        mark_changed(session, now)
