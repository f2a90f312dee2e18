"""The one writer and reader of event history: every change, who made it, and each field before and after.

The writer (:mod:`calendar_service.store.writer`) records a change in the transaction that makes
it, so the history can never disagree with the store. Values are kept as JSON: dates and times in
ISO 8601, lists as lists. The history of a purged event stays readable by its uid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendar_service.models import EventChange

__all__ = ["Action", "jsonable", "list_changes", "record_change"]


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    CANCELLED = "cancelled"
    PURGED = "purged"


def jsonable(value: object) -> object:
    """Return ``value`` as JSON keeps it: ISO dates and times, lists for tuples, strings for enums."""
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [jsonable(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


def record_change(session: Session, uid: str, action: Action, *, actor: str, now: dt.datetime, sequence: int,
                  before: Mapping[str, object], after: Mapping[str, object]) -> EventChange | None:
    """Record what changed in event ``uid``: the fields whose value differs between ``before`` and ``after``.

    Returns None (records nothing) for an update that changed no value.
    """
    changes = {
        name: {"before": jsonable(before.get(name)), "after": jsonable(after.get(name))}
        for name in sorted(set(before) | set(after))
        if jsonable(before.get(name)) != jsonable(after.get(name))
    }
    if not changes and action is Action.UPDATED:
        return None
    change = EventChange(event_uid=uid, changed_dt=now, actor=actor, action=action.value, changes=changes,
                         sequence=sequence)
    session.add(change)
    return change


def list_changes(session: Session, uid: str) -> list[EventChange]:
    """Return the changes of event ``uid``, oldest first."""
    return list(session.scalars(select(EventChange).where(EventChange.event_uid == uid).order_by(EventChange.id)))
