"""Ingest an .ics file exported by a calendar app: check → parse → validate → store, all or nothing.

Exports of Google Calendar, Outlook/Exchange, Apple Calendar and Thunderbird are read with their
quirks: ``X-WR-TIMEZONE`` without a ``VTIMEZONE`` (floating and UTC times are shown in that zone,
as Google does), Windows zone names (mapped to IANA), custom ``VTIMEZONE``s (times kept as UTC
instants), floating times, and descriptions written as HTML (turned into text). A recurring
series stays one event with its ``RRULE``, ``RDATE`` and ``EXDATE``; each overridden occurrence
(``RECURRENCE-ID``) is kept as an override of that series (see :mod:`.series`). Every event keeps
its UID: a single event or a series is keyed ``ics:<UID>``, an override ``ics:<UID>:<RECURRENCE-ID>``,
so a second import of the same file changes nothing.

A malformed file is refused before anything is stored, with the line and the reason
(RFC 5545 §3.1 content lines, §3.4 components, §3.3.4/§3.3.5 date values); a value the store
refuses is reported with the iCalendar property and the line it is on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import warnings
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import icalendar
from icalendar.error import GloballyUniqueTZIDGuessed
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import Settings
from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput, Problem
from calendar_service.ingest.htmltext import html_to_text
from calendar_service.ingest.series import Budget, recurrence_id, series_fields
from calendar_service.render.ical import STATUS_PROPERTY
from calendar_service.store.proposals import ImportOutcome, import_records
from calendar_service.store.records import (
    MAX_NAME,
    MAX_TEXT,
    MAX_TITLE,
    Category,
    EventRecord,
    Status,
    find_markup,
    validate_record,
)
from calendar_service.store.writer import Origin, derive_uid

__all__ = ["MAX_ICS_BYTES", "check_ics", "import_ics", "import_ics_data", "read_ics"]

MAX_ICS_BYTES = 20 * 1024 * 1024
#: Reading stops after this many problems: enough to fix a file, and a hostile one costs no more.
MAX_PROBLEMS = 50
#: An event's properties that say when it is, which it is and whether it happens: one of each, or
#: the file does not say (RFC 5545 §3.6.1). Descriptive ones (SUMMARY, LOCATION …) twice keep the first.
_ONCE = frozenset({"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID", "STATUS", STATUS_PROPERTY})
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")  # "_" is not RFC 5545 but some exporters write it
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$")
_DATED = {"DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE", "DUE", "DTSTAMP", "CREATED", "LAST-MODIFIED"}
_CONTAINERS = {"VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "STANDARD", "DAYLIGHT",
               "VALARM", "VAVAILABILITY", "AVAILABLE", "PARTICIPANT", "VLOCATION", "VRESOURCE"}
_IANA = frozenset(zoneinfo.available_timezones())
_UID_OK = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclasses.dataclass(frozen=True)
class _Scan:
    timezones: frozenset[str]  #: TZIDs defined by VTIMEZONEs in the file
    event_lines: tuple[int, ...]  #: line of each BEGIN:VEVENT, in order
    #: for each VEVENT, the line of each of its own properties (the first, if repeated)
    event_properties: tuple[dict[str, int], ...]


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
    parts: list[str] = []  # the pieces of the logical line being read, joined once: linear time
    start = 0
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if line[:1] in (" ", "\t") and parts:
            parts.append(line[1:])
            continue
        if parts:
            logical.append((start, "".join(parts)))
            parts = []
        if line.strip():
            start, parts = number, [line]
    if parts:
        logical.append((start, "".join(parts)))
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
    event_properties: list[dict[str, int]] = []
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
                event_properties.append({})
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
            if stack and stack[-1][0] == "VEVENT":
                first = event_properties[-1].setdefault(name, number)
                if first != number and name in _ONCE:
                    problems.append(Problem(f"{name} appears twice in one event (lines {first} and {number}); "
                                            "RFC 5545 §3.6.1 allows it once", source=source, line=number))
            _check_value(name, params, value.strip(), number, source, problems)
            tzid = re.search(r';TZID=("[^"]*"|[^;:]*)', ";" + params, re.IGNORECASE)
            if tzid:
                used_zones.append((tzid.group(1).strip('"'), number))
    for component, number in stack:
        problems.append(Problem(f"BEGIN:{component} is never ended (no END:{component})", source=source, line=number))
    for zone, number in used_zones:
        if zone not in timezones and _iana(zone) is None:
            problems.append(Problem(f"unknown time zone {zone!r}: no VTIMEZONE defines it and it is neither an "
                                    "IANA nor a Windows zone name", source=source, line=number))
    if problems:
        raise InvalidInput(problems)
    return _Scan(frozenset(timezones), tuple(event_lines), tuple(event_properties))


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


def _description(component: Any) -> str:
    """Return DESCRIPTION as text: Google writes HTML there, which becomes text with its lines."""
    text = _text(component, "DESCRIPTION", 4 * MAX_TEXT)
    if find_markup(text):
        text = html_to_text(text)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


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
        "summary": _description(component), "city": _text(component, "LOCATION", MAX_NAME) or None,
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


def _series(component: Any, record: EventRecord, default_zone: str, today: dt.date, budget: Budget
            ) -> EventRecord:
    """Return the record of a series' first occurrence with the series' recurrence added."""
    fields = series_fields(
        component, start=record.start, end=record.end, start_time=record.start_time, end_time=record.end_time,
        zone=record.timezone, zone_of=lambda value, tzid: _zone_of(value, tzid, default_zone), today=today,
        budget=budget,
    )
    status = record.status
    if status in {Status.HELD, Status.PLANNED}:  # a series is held once its last occurrence is over
        status = Status.HELD if fields.series_end is not None and fields.series_end < today else Status.PLANNED
    return dataclasses.replace(record, rrule=fields.rrule, rdates=fields.rdates, exdates=fields.exdates,
                               series_end=fields.series_end, status=status)


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


#: Which iCalendar property an event field comes from, so a refused value is found in the file.
_PROPERTIES = {"title": "SUMMARY", "summary": "DESCRIPTION", "city": "LOCATION", "source_url": "URL",
               "uid": "UID", "start": "DTSTART", "start_time": "DTSTART", "timezone": "DTSTART",
               "end": "DTEND", "end_time": "DTEND", "key": "UID"}


def _located(problems: list[Problem], lines: Mapping[str, int], line: int | None) -> list[Problem]:
    """Name each problem after the property it concerns, on the line that property is on."""
    located = []
    for problem in problems:
        name = _PROPERTIES.get(problem.field or "")
        if name == "DTEND" and name not in lines:
            name = "DURATION" if "DURATION" in lines else "DTSTART"
        located.append(dataclasses.replace(problem, field=name or problem.field,
                                           line=lines.get(name or "", line)))
    return located


def _own_uid(uid: str, key: str) -> str:
    """Return the uid the store gives an event of this UID and key (its own UID where it can)."""
    return uid if _UID_OK.match(uid) else derive_uid(key)


@dataclasses.dataclass
class _Reader:
    """Turns the VEVENTs of one file into records, collecting every problem."""

    scan: _Scan
    source: str
    today: dt.date
    records: list[EventRecord] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    budget: Budget = dataclasses.field(default_factory=Budget)

    def read(self, calendars: list[Any], default_zone: str) -> None:
        index = 0
        for calendar in calendars:
            zone = _iana(str(calendar.get("X-WR-TIMEZONE", "")).strip()) or default_zone
            events = list(calendar.walk("VEVENT"))
            numbered = list(enumerate(events, start=index))
            index += len(events)
            masters = {_uid(component) for _, component in numbered
                       if component.get("RECURRENCE-ID") is None
                       and (component.get("RRULE") is not None or component.get("RDATE") is not None)}
            for number, component in numbered:
                if len(self.problems) >= MAX_PROBLEMS:
                    return
                self.event(number, component, zone, masters)

    def event(self, number: int, component: Any, zone: str, masters: set[str]) -> None:
        line = self.scan.event_lines[number] if number < len(self.scan.event_lines) else None
        lines = self.scan.event_properties[number] if number < len(self.scan.event_properties) else {}
        for error in getattr(component, "errors", ()):
            self.problems.append(Problem(f"{error[0]}: {error[1]}", source=self.source, line=line))
        if component.get("DTSTART") is None:
            self.problems.append(Problem("an event has no DTSTART (RFC 5545 §3.6.1)", source=self.source, line=line))
            return
        uid = _uid(component)
        recurrence = component.get("RECURRENCE-ID")
        try:
            if recurrence is not None:
                stamp = _occurrence_id(recurrence.dt)
                key = f"ics:{uid}:{stamp}"
                record = _record(component, key, _own_uid(f"{uid}-{stamp}", key), zone, self.today)
                if uid in masters:  # an override of a series in this file; else a single event
                    master = f"ics:{uid}"
                    record = dataclasses.replace(record, series_uid=_own_uid(uid, master), recurrence_id=recurrence_id(
                        recurrence.dt, recurrence.params.get("TZID"), all_day=record.start_time is None,
                        zone=record.timezone, zone_of=lambda value, tzid: _zone_of(value, tzid, zone)))
            else:
                key = f"ics:{uid}"
                record = _record(component, key, uid if _UID_OK.match(uid) else None, zone, self.today)
                if uid in masters:
                    record = _series(component, record, zone, self.today, self.budget)
        except (ValueError, TypeError, OverflowError) as error:
            rule = next((name for name in ("RRULE", "RDATE", "EXDATE") if name in lines and name in str(error)), None)
            self.problems.append(Problem(f"unusable event: {error}", source=self.source, record=uid,
                                         field=rule, line=lines.get(rule or "", line)))
            return
        self.problems.extend(_located(validate_record(record, source=self.source), lines, line))
        self.records.append(record)


def read_ics(data: bytes, *, source: str = "<stdin>", default_zone: str = "Europe/Moscow",
             today: dt.date) -> list[EventRecord]:
    """Turn the bytes of an .ics file into validated event records.

    Raises:
        InvalidInput: the file is malformed or an event is unusable; every problem with its line.
    """
    text = _decode(data, source)
    scan = check_ics(text, source)
    reader = _Reader(scan, source, today)
    try:
        with warnings.catch_warnings():
            # A vendor-prefixed TZID is resolved by its IANA suffix on purpose (see _iana).
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            calendars = icalendar.Calendar.from_ical(text, multiple=True)
            reader.read(calendars, default_zone)
    except ValueError as error:
        raise InvalidInput([Problem(f"cannot be parsed: {error}", source=source, line=_line_of(text, error))]) from None
    if reader.problems:
        raise InvalidInput(reader.problems)
    unique: dict[str, EventRecord] = {}
    for record in reader.records:  # the same UID twice in one file: the last one wins, as in calendar apps
        unique.pop(record.key, None)
        unique[record.key] = record
    return list(unique.values())


def import_ics(factory: sessionmaker[Session], path: Path, settings: Settings, *,
               now: dt.datetime) -> ImportOutcome:
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
    return import_ics_data(factory, data, settings, now=now, source=source)


def import_ics_data(factory: sessionmaker[Session], data: bytes, settings: Settings, *,
                    now: dt.datetime, source: str = "<stdin>") -> ImportOutcome:
    """Store the events of an .ics file's bytes in one transaction: all of them or, on any error, none.

    New events are created (a person chose the file); where the file differs from a value an editor
    or the dataset made, the stored value stays and the file's value is proposed.

    Raises:
        InvalidInput: the file is malformed; nothing was stored.
    """
    today = now.astimezone(settings.timezone).date()
    records = read_ics(data, source=source, default_zone=settings.timezone.key, today=today)
    with transaction(factory) as session:
        return import_records(session, records, now=now, origin=Origin.ICS, source=source, publish=True)
