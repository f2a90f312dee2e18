"""The event: one row per thing that happened or will happen, keyed forever by its ``uid``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, JSONMapping, StringList, UTCDateTime

__all__ = ["Event"]


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_start_end", "start_date", "end_date"),
                      Index("ix_events_series_uid", "series_uid"),
                      # Covers the distinct places a build reads to name the country calendars.
                      Index("ix_events_country_countries", "country", "countries"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Public identity (iCalendar UID, feed ids, URLs); given once, never changed.
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    #: Natural identity from the source (dataset id, extraction fingerprint); matched on re-load.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    title_ru: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_ru: Mapped[str | None] = mapped_column(Text)
    #: First day of the start period and last day of the end period (inclusive).
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    #: day, month or year: what the source really said.
    precision: Mapped[str] = mapped_column(String(8))
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    #: IANA zone of start_time/end_time.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    category: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16))
    city: Mapped[str | None] = mapped_column(String(200))
    #: ISO 3166-1 alpha-2 of the venue.
    country: Mapped[str | None] = mapped_column(String(2))
    countries: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    bodies: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    #: Whether its yearly anniversaries are commemorated.
    is_anniversary: Mapped[bool] = mapped_column("anniversary", Boolean, default=False)
    #: The source gave no year: it was inferred from the reference date.
    is_year_inferred: Mapped[bool] = mapped_column("year_inferred", Boolean, default=False)
    #: The text the date was read from.
    evidence: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(2000))
    published_date: Mapped[dt.date | None] = mapped_column(Date)
    #: Where the event was first written from: dataset, ics, import or editor (None: before origins were kept).
    origin: Mapped[str | None] = mapped_column(String(16))
    #: Column -> origin of its current value; a value people made is never replaced by one read by machine.
    field_origins: Mapped[dict[str, str]] = mapped_column(JSONMapping, nullable=True, default=dict)
    #: A recurring series: its RRULE value (RFC 5545 §3.3.10), UNTIL in UTC or as a DATE; None for
    #: a single event. start_date/end_date and the times are then those of the first occurrence.
    rrule: Mapped[str | None] = mapped_column(String(1000))
    #: Extra (RDATE) and excluded (EXDATE) starts of the series: "YYYYMMDD" for an all-day series,
    #: else "YYYYMMDDTHHMMSS" wall-clock time in ``timezone``.
    rdates: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    exdates: Mapped[tuple[str, ...]] = mapped_column(StringList, default=())
    #: Last day any occurrence of the series covers; None while it repeats without a known end.
    series_end_date: Mapped[dt.date | None] = mapped_column(Date)
    #: An overridden occurrence: the uid of the series it belongs to ...
    series_uid: Mapped[str | None] = mapped_column(String(255))
    #: ... and the start it replaces (RECURRENCE-ID): "YYYYMMDD", or a UTC "YYYYMMDDTHHMMSSZ".
    recurrence_id: Mapped[str | None] = mapped_column(String(32))
    #: Bumped on every material change (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: Bumped by every write of the row, material or not: the API's ETag.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: Every UPDATE checks and bumps ``version`` (SQLAlchemy's optimistic concurrency), so an edit
    #: made against a version someone else replaced meanwhile fails instead of overwriting theirs.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
    created_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_dt: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Event {self.uid} {self.start_date} {self.title[:40]!r}>"
