"""A rendered calendar entry kept in the store, so a restarted process re-renders by concatenation."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base

__all__ = ["CalendarBlock"]


class CalendarBlock(Base):
    __tablename__ = "calendar_blocks"

    #: Which rendering: a digest of the base URL, the subscriber's options and the reminders.
    variant: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The entry's UID: an event's, or an anniversary's ("anniversary-<n>-<event uid>").
    uid: Mapped[str] = mapped_column(String(320), primary_key=True)
    #: The event's SEQUENCE the block was rendered from: a changed event never matches an old block.
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The VEVENT block as published (CRLF lines, folded).
    block: Mapped[bytes] = mapped_column(LargeBinary)
