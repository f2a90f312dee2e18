"""The history of events: one row per change, who made it, when, and each field before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, JSONMapping, UTCDateTime

__all__ = ["EventChange"]


class EventChange(Base):
    __tablename__ = "event_changes"
    __table_args__ = (Index("ix_event_changes_event_uid", "event_uid", "id"),
                      Index("ix_event_changes_revision", "revision"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The event's uid: kept after the event is purged, so its history outlives it.
    event_uid: Mapped[str] = mapped_column(String(255))
    changed_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Who: ``editor:<token name>``, ``dataset``, ``import``, ``ics``.
    actor: Mapped[str] = mapped_column(String(80))
    #: created, updated, cancelled, purged.
    action: Mapped[str] = mapped_column(String(16))
    #: Field (as the API names it) -> {"before": value, "after": value}, JSON values.
    changes: Mapped[dict[str, Any]] = mapped_column(JSONMapping, default=dict)
    #: The event's sequence after the change (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The store revision whose transaction committed the change (set by ``mark_changed``): revisions
    #: are taken one writer after another, so a build at revision R has seen every change up to R.
    revision: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<EventChange {self.event_uid} {self.action} by {self.actor}>"
