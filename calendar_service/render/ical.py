"""Render events as an iCalendar document (RFC 5545, with the RFC 7986 and X-WR extensions).

The document is streamed as one serialised block per entry plus a header and the VTIMEZONEs the
entries use, so no giant ``Calendar`` object is ever held; blocks come from a
:class:`BlockCache` keyed by uid and sequence when one is given, so a re-render after one change
is mostly concatenation. ``DTSTAMP`` is the event's last-modified time, never "now" (RFC 5545
§3.8.7.2 allows either for a published calendar; only the former keeps an unchanged store
byte-identical).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import heapq
import io
import itertools
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import icalendar

from calendar_service.anniversaries import Anniversary, occurrences
from calendar_service.dates import Precision
from calendar_service.render import FeedSpec, event_page_url
from calendar_service.render.blocks import BlockCache
from calendar_service.render.icstext import (
    content_line,
    escape_text,
    fold,
    format_date,
    format_duration,
    format_local,
    format_utc,
    line_prefix,
    plain_text,
)
from calendar_service.wording import en, ru
from calendar_service.wording.common import WORDING_REVISION
from calendar_service.wording.names import NO_NAMES, RussianNames

if TYPE_CHECKING:
    from calendar_service.models import Event

__all__ = [
    "PRODID",
    "AnniversaryWindow",
    "BlockCache",
    "IcsOptions",
    "add_alarms",
    "iter_calendar",
    "render_calendar",
    "render_event_block",
]

PRODID = "-//calendar-service//CSTO calendar//EN"
_STATUS = {"held": "CONFIRMED", "planned": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
#: Keeps held/planned apart through an export and re-import; STATUS alone cannot.
STATUS_PROPERTY = "X-CALENDAR-SERVICE-STATUS"
_END = b"END:VCALENDAR\r\n"
_END_EVENT = b"END:VEVENT\r\n"
_CHUNK = 2000
_DAY = Precision.DAY.value
#: A series without end gets its VTIMEZONE's transitions written up to at least this year.
_OPEN_SERIES_YEAR = 2050


@dataclass(frozen=True)
class IcsOptions:
    """What a subscriber chose in the query string."""

    alarms: tuple[dt.timedelta, ...] = ()  #: reminders this long before each entry starts
    lang: str = "en"
    approximate: bool = False  #: include events known only to the month or year, as tentative
    #: Time of day (from midnight) at which the reminders of all-day entries ring (ALARM_AT).
    alarm_at: dt.timedelta = dt.timedelta(hours=9)
    #: Russian names of cities and bodies (the gazetteer's), for ``lang=ru``.
    names: RussianNames = NO_NAMES


@dataclass(frozen=True)
class AnniversaryWindow:
    """Which anniversaries of founding events a calendar shows, and their default reminders."""

    first: dt.date
    last: dt.date
    #: Trigger offsets from the start of the anniversary's day (negative: before it).
    alarms: tuple[dt.timedelta, ...] = (-dt.timedelta(days=6, hours=15), -dt.timedelta(hours=15))


def is_timed(event: Event) -> bool:
    return _start_time(event) is not None


def _start_time(event: Event) -> dt.time | None:
    """Return the time the event starts at, if it has one: only an event known to the day has."""
    return event.start_time if event.precision == _DAY else None


def _page_url(base_url: str, uid: str, lang: str) -> str:
    """Return the event's page (in the calendar's language): what a calendar program links as its URL."""
    return event_page_url(base_url, uid) + ("?lang=ru" if lang == "ru" else "")


def _title(event: Event, lang: str) -> str:
    return (event.title_ru if lang == "ru" and event.title_ru else event.title).strip()


def _describe(event: Event, options: IcsOptions) -> str:
    return ru.describe_event(event, options.names) if options.lang == "ru" else en.describe_event(event)


def _location(event: Event, options: IcsOptions) -> str:
    return ru.describe_location(event, options.names) if options.lang == "ru" else en.describe_location(event)


def _categories(names: Iterable[str], lang: str) -> str:
    return ",".join(escape_text(ru.CATEGORIES.get(name, name) if lang == "ru" else name) for name in names)


def all_day_triggers(leads: Iterable[dt.timedelta], alarm_at: dt.timedelta) -> tuple[dt.timedelta, ...]:
    """Return the triggers of an all-day entry: each lead's whole days before it, at ``alarm_at``.

    An all-day entry has no hour, so "P1D" means 09:00 (ALARM_AT) the day before, never the
    midnight that a trigger of -P1D from a DATE start would ring at; a lead shorter than a day
    ("PT2H") rings on the day itself, at ALARM_AT. The trigger is relative to the DATE start,
    which calendar apps read in local time (RFC 5545 §3.8.6.3).
    """
    return tuple(sorted({alarm_at - dt.timedelta(days=lead.days) for lead in leads}))


def _common(uid: str, event: Event) -> list[bytes]:
    updated = format_utc(event.updated_dt)
    return [
        b"BEGIN:VEVENT\r\n",
        fold("UID:" + escape_text(uid)),
        fold("DTSTAMP:" + updated),
        fold("CREATED:" + format_utc(event.created_dt)),
        fold("LAST-MODIFIED:" + updated),
        f"SEQUENCE:{event.sequence}\r\n".encode(),
    ]


def _all_day(first: dt.date, last: dt.date) -> list[bytes]:
    # DTEND of an all-day event is the exclusive day after (RFC 5545 §3.6.1).
    return [
        f"DTSTART;VALUE=DATE:{format_date(first)}\r\n".encode(),
        f"DTEND;VALUE=DATE:{format_date(last + dt.timedelta(days=1))}\r\n".encode(),
    ]


def _when(event: Event, start_time: dt.time | None) -> list[bytes]:
    if start_time is None:
        return _all_day(event.start_date, event.end_date)
    start = dt.datetime.combine(event.start_date, start_time)
    end = dt.datetime.combine(event.end_date, event.end_time or start_time)
    if event.timezone == "UTC":
        lines = [content_line("DTSTART", format_utc(start.replace(tzinfo=dt.UTC)))]
        if end > start:
            lines.append(content_line("DTEND", format_utc(end.replace(tzinfo=dt.UTC))))
        return lines
    lines = [fold(line_prefix("DTSTART", (("TZID", event.timezone),)) + format_local(start))]
    if end > start:
        lines.append(fold(line_prefix("DTEND", (("TZID", event.timezone),)) + format_local(end)))
    return lines


def _stamps(name: str, values: Sequence[str], event: Event) -> bytes:
    if not is_timed(event):
        return content_line(name, ",".join(values), {"VALUE": "DATE"})
    if event.timezone == "UTC":
        return content_line(name, ",".join(value + "Z" for value in values))
    return content_line(name, ",".join(values), {"TZID": event.timezone})


def _recurrence(event: Event) -> list[bytes]:
    """Return the lines that make ``event`` a series (RFC 5545 §3.8.5) or an override of one (§3.8.4.4).

    The stored forms are already iCalendar values: the rule with UNTIL in UTC or as a DATE,
    RDATE/EXDATE as wall-clock times in the event's zone, RECURRENCE-ID as a DATE or a UTC time,
    written here in the event's zone, as most clients match it to the series' own starts.
    """
    lines: list[bytes] = []
    recurrence_id = getattr(event, "recurrence_id", None)
    if recurrence_id and event.series_uid:
        if len(recurrence_id) == 8:
            lines.append(content_line("RECURRENCE-ID", recurrence_id, {"VALUE": "DATE"}))
        else:
            instant = dt.datetime.strptime(recurrence_id, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            if event.timezone == "UTC" or not is_timed(event):
                lines.append(content_line("RECURRENCE-ID", format_utc(instant)))
            else:
                local = instant.astimezone(zoneinfo.ZoneInfo(event.timezone))
                lines.append(content_line("RECURRENCE-ID", format_local(local), {"TZID": event.timezone}))
    if rrule := getattr(event, "rrule", None):
        lines.append(content_line("RRULE", rrule))
    for name, values in (("RDATE", getattr(event, "rdates", ())), ("EXDATE", getattr(event, "exdates", ()))):
        if values:
            lines.append(_stamps(name, values, event))
    return lines


_ALL_DAY_END = b"TRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n" + _END_EVENT
_TIMED_END = b"TRANSP:OPAQUE\r\n" + _END_EVENT


def render_event_block(event: Event, base_url: str, options: IcsOptions = IcsOptions()) -> bytes:
    """Serialise one event as a ``VEVENT`` block (CRLF lines, folded at 75 octets).

    An event known only to the month or year is written as a tentative all-day entry over its
    whole period, saying so in its title and description: a guessed day is never shown as known.
    """
    lang = options.lang
    title = _title(event, lang)
    description = _describe(event, options)
    status = _STATUS[event.status]
    approximate = event.precision != _DAY
    if event.status == "postponed":
        title = ("Перенесено: " if lang == "ru" else "Postponed: ") + title
    if approximate and lang == "ru":
        dates = ru.describe_dates(event)
        title = f"{title} (дата приблизительная: {dates})"
        said = f" Источник говорит: «{event.evidence}»." if ru.is_russian(event.evidence) else ""
        description = f"Дата приблизительная: известно только «{dates}», не день.{said}\n\n{description}"
    elif approximate:
        dates = en.describe_dates(event)
        title = f"{title} (approximate date: {dates})"
        said = f" The source says: “{event.evidence}”." if event.evidence else ""
        description = f"The date is approximate: only “{dates}” is known, not the day.{said}\n\n{description}"
    if approximate and status == "CONFIRMED":
        status = "TENTATIVE"
    start_time = None if approximate else event.start_time
    series_uid = getattr(event, "series_uid", None)
    lines = _common(series_uid or event.uid, event)
    lines += _when(event, start_time)
    if series_uid or getattr(event, "rrule", None) or getattr(event, "rdates", None) or getattr(event, "exdates", None):
        lines += _recurrence(event)
    lines.append(fold("SUMMARY:" + escape_text(title)))
    lines.append(fold("DESCRIPTION:" + escape_text(description)))
    location = _location(event, options)
    if location:
        lines.append(fold("LOCATION:" + escape_text(location)))
    lines.append(fold("CATEGORIES:" + _categories((event.category,), lang)))
    lines.append(fold("URL;VALUE=URI:" + _page_url(base_url, event.uid, lang)))
    lines.append(f"STATUS:{status}\r\n".encode())
    lines.append(fold(f"{STATUS_PROPERTY}:{event.status}"))
    lines.append(b"CLASS:PUBLIC\r\n")
    lines.append(_ALL_DAY_END if start_time is None else _TIMED_END)
    block = b"".join(lines)
    return add_alarms(block, event_triggers(event, options)) if options.alarms else block


def add_alarms(block: bytes, triggers: Sequence[dt.timedelta]) -> bytes:
    """Return ``block`` (a VEVENT without alarms) with a display alarm at each of ``triggers``.

    The alarm's text is the entry's SUMMARY, read back from the block: blocks are cached without
    alarms, so a subscriber's reminders cost a splice per entry, never a re-render.
    """
    if not triggers:
        return block
    start = block.index(b"\r\nSUMMARY:") + len(b"\r\nSUMMARY:")
    end = start
    while True:  # a folded line continues after CRLF + one space or tab (RFC 5545 §3.1)
        end = block.index(b"\r\n", end)
        if block[end + 2:end + 3] not in (b" ", b"\t"):
            break
        end += 2
    summary = block[start:end].replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8")
    alarms = [b"".join([b"BEGIN:VALARM\r\n", b"ACTION:DISPLAY\r\n", content_line("DESCRIPTION", summary),
                        content_line("TRIGGER", format_duration(trigger)), b"END:VALARM\r\n"])
              for trigger in triggers]
    return block[:-len(_END_EVENT)] + b"".join(alarms) + _END_EVENT


def _anniversary_facts(event: Event, options: IcsOptions) -> str:
    """Return the event's title, place and bodies, without its summary or the source's quote."""
    if options.lang == "ru":
        facts = [_title(event, "ru")]
        where = ru.describe_location(event, options.names)
        if where:
            facts.append(f"Где: {where}")
        if event.bodies:
            facts.append("Органы: " + ", ".join(options.names.get(body) for body in event.bodies))
        if event.source_url:
            facts.append(f"Источник: {event.source_url}")
        return "\n".join(facts)
    facts = [_title(event, "en")]
    where = en.describe_location(event)
    if where:
        facts.append(f"Where: {where}")
    if event.bodies:
        facts.append("Bodies: " + ", ".join(event.bodies))
    if event.source_url:
        facts.append(f"Source: {event.source_url}")
    return "\n".join(facts)


def anniversary_uid(event: Event, number: int) -> str:
    """Return the stable uid of the ``number``-th anniversary of ``event``."""
    return f"anniversary-{number}-{event.uid}"


def render_anniversary_block(event: Event, anniversary: Anniversary, base_url: str,
                             options: IcsOptions, window: AnniversaryWindow | None) -> bytes:
    """Serialise the ``anniversary.number``-th anniversary of a founding event as an all-day VEVENT."""
    number = anniversary.number
    if options.lang == "ru":
        title = ru.anniversary_title(anniversary, event.title_ru, event.title)
        intro = ru.anniversary_description(anniversary, event.title_ru, event.title)
        about = f"О самом событии ({ru.date(anniversary.original)}):"
    else:
        title = en.anniversary_title(anniversary, event.title)
        intro = en.anniversary_description(anniversary, event.title)
        about = f"About the event itself ({en.date(anniversary.original)}):"
    # The source's own words belong to the year it was written ("… marked its 32nd anniversary"):
    # an anniversary tells its own number, then the event's facts, not the source's text again.
    description = f"{intro}\n\n{about}\n{_anniversary_facts(event, options)}"
    lines = _common(anniversary_uid(event, number), event)
    lines += _all_day(anniversary.day, anniversary.day)
    lines.append(content_line("SUMMARY", escape_text(title)))
    lines.append(content_line("DESCRIPTION", escape_text(description)))
    categories = ["anniversary", "jubilee"] if anniversary.is_jubilee else ["anniversary"]
    lines.append(content_line("CATEGORIES", _categories(categories, options.lang)))
    lines.append(content_line("URL", _page_url(base_url, event.uid, options.lang), {"VALUE": "URI"}))
    lines += [b"STATUS:CONFIRMED\r\n", b"CLASS:PUBLIC\r\n", b"TRANSP:TRANSPARENT\r\n",
              b"X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n", _END_EVENT]
    return add_alarms(b"".join(lines), _anniversary_triggers(options, window))


def _anniversary_triggers(options: IcsOptions, window: AnniversaryWindow | None) -> tuple[dt.timedelta, ...]:
    # A subscriber's own reminders replace the default ones of anniversaries (all-day entries).
    if options.alarms:
        return all_day_triggers(options.alarms, options.alarm_at)
    return window.alarms if window is not None else ()


def event_triggers(event: Any, options: IcsOptions) -> tuple[dt.timedelta, ...]:
    """Return the triggers of an event's reminders: before a timed start, at ALARM_AT for an all-day one."""
    if not options.alarms:
        return ()
    if is_timed(event):
        return tuple(-lead for lead in options.alarms)
    return all_day_triggers(options.alarms, options.alarm_at)


