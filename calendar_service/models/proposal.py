"""Proposals: what a machine read that differs from what people made, waiting for a reviewer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, JSONMapping, UTCDateTime

__all__ = ["Proposal"]


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_state", "state", "id"), Index("ix_proposals_event_key", "event_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The event's natural key (the reader's key for a new event).
    event_key: Mapped[str] = mapped_column(String(255))
    #: The stored event's uid; None for a new event.
    event_uid: Mapped[str | None] = mapped_column(String(255))
    #: The field (``start``, ``country`` …); None: the whole event is new.
    field: Mapped[str | None] = mapped_column(String(32))
    #: {"value": the stored value} and {"value": the value read}, as JSON; a new event's fields in ``proposed``.
    current: Mapped[dict[str, Any]] = mapped_column(JSONMapping, default=dict)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSONMapping, default=dict)
    #: Where the stored value came from (``dataset``, ``editor:alice``); None for a new event.
    current_origin: Mapped[str | None] = mapped_column(String(80))
    #: The text the value was read from, and where it was read (an address or a file name).
    evidence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(2000))
    #: Who read it: import, ics or source.
    origin: Mapped[str] = mapped_column(String(16))
    #: The reader's confidence, 0 to 1, when it gives one.
    confidence: Mapped[float | None] = mapped_column(Float)
    #: open, accepted or rejected.
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: ``editor:<token name>`` of the reviewer.
    decided_by: Mapped[str | None] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.event_key} {self.field or 'new event'} {self.state}>"
