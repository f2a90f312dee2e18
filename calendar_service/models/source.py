"""Watched news sources, every item read from them, and the events each item gave."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, UTCDateTime

__all__ = ["Source", "SourceItem", "SourceItemEvent"]


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The name people use for it (``csto-en``); unique.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``feed`` (RSS or Atom) or ``html`` (a news-list page whose article links ``selector`` finds).
    kind: Mapped[str] = mapped_column(String(8))
    url: Mapped[str] = mapped_column(String(2000))
    #: CSS selector of the article links of an ``html`` source.
    selector: Mapped[str | None] = mapped_column(String(500))
    #: ``en``, ``ru`` or ``auto``.
    language: Mapped[str] = mapped_column(String(8), default="auto")
    #: ``high``, ``normal`` or ``low``: how sure a reading must be to be published at once.
    trust: Mapped[str] = mapped_column(String(8), default="normal")
    #: ``publish`` (new events published when the reader is sure enough) or ``review`` (always proposed).
    policy: Mapped[str] = mapped_column(String(8), default="review")
    is_enabled: Mapped[bool] = mapped_column("enabled", Boolean, default=True)
    #: The validators of the last listing read, sent back in a conditional GET.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    #: The host's robots.txt as last read (empty: none), and when.
    robots_txt: Mapped[str | None] = mapped_column(Text)
    robots_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_fetch_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_success_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Failures in a row since the last success; the back-off grows with them.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: While failing: not fetched again before this time.
    retry_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Source {self.name} {self.kind} {self.url}>"


class SourceItem(Base):
    """One item read from a source (or skipped as a repeat), kept so an editor can see why an event exists."""

    __tablename__ = "source_items"
    __table_args__ = (Index("ix_source_items_source_guid", "source_id", "guid", unique=True),
                      Index("ix_source_items_content_hash", "content_hash"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: None once the source was removed; the item stays, with the source's name.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    source_name: Mapped[str] = mapped_column(String(64))
    #: The feed's guid, or the article's address when it gives none.
    guid: Mapped[str] = mapped_column(String(2000))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(500))
    #: The publication day (the reader's reference), from the feed or the page's metadata.
    published_date: Mapped[dt.date | None] = mapped_column(Date)
    #: SHA-256 of the article's text: a re-published item is recognised under a new guid.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    #: ``events``, ``proposed``, ``none`` (no dated event), ``repeat`` (same text as ``repeat_of``),
    #: ``no-text`` (no article found), ``failed`` (could not be read).
    outcome: Mapped[str] = mapped_column(String(16))
    #: What it gave, in one line ("2 created, 1 proposed"), or why it gave nothing.
    note: Mapped[str | None] = mapped_column(Text)
    repeat_of: Mapped[int | None] = mapped_column(Integer)
    fetched_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SourceItem {self.id} {self.source_name} {self.outcome} {self.url}>"


class SourceItemEvent(Base):
    """An event an item gave: created, updated, confirmed (unchanged) or proposed."""

    __tablename__ = "source_item_events"

    item_id: Mapped[int] = mapped_column(ForeignKey("source_items.id", ondelete="CASCADE"), primary_key=True)
    #: The event's natural key: a proposed event is linked before it exists.
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    #: ``created``, ``updated``, ``unchanged`` or ``proposed``.
    action: Mapped[str] = mapped_column(String(16))