@functools.lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    vtimezone = icalendar.Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 12, 31)
    )
    for observance in vtimezone.subcomponents:
        # One transition per RDATE line: ical.js reads only the first value of a VTIMEZONE's RDATE,
        # and would keep every later year on the offset of the first one.
        rdates = observance.pop("RDATE", None)
        for rdate in rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []:
            for value in rdate.dts:
                observance.add("RDATE", value.dt)
    return vtimezone.to_ical()


def _last_year(event: Event) -> int:
    """Return the last year a VTIMEZONE must cover for ``event``: a series' zone spans the series."""
    if getattr(event, "rrule", None) or getattr(event, "rdates", None):
        end = getattr(event, "series_end_date", None)
        # A series without end: far enough for its subscribers, and the same every day (no "now").
        return end.year if end is not None else _open_series_year(event.start_date)
    return event.end_date.year


def _open_series_year(start: dt.date) -> int:
    """Return the last year a VTIMEZONE covers for a series starting ``start`` and repeating without end."""
    return max(start.year + 30, _OPEN_SERIES_YEAR)


def _zone_blocks(spans: Iterable[tuple[str, int, int]]) -> list[bytes]:
    """Return a VTIMEZONE per zone of ``spans`` (zone, first year, last year), covering all its spans."""
    merged: dict[str, tuple[int, int]] = {}
    for tzid, first, last in spans:
        low, high = merged.get(tzid, (first, last))
        merged[tzid] = (min(low, first), max(high, last))
    return [_vtimezone(tzid, first - 1, last + 1) for tzid, (first, last) in sorted(merged.items())]


