"""Store-wide state: a revision bumped by every write, so renderers know when to run again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, UTCDateTime

__all__ = ["StoreState"]


class StoreState(Base):
    __tablename__ = "store_state"

    #: Always 1: a single row.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Incremented in the same transaction as every change to events.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
