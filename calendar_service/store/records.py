"""Validated event records: the one shape in which events enter the store.

Every way in (the YAML dataset, news-text extraction, ICS import, later the editors' API) ends in
:class:`EventRecord` values checked by :func:`validate_record`; :mod:`calendar_service.store.writer` is
the only code that turns them into rows.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

import pycountry

from calendar_service.dates import Precision
from calendar_service.errors import Problem

__all__ = [
    "LIMITS",
    "MAX_ITEMS",
    "Category",
    "EventRecord",
    "Status",
    "clip",
    "find_markup",
    "is_country_code",
    "validate_record",
]

MAX_TITLE = 500
MAX_TEXT = 20_000
MAX_NAME = 200
DEFAULT_TIMEZONE = "Europe/Moscow"
#: The most characters each text field holds: the column sizes of ``models/event.py`` (migration
#: 0001), and for the unbounded TEXT columns a limit no real summary reaches. Checked here, at the
#: door, so that every way in refuses an over-long value with its field named, on SQLite (which
#: would store it) as on PostgreSQL (which would fail inside the transaction).
LIMITS: dict[str, int] = {
    "key": 255,
    "uid": 255,
    "title": MAX_TITLE,
    "title_ru": MAX_TITLE,
    "summary": MAX_TEXT,
    "summary_ru": MAX_TEXT,
    "evidence": MAX_TEXT,
    "city": MAX_NAME,
    "timezone": 64,
    "source_url": 2000,
    "bodies": MAX_NAME,  #: each name
}
#: The most countries, and the most bodies, one event names.
MAX_ITEMS = 100


class Category(StrEnum):
    MEETING = "meeting"
    CONSULTATION = "consultation"
    TRAINING = "training"
    OPERATION = "operation"
    STATEMENT = "statement"
    MILESTONE = "milestone"
    OTHER = "other"


class Status(StrEnum):
    HELD = "held"
    PLANNED = "planned"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class EventRecord:
    """An event as its source states it, before the store gives it a uid and a sequence."""

    key: str  #: natural identity within the store: the same key is the same event
    title: str
    start: dt.date  #: first day of the start period
    end: dt.date  #: last day of the end period (inclusive)
    precision: Precision
    category: Category
    status: Status
    summary: str = ""
    title_ru: str | None = None
    summary_ru: str | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    timezone: str = DEFAULT_TIMEZONE
    city: str | None = None
    country: str | None = None  #: ISO 3166-1 alpha-2 of the venue
    countries: tuple[str, ...] = ()  #: ISO 3166-1 alpha-2 of the places involved
    bodies: tuple[str, ...] = ()  #: canonical names of CSTO bodies and outside organisations
    anniversary: bool = False
    year_inferred: bool = False  #: the source gave no year; it was inferred from the reference date
    evidence: str | None = None  #: the exact text the date was read from
    source_url: str | None = None
    published: dt.date | None = None
    uid: str | None = None  #: a uid the source already gave (ICS import); else the store derives one
    #: A recurring series (ICS import): RRULE value, RDATE and EXDATE starts, last day covered
    #: (see :class:`calendar_service.models.Event`).
    rrule: str | None = None
    rdates: tuple[str, ...] = ()
    exdates: tuple[str, ...] = ()
    series_end: dt.date | None = None
    #: An overridden occurrence: the uid of its series and the start it replaces (RECURRENCE-ID).
    series_uid: str | None = None
    recurrence_id: str | None = None

    def content(self) -> dict[str, Any]:
        """Return every stored field but the identities ``key`` and ``uid``, for change detection."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in {"key", "uid"}}


_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def is_country_code(code: str) -> bool:
    """Tell whether ``code`` is an assigned ISO 3166-1 alpha-2 code."""
    return bool(_COUNTRY_RE.match(code)) and pycountry.countries.get(alpha_2=code) is not None


#: XML 1.0 and iCalendar both refuse C0 controls other than tab/newline and lone surrogates.
#: DEL and the C1 controls are allowed by XML but "discouraged" (XML 1.0 §2.2) and never text:
#: feed readers decode them as Windows-1252 (U+0080 comes back as "€"), so they are refused too.
_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _forbidden_characters(text: str) -> bool:
    return _FORBIDDEN_RE.search(text) is not None


#: Something a browser or feed reader would take for markup: a tag, comment, doctype or processing
#: instruction, as an HTML parser opens one ("<" right before a letter, "/", "!" or "?"). "a < b" and
#: "R&D" stay plain text; "<b>", "</p>", "<!--" and "<?xml" do not.
_MARKUP_RE = re.compile(r"</?[A-Za-z][^<>]*>|<!|<\?")
#: Fields shown as a single line (feed titles, calendar summaries, place names).
_ONE_LINE = {"title", "title_ru", "city"}