def _timezones(events: Sequence[Event]) -> list[bytes]:
    """Return a VTIMEZONE (from the system's zoneinfo) for every TZID the events use."""
    return _zone_blocks((event.timezone, event.start_date.year, _last_year(event)) for event in events
                        if event.start_time is not None and event.timezone != "UTC" and is_timed(event))


def _used_timezones(uses: Iterable[Any]) -> list[bytes]:
    """Return the VTIMEZONEs :func:`_timezones` returns, from how the events use each zone.

    Each use has ``timezone``, ``first_start`` and the dates that end its span (None where none):
    ``last_end`` of the events that do not repeat, ``last_series_end`` of the series with an end,
    ``last_open_start`` of those without (see :class:`calendar_service.store.queries.ZoneUse`).
    """
    return _zone_blocks((use.timezone, use.first_start.year, max(
        use.last_end.year if use.last_end else 0,
        use.last_series_end.year if use.last_series_end else 0,
        _open_series_year(use.last_open_start) if use.last_open_start else 0)) for use in uses)


def _header(spec: FeedSpec, *, named: bool) -> bytes:
    lines = [
        b"BEGIN:VCALENDAR\r\n",
        content_line("PRODID", PRODID),
        b"VERSION:2.0\r\n",
        b"CALSCALE:GREGORIAN\r\n",
        b"METHOD:PUBLISH\r\n",
    ]
    if named:
        refresh = format_duration(dt.timedelta(minutes=spec.refresh_minutes))
        lines += [
            content_line("NAME", escape_text(spec.title)),
            content_line("X-WR-CALNAME", plain_text(spec.title)),
            content_line("DESCRIPTION", escape_text(spec.description)),
            content_line("X-WR-CALDESC", plain_text(spec.description)),
            content_line("X-WR-TIMEZONE", spec.timezone),
            content_line("REFRESH-INTERVAL", refresh, {"VALUE": "DURATION"}),
            content_line("X-PUBLISHED-TTL", refresh),
            content_line("SOURCE", spec.self_url, {"VALUE": "URI"}),
            content_line("URL", spec.base_url + "/", {"VALUE": "URI"}),
        ]
    return b"".join(lines)


