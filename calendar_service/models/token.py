"""API tokens: who may change the calendar over HTTP, and how much (scopes)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, StringList, UTCDateTime

__all__ = ["ApiToken"]


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Who holds it ("alice", "newsroom-bot"); recorded with every change made with it.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the token, hex: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: write, review, admin.
    scopes: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    created_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: Set when revoked; a revoked token is refused and its name stays taken, so history stays unambiguous.
    revoked_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.revoked_dt is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.name} {','.join(self.scopes)}>"