def find_markup(text: str) -> str | None:
    """Return the first piece of HTML/XML markup in ``text`` (None for plain text).

    The store's content model is plain text, escaped by every renderer on the way out; markup at
    the door is refused rather than stripped, so what an editor wrote is never silently changed.
    """
    match = _MARKUP_RE.search(text)
    return match.group(0)[:40] if match else None


def clip(text: str, limit: int = 60) -> str:
    """Return ``text`` cut to ``limit`` characters with an ellipsis, for quoting input in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _too_long(value: str, limit: int) -> str:
    return f"is {len(value):,} characters long; at most {limit:,} are allowed"


def validate_record(record: EventRecord, *, source: str | None = None, line: int | None = None) -> list[Problem]:
    """Return every problem with ``record`` (an empty list when it is valid).

    Lengths are checked first (see :data:`LIMITS`); a value over its limit is not examined further,
    so a megabyte of it costs no more than its length.
    """
    problems: list[Problem] = []
    name_of_record = clip(record.key) if record.key else None

    def problem(name: str, message: str) -> None:
        problems.append(Problem(message, source=source, record=name_of_record, field=name, line=line))

    if not record.key or not record.key.strip():
        problem("key", "an id is required")
    elif len(record.key) > LIMITS["key"]:
        problem("key", _too_long(record.key, LIMITS["key"]))
    elif _forbidden_characters(record.key) or any(ch in record.key for ch in "\r\n\u2028\u2029"):
        problem("key", "an id is one line without control characters")
    if record.uid is not None:
        if len(record.uid) > LIMITS["uid"]:
            problem("uid", _too_long(record.uid, LIMITS["uid"]))
        elif not re.fullmatch(r"[\x21-\x7e]{1,255}", record.uid):
            problem("uid", "a uid is 1 to 255 printable ASCII characters without spaces")
    if not record.title or not record.title.strip():
        problem("title", "a title is required")
    for name in ("title", "title_ru", "summary", "summary_ru", "city", "evidence", "source_url"):
        value = getattr(record, name)
        if value is None:
            continue
        if len(value) > LIMITS[name]:
            problem(name, _too_long(value, LIMITS[name]))
            continue
        if _forbidden_characters(value):
            problem(name, "contains control characters that cannot be published")
        markup = find_markup(value) if name != "source_url" else None
        if markup:
            problem(name, f"contains markup ({markup!r}); write plain text, the feeds escape it on output")
        if name in _ONE_LINE and any(ch in value for ch in "\r\n\u2028\u2029"):
            problem(name, "must be a single line")
    for name in ("countries", "bodies"):
        if len(getattr(record, name)) > MAX_ITEMS:
            problem(name, f"names {len(getattr(record, name)):,}; at most {MAX_ITEMS} are allowed")
    for body in record.bodies[:MAX_ITEMS]:
        if not body.strip() or len(body) > MAX_NAME or _forbidden_characters(body) or find_markup(body) \
                or any(ch in body for ch in "\r\n\u2028\u2029"):
            problem("bodies", f"a body name is 1 to {MAX_NAME} characters of plain text on one line, "
                              f"not {clip(body, 40)!r}")
    if record.end < record.start:
        problem("end", f"ends ({record.end}) before it starts ({record.start})")
    if record.start_time and record.end_time and record.start == record.end and record.end_time < record.start_time:
        problem("end_time", "ends before it starts")
    if record.precision is not Precision.DAY and (record.start_time or record.end_time):
        problem("start_time", "a time of day needs a date known to the day")
    if len(record.timezone) > LIMITS["timezone"]:
        problem("timezone", _too_long(record.timezone, LIMITS["timezone"]))
    else:
        try:
            zoneinfo.ZoneInfo(record.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            problem("timezone", f"unknown IANA time zone {record.timezone!r}")
    if record.country is not None and not is_country_code(record.country):
        problem("country", f"unknown ISO 3166-1 alpha-2 country code {clip(record.country)!r}")
    for code in record.countries[:MAX_ITEMS]:
        if not is_country_code(code):
            problem("countries", f"unknown ISO 3166-1 alpha-2 country code {clip(code)!r}")
    if record.source_url and len(record.source_url) <= LIMITS["source_url"] \
            and not re.match(r"^https?://\S+$", record.source_url):
        problem("source_url", f"not an http(s) address: {clip(record.source_url)!r}")
    return problems


def enum_value(enum: type[StrEnum], value: object) -> StrEnum:
    """Return ``enum(value)`` or raise ValueError naming the valid values."""
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(member.value for member in enum)
        raise ValueError(f"unknown value {clip(str(value))!r}; valid: {valid}") from None