@dataclass(frozen=True)
class _AnniversaryEntry:
    """The ``anniversary.number``-th anniversary of ``event``, placed like an event of its day."""

    event: Event
    anniversary: Anniversary
    uid: str
    sequence: int
    start_date: dt.date
    end_date: dt.date


def _order(entry: Any) -> tuple[dt.date, dt.date, str]:
    return entry.start_date, entry.end_date, entry.uid


def _entries(events: Sequence[Event], founding: Sequence[Event], options: IcsOptions,
             window: AnniversaryWindow | None, *, presorted: bool = False) -> list[Any]:
    """Return the events and anniversary entries in order of start, end and uid.

    Args:
        presorted: ``events`` are in that order already (the store's queries sort so): only the
            few anniversaries are placed, by bisection, instead of sorting every entry.
    """
    entries: list[Any] = list(events) if options.approximate else [e for e in events if e.precision == _DAY]
    extra = [] if window is None else _anniversary_entries(founding, window)
    if not presorted:
        entries.extend(extra)
        entries.sort(key=_order)
        return entries
    for item in sorted(extra, key=_order):
        entries.insert(bisect.bisect_right(entries, _order(item), key=_order), item)
    return entries


def _streamed_entries(events: Iterable[Event], founding: Sequence[Event], options: IcsOptions,
                      window: AnniversaryWindow | None) -> Iterator[Any]:
    """Yield what :func:`_entries` returns from ``events`` in order, reading them as it goes."""
    kept = events if options.approximate else (event for event in events if event.precision == _DAY)
    extra = [] if window is None else sorted(_anniversary_entries(founding, window), key=_order)
    return heapq.merge(kept, extra, key=_order) if extra else iter(kept)


