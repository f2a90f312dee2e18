"""Notices: what the service announced about an event, kept as issued (feed entries, reminders).

A notice is issued once: the unique key (event, kind, occurrence year, lead, event sequence)
makes a second issue of the same notice fail at the database, whichever process tries. Later
deliveries (email, webhooks) are filled into an outbox in the same transaction as the notice.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from calendar_service.models.base import Base, JSONMapping, UTCDateTime
from calendar_service.models.event import Event

__all__ = ["Notice", "NoticeKind"]


class NoticeKind(StrEnum):
    ANNOUNCED = "announced"  #: an event first stored
    CHANGED = "changed"  #: its date, place or status changed
    ANNIVERSARY_AHEAD = "anniversary_ahead"  #: an anniversary is ``lead_days`` away
    ANNIVERSARY_TODAY = "anniversary_today"  #: an anniversary is today


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("event_id", "kind", "occurrence_year", "lead_days", "event_sequence",
                         name="uq_notices_once"),
        Index("ix_notices_issued", "issued_dt", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: A NoticeKind value.
    kind: Mapped[str] = mapped_column(String(32))
    #: Year of the anniversary a notice is about; 0 for notices that are not about an anniversary.
    occurrence_year: Mapped[int] = mapped_column(Integer, default=0)
    #: Days before the anniversary (anniversary_ahead); 0 otherwise.
    lead_days: Mapped[int] = mapped_column(Integer, default=0)
    #: The event's sequence the notice reports (announced, changed); 0 for anniversaries.
    event_sequence: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(1000))
    title_ru: Mapped[str | None] = mapped_column(String(1000))
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_ru: Mapped[str | None] = mapped_column(Text)
    #: Structured facts as issued: previous and new values, ordinal, jubilee, ...
    details: Mapped[dict[str, object]] = mapped_column(JSONMapping, default=dict)
    #: When the notice was issued (a feed entry's ``published``).
    issued_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Changes only when the notice's own content changes (a feed entry's ``updated``).
    updated_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Notice {self.kind} event={self.event_id} {self.occurrence_year}/{self.lead_days}>"
