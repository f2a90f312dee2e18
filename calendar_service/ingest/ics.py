"""Ingest an .ics file exported by a calendar app: check → parse → expand → validate → store, all or nothing.

Exports of Google Calendar, Outlook/Exchange, Apple Calendar and Thunderbird are read with their
quirks: ``X-WR-TIMEZONE`` without a ``VTIMEZONE`` (floating and UTC times are shown in that zone,
as Google does), Windows zone names (mapped to IANA), custom ``VTIMEZONE``s (times kept as UTC
instants), floating times, and ``RRULE``/``RDATE``/``EXDATE``/``RECURRENCE-ID`` series, which are
expanded into one stored event per occurrence inside a window. Every event keeps its UID: a
single event is keyed ``ics:<UID>``, an occurrence ``ics:<UID>:<RECURRENCE-ID>``, so a second
import of the same file changes nothing.

A malformed file is refused before anything is stored, with the line and the reason
(RFC 5545 §3.1 content lines, §3.4 components, §3.3.4/§3.3.5 date values).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import warnings
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events
from icalendar.error import GloballyUniqueTZIDGuessed
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput, Problem
from calendar_service.render.ical import STATUS_PROPERTY
from calendar_service.store.records import MAX_NAME, MAX_TEXT, MAX_TITLE, Category, EventRecord, Status, validate_record
from calendar_service.store.writer import Origin, UpsertResult, upsert_records

__all__ = ["MAX_ICS_BYTES", "check_ics", "import_ics", "read_ics"]

MAX_ICS_BYTES = 20 * 1024 * 1024
#: Recurring series are expanded from this long before the import day ...
PAST = dt.timedelta(days=730)
#: ... to this long after it, at most this many occurrences per series.
FUTURE = dt.timedelta(days=3660)
MAX_OCCURRENCES = 1000
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")  # "_" is not RFC 5545 but some exporters write it
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$")
_DATED = {"DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE", "DUE", "DTSTAMP", "CREATED", "LAST-MODIFIED"}
_CONTAINERS = {"VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "STANDARD", "DAYLIGHT",
               "VALARM", "VAVAILABILITY", "AVAILABLE", "PARTICIPANT", "VLOCATION", "VRESOURCE"}
_IANA = frozenset(zoneinfo.available_timezones())
_UID_OK = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass(frozen=True)
class _Scan:
    timezones: frozenset[str]  #: TZIDs defined by VTIMEZONEs in the file
    event_lines: tuple[int, ...]  #: line of each BEGIN:VEVENT, in order


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_ICS_BYTES:
        raise InvalidInput([Problem(f"the file is {len(data) / 1048576:.1f} MB; at most "
                                    f"{MAX_ICS_BYTES // 1048576} MB are accepted", source=source)])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InvalidInput([Problem("binary data (a NUL byte): not an iCalendar file", source=source, line=line)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInput([Problem("not UTF-8 text (RFC 5545 §3.1.4)", source=source, line=line)]) from None


def _unfold(text: str) -> list[tuple[int, str]]:
    """Return (first physical line number, logical line) pairs, unfolded (RFC 5545 §3.1)."""
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if line[:1] in (" ", "\t") and logical:
            start, previous = logical[-1]
            logical[-1] = (start, previous + line[1:])
        elif line.strip():
            logical.append((number, line))
    return logical


def _check_value(name: str, params: str, value: str, line: int, source: str, problems: list[Problem]) -> None:
    if name not in _DATED or "VALUE=PERIOD" in params.upper():
        return
    for item in value.split(","):
        match = _DATE.match(item.strip())
        if not match:
            problems.append(Problem(f"{name} value {item!r} is not a DATE or DATE-TIME (RFC 5545 §3.3.4, §3.3.5)",
                                    source=source, line=line))
            return
        year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
        try:
            dt.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=dt.UTC)
        except ValueError:
            problems.append(Problem(f"{name} value {item!r} is not a real date or time", source=source, line=line))
            return


def _split(line: str) -> tuple[str, str, str]:
    """Split a content line at the colon that ends its name and parameters (RFC 5545 §3.1).

    A colon inside a quoted parameter value (``TZID="tzone://Microsoft/Utc"``) does not count.
    """
    head, colon, value = line.partition(":")
    if '"' not in head:
        return head, colon, value
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], ":", line[index + 1:]
    return line, "", ""


def check_ics(text: str, source: str) -> _Scan:
    """Check the structure of an iCalendar text line by line; return what the parse needs.

    Raises:
        InvalidInput: unbalanced or unterminated components, lines that are no content line,
            impossible dates, or a TZID that is neither defined, IANA nor a Windows zone name.
    """
    problems: list[Problem] = []
    stack: list[tuple[str, int]] = []
    timezones: set[str] = set()
    used_zones: list[tuple[str, int]] = []
    event_lines: list[int] = []
    lines = _unfold(text)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise InvalidInput([Problem("an iCalendar file starts with BEGIN:VCALENDAR", source=source, line=1)])
    for number, line in lines:
        head, colon, value = _split(line)
        name, _, params = head.partition(";")
        name = name.strip().upper()
        if not colon or not _NAME.match(name):
            problems.append(Problem(f"not an iCalendar content line: {line[:60]!r}", source=source, line=number))
            continue
        if name == "BEGIN":
            component = value.strip().upper()
            if component == "VEVENT":
                event_lines.append(number)
            stack.append((component, number))
        elif name == "END":
            component = value.strip().upper()
            if not stack or stack[-1][0] != component:
                expected = f"END:{stack[-1][0]} for line {stack[-1][1]}" if stack else "nothing"
                problems.append(Problem(f"END:{component} where {expected} was expected", source=source, line=number))
                break
            stack.pop()
        elif name == "TZID" and stack and stack[-1][0] == "VTIMEZONE":
            timezones.add(value.strip())
        else:
            _check_value(name, params, value.strip(), number, source, problems)
            zone = re.search(r';TZID=("[^"]*"|[^;:]*)', ";" + params, re.IGNORECASE)
            if zone:
                used_zones.append((zone.group(1).strip('"'), number))
    for component, number in stack:
        problems.append(Problem(f"BEGIN:{component} is never ended (no END:{component})", source=source, line=number))
    for zone, number in used_zones:
        if zone not in timezones and _iana(zone) is None:
            problems.append(Problem(f"unknown time zone {zone!r}: no VTIMEZONE defines it and it is neither an "
                                    "IANA nor a Windows zone name", source=source, line=number))
    if problems:
        raise InvalidInput(problems)
    return _Scan(frozenset(timezones), tuple(event_lines))


_ALIASES = {"tzone://Microsoft/Utc": "UTC", "Z": "UTC", "GMT": "UTC", "UTC": "UTC", "Etc/UTC": "UTC"}


def _iana(name: str | None) -> str | None:
    """Return the IANA name of a zone name, or None.

    Accepted besides IANA names: Windows names ("Central European Standard Time"), Outlook's
    ``tzone://Microsoft/Utc`` and old Mozilla prefixed names ("/mozilla.org/20050126_1/Europe/Berlin").
    """
    if not name:
        return None
    name = name.strip().strip('"')
    if name in _ALIASES:
        return _ALIASES[name]
    if name in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[name]
    parts = [part for part in name.split("/") if part]
    for start in range(len(parts) - 1):  # the shortest suffix that is a zone: .../Europe/Berlin
        candidate = "/".join(parts[start:])
        if candidate in _IANA:
            return candidate
    return None


def _text(component: Any, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _zone_of(value: dt.datetime, tzid: str | None, default_zone: str) -> tuple[dt.datetime, str]:
    """Return the wall-clock time and the IANA zone to store for a DATE-TIME value."""
    if value.tzinfo is None:  # floating, or a TZID the parser could not resolve itself
        return value, (_iana(tzid) if tzid else None) or default_zone
    if value.utcoffset() == dt.timedelta(0) and tzid is None:
        if default_zone != "UTC":  # Google exports UTC times and shows them in X-WR-TIMEZONE
            return value.astimezone(zoneinfo.ZoneInfo(default_zone)).replace(tzinfo=None), default_zone
        return value.replace(tzinfo=None), "UTC"
    key = getattr(value.tzinfo, "key", None) or _iana(tzid)
    if key:
        return value.astimezone(zoneinfo.ZoneInfo(key)).replace(tzinfo=None), key
    # A custom VTIMEZONE with no IANA equivalent: keep the instant, in UTC.
    return value.astimezone(dt.UTC).replace(tzinfo=None), "UTC"


def _occurrence_id(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            return value.strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _category(component: Any) -> Category:
    categories = component.get("CATEGORIES")
    values: list[str] = []
    for item in categories if isinstance(categories, list) else [categories] if categories else []:
        values.extend(str(category).strip().lower() for category in item.cats)
    for value in values:
        if value in Category.__members__.values() or value in {c.value for c in Category}:
            return Category(value)
    return Category.OTHER


def _status(component: Any, end: dt.date, today: dt.date) -> Status:
    own = str(component.get(STATUS_PROPERTY, "")).strip().lower()
    if own in {s.value for s in Status}:
        return Status(own)
    status = str(component.get("STATUS", "")).strip().upper()
    if status == "CANCELLED":
        return Status.CANCELLED
    return Status.HELD if end < today else Status.PLANNED


def _record(component: Any, key: str, uid: str | None, default_zone: str, today: dt.date) -> EventRecord:
    start_prop = component["DTSTART"]
    start = start_prop.dt
    end_prop = component.get("DTEND")
    if end_prop is not None:
        end = end_prop.dt
    elif component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    else:
        end = start
    title = _text(component, "SUMMARY", MAX_TITLE) or "(untitled)"
    if str(component.get(STATUS_PROPERTY, "")).strip().lower() == Status.POSTPONED and title.startswith("Postponed: "):
        title = title.removeprefix("Postponed: ")  # our own export marks postponed events in the title
    url = _text(component, "URL", 2000)
    common: dict[str, Any] = {
        "key": key, "uid": uid, "title": title, "precision": Precision.DAY, "category": _category(component),
        "summary": _text(component, "DESCRIPTION", MAX_TEXT), "city": _text(component, "LOCATION", MAX_NAME) or None,
        "source_url": url if re.match(r"^https?://\S+$", url) else None,
    }
    if not isinstance(start, dt.datetime):
        last = (end if isinstance(end, dt.date) and not isinstance(end, dt.datetime) else start)
        last = max(start, last - dt.timedelta(days=1)) if last > start else start  # DTEND is exclusive
        return EventRecord(start=start, end=last, status=_status(component, last, today), **common)
    local_start, zone = _zone_of(start, start_prop.params.get("TZID"), default_zone)
    end = end if isinstance(end, dt.datetime) else start
    if end.tzinfo is None and start.tzinfo is not None:
        end = end.replace(tzinfo=start.tzinfo)
    local_end = (end.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
                 if end.tzinfo is not None and zone != "UTC" else
                 end.astimezone(dt.UTC).replace(tzinfo=None) if end.tzinfo is not None else end)
    local_end = max(local_end, local_start)
    return EventRecord(
        start=local_start.date(), end=local_end.date(), start_time=local_start.time(),
        end_time=local_end.time() if local_end > local_start else None, timezone=zone,
        status=_status(component, local_end.date(), today), **common,
    )


def _uid(component: Any) -> str:
    uid = str(component.get("UID", "")).strip()
    if uid:
        return uid
    # No UID (some Exchange invitations): identify the event by what it says, stably.
    fingerprint = f"{component.get('DTSTART').to_ical().decode() if component.get('DTSTART') else ''}|" \
                  f"{component.get('SUMMARY', '')}"
    return "no-uid-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:24]


def _line_of(text: str, error: Exception) -> int | None:
    """Return the line holding the value a parser complained about ("...: PT-2H"), if it is found."""
    token = str(error).rsplit(": ", 1)[-1].strip().strip("'\"")
    if len(token) < 2:
        return None
    for number, line in _unfold(text):
        if token in line:
            return number
    return None


def _records(calendars: list[Any], scan: _Scan, source: str, default_zone: str, today: dt.date
             ) -> tuple[list[EventRecord], list[Problem]]:
    records: list[EventRecord] = []
    problems: list[Problem] = []
    lines = iter(scan.event_lines)
    for calendar in calendars:
        zone = _iana(str(calendar.get("X-WR-TIMEZONE", "")).strip()) or default_zone
        series: set[str] = set()
        for component in calendar.walk("VEVENT"):
            line = next(lines, None)
            for error in getattr(component, "errors", ()):
                problems.append(Problem(f"{error[0]}: {error[1]}", source=source, line=line))
            if component.get("DTSTART") is None:
                problems.append(Problem("an event has no DTSTART (RFC 5545 §3.6.1)", source=source, line=line))
                continue
            uid = _uid(component)
            if component.get("RRULE") or component.get("RDATE") or component.get("RECURRENCE-ID"):
                series.add(uid)
                continue
            try:
                record = _record(component, f"ics:{uid}", uid if _UID_OK.match(uid) else None, zone, today)
            except (ValueError, TypeError, OverflowError) as error:
                problems.append(Problem(f"unusable event: {error}", source=source, line=line))
                continue
            problems.extend(validate_record(record, source=source, line=line))
            records.append(record)
        if series and not problems:
            records.extend(_expand(calendar, series, zone, today, source, problems))
    return records, problems


def read_ics(data: bytes, *, source: str = "<stdin>", default_zone: str = "Europe/Moscow",
             today: dt.date) -> list[EventRecord]:
    """Turn the bytes of an .ics file into validated event records.

    Raises:
        InvalidInput: the file is malformed or an event is unusable; every problem with its line.
    """
    text = _decode(data, source)
    scan = check_ics(text, source)
    try:
        with warnings.catch_warnings():
            # A vendor-prefixed TZID is resolved by its IANA suffix on purpose (see _iana).
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            calendars = icalendar.Calendar.from_ical(text, multiple=True)
            records, problems = _records(calendars, scan, source, default_zone, today)
    except ValueError as error:
        raise InvalidInput([Problem(f"cannot be parsed: {error}", source=source, line=_line_of(text, error))]) from None
    if problems:
        raise InvalidInput(problems)
    unique: dict[str, EventRecord] = {}
    for record in records:  # the same UID twice in one file: the last one wins, as in calendar apps
        unique.pop(record.key, None)
        unique[record.key] = record
    return list(unique.values())


def _expand(calendar: Any, series: set[str], zone: str, today: dt.date, source: str,
            problems: list[Problem]) -> list[EventRecord]:
    """Expand recurring series: occurrences from two years back to ten ahead, or a finished series whole.

    At most :data:`MAX_OCCURRENCES` per series: the first ones from the window, or a finished
    series' last ones.
    """
    starts = [component["DTSTART"].dt for component in calendar.walk("VEVENT")
              if _uid(component) in series and component.get("DTSTART") is not None]
    earliest = min(value.date() if isinstance(value, dt.datetime) else value for value in starts)
    try:
        occurrences = recurring_ical_events.of(calendar).between(earliest, today + FUTURE)
    except Exception as error:  # the library raises many types for bad rules; all are input errors
        problems.append(Problem(f"a recurrence cannot be expanded: {error}", source=source))
        return []
    by_series: dict[str, list[EventRecord]] = {}
    for occurrence in occurrences:
        uid = _uid(occurrence)
        if uid not in series:
            continue
        recurrence = occurrence.get("RECURRENCE-ID")
        stamp = _occurrence_id(recurrence.dt if recurrence is not None else occurrence["DTSTART"].dt)
        own_uid = f"{uid}-{stamp}"
        try:
            record = _record(occurrence, f"ics:{uid}:{stamp}", own_uid if _UID_OK.match(own_uid) else None,
                             zone, today)
        except (ValueError, TypeError, OverflowError) as error:
            problems.append(Problem(f"unusable occurrence {stamp} of {uid}: {error}", source=source))
            continue
        problems.extend(validate_record(record, source=source))
        by_series.setdefault(uid, []).append(record)
    cutoff = today - PAST
    records = []
    for uid in sorted(by_series):
        found = sorted(by_series[uid], key=lambda record: (record.start, record.key))
        recent = [record for record in found if record.end >= cutoff]
        records.extend(recent[:MAX_OCCURRENCES] if recent else found[-MAX_OCCURRENCES:])
    return records


def import_ics(factory: sessionmaker[Session], path: Path, settings: Mapping[str, Any], *,
               now: dt.datetime) -> UpsertResult:
    """Read ``path`` and store its events in one transaction: all of them or, on any error, none.

    Raises:
        InvalidInput: the file cannot be read or is malformed; nothing was stored.
    """
    source = str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_ICS_BYTES + 1)
    except OSError as error:
        raise InvalidInput([Problem(f"cannot read the file: {error.strerror or error}", source=source)]) from None
    zone = settings["TIMEZONE"]
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    records = read_ics(data, source=source, default_zone=zone, today=today)
    with transaction(factory) as session:
        return upsert_records(session, records, now=now, origin=Origin.ICS, source=source)