def _anniversary_entries(founding: Sequence[Event], window: AnniversaryWindow) -> list[_AnniversaryEntry]:
    return [_AnniversaryEntry(event, anniversary, anniversary_uid(event, anniversary.number), event.sequence,
                              anniversary.day, anniversary.day)
            for event in founding if event.precision == _DAY  # an anniversary needs the day of the original
            for anniversary in occurrences(event.start_date, window.first, window.last)]


def iter_calendar(
    events: Iterable[Event],
    spec: FeedSpec,
    *,
    named: bool = True,
    options: IcsOptions = IcsOptions(),
    founding: Iterable[Event] = (),
    anniversaries: AnniversaryWindow | None = None,
    cache: BlockCache | None = None,
    load: Callable[[list[int]], Mapping[int, Any]] | None = None,
    today: dt.date | None = None,
    placed: Callable[[Any], object] | None = None,
    zones: Iterable[Any] | None = None,
) -> Iterator[bytes]:
    """Yield the calendar document in pieces: header, VTIMEZONEs, one block per entry, end.

    Entries are ``events`` known to the day (and, with ``options.approximate``, the others as
    tentative), plus the anniversaries of the ``founding`` events falling inside
    ``anniversaries``; they are ordered by start, end, then uid.

    Args:
        load: the full events whose blocks are not cached are fetched with ``load(ids)``, a chunk
            at a time; ``events`` then need only the attributes that identify and place an event
            (``id``, ``uid``, ``sequence``, dates, ``precision``, ``start_time``, ``timezone``
            and the series' columns), so a warm render reads little.
        zones: how the timed events use each zone (see :func:`_used_timezones`), which the
            VTIMEZONEs before the events are made from: ``events`` are then read once, as a
            stream in order of start, end and uid, and never held; without it, they are listed
            (and, without ``load`` either, sorted).
        today: the day rendered for; a calendar without entries carries the VTIMEZONE of its own
            zone over the years around it.
        placed: called with each entry (a row of the store, or an anniversary's) just before its block
            is yielded, for a caller that indexes the document by entry.
    """
    founding = list(founding)
    if zones is None:
        listed = _entries(list(events), founding, options, anniversaries, presorted=load is not None)
        entries: Iterator[Any] = iter(listed)
        timezones = _timezones([entry for entry in listed if type(entry) is not _AnniversaryEntry])
    else:
        entries = _streamed_entries(events, founding, options, anniversaries)
        timezones = _used_timezones(zones)
    yield _header(spec, named=named)
    first = next(entries, None)
    if first is None:  # no entry, so no zone of theirs either
        timezones = [_empty_calendar_zone(spec.timezone, today)]
    yield from timezones
    if first is None:
        yield _END
        return
    entries = itertools.chain((first,), entries)
    # Blocks are rendered and cached without alarms, so reminders never multiply the variants.
    # The wording's revision too, so blocks kept in the store by an earlier wording are not reused.
    plain = dataclasses.replace(options, alarms=(), alarm_at=IcsOptions.alarm_at)
    variant = (WORDING_REVISION, spec.base_url, plain)
    anniversary_triggers = _anniversary_triggers(options, anniversaries)
    timed_triggers = tuple(-lead for lead in options.alarms)
    all_day = all_day_triggers(options.alarms, options.alarm_at)
    blocks = cache.blocks(variant) if cache is not None else {}
    while chunk := list(itertools.islice(entries, _CHUNK)):
        for entry, block in zip(chunk, _chunk_blocks(chunk, blocks, variant, spec, plain, cache, load), strict=True):
            if type(entry) is _AnniversaryEntry:
                triggers = anniversary_triggers
            else:
                triggers = timed_triggers if is_timed(entry) else all_day
            if placed is not None:
                placed(entry)
            yield add_alarms(block, triggers)
    yield _END


def _empty_calendar_zone(tzid: str, today: dt.date | None) -> bytes:
    """Return the VTIMEZONE of the calendar's own zone, for a calendar without entries.

    RFC 5545 §3.6 requires at least one component in a VCALENDAR; icalendar, ical and ical.js
    refuse one without, so an empty calendar carries the zone of its ``X-WR-TIMEZONE``.
    """
    year = today.year if today is not None else 2000
    return _vtimezone(tzid, year - 1, year + 1)


def _chunk_blocks(chunk: list[Any], blocks: dict[tuple[str, int], bytes], variant: Any, spec: FeedSpec,
                  options: IcsOptions, cache: BlockCache | None,
                  load: Callable[[list[int]], Mapping[int, Any]] | None) -> list[bytes]:
    """Return the alarm-free blocks of one chunk of entries, from the cache or rendered."""
    keys = [(entry.uid, entry.sequence) for entry in chunk]
    found = [blocks.get(key) for key in keys]
    if None not in found:
        if cache is not None:
            cache.record(len(chunk), 0)
        return [block for block in found if block is not None]
    full: Mapping[int, Any] = {}
    if load is not None:
        missing = [entry.id for entry, block in zip(chunk, found, strict=True)
                   if block is None and type(entry) is not _AnniversaryEntry]
        full = load(missing) if missing else {}
    misses = 0
    for index, block in enumerate(found):
        if block is not None:
            continue
        misses += 1
        entry = chunk[index]
        if type(entry) is _AnniversaryEntry:
            block = render_anniversary_block(entry.event, entry.anniversary, spec.base_url, options, None)
        else:
            block = render_event_block(full.get(entry.id, entry) if load else entry, spec.base_url, options)
        found[index] = block
        if cache is not None:
            cache.add(variant, blocks, keys[index], block)
    if cache is not None:
        cache.record(len(chunk) - misses, misses)
    return [block for block in found if block is not None]  # every one is rendered by now


class CalendarOptions(TypedDict, total=False):
    """The options :func:`render_calendar` passes on to :func:`iter_calendar`."""

    options: IcsOptions
    founding: Iterable[Event]
    anniversaries: AnniversaryWindow | None
    cache: BlockCache | None
    load: Callable[[list[int]], Mapping[int, Any]] | None
    today: dt.date | None
    placed: Callable[[Any], object] | None
    zones: Iterable[Any] | None


def render_calendar(events: Iterable[Event], spec: FeedSpec, *, named: bool = True,
                    **kwargs: Unpack[CalendarOptions]) -> bytes:
    """Render ``events`` as one calendar document (see :func:`iter_calendar` for the options).

    Args:
        named: carry the calendar's name and refresh hints; off for a single-event download,
            where Outlook would otherwise create a whole new calendar.
    """
    # Written piece by piece: a block no cache keeps is freed once written, so a render holds the
    # document once, never the document and every block of it besides.
    document = io.BytesIO()
    for piece in iter_calendar(events, spec, named=named, **kwargs):
        document.write(piece)
    return document.getvalue()
