"""The iCalendar feeds: which calendars exist, which events each holds, and rendering them.

Between the store and the web: :func:`list_calendars` names the published calendars and
:func:`render_definition` renders one, for :func:`calendar_service.publish.build.build_feeds` (as it
publishes them) and for a query string on request; :func:`build_calendars` renders them all at once.
Selection reads the store; rendering is the pure :mod:`calendar_service.render.ical`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendar_service.anniversaries import occurrences
from calendar_service.config import Settings
from calendar_service.dates import Precision
from calendar_service.errors import InvalidInput, Problem
from calendar_service.models import Event
from calendar_service.render import FeedSpec, country_name
from calendar_service.render.ical import AnniversaryWindow, BlockCache, IcsOptions, iter_calendar, render_calendar
from calendar_service.store.queries import (
    EventFilter,
    in_lists,
    list_anniversary_events,
    list_countries,
    list_events_by_id,
    list_series_events,
    stream_events,
)
from calendar_service.wording.en import describe_selection
from calendar_service.wording.names import NO_NAMES, load_russian_names
from calendar_service.wording.ru import country_name_ru, describe_selection_ru

__all__ = [
    "MAIN_CALENDAR",
    "CalendarCount",
    "CalendarDefinition",
    "anniversary_window",
    "build_calendars",
    "calendar_title",
    "count_calendars",
    "count_selection",
    "find_calendar",
    "iter_definition",
    "list_calendars",
    "list_countries",
    "narrow",
    "render_definition",
    "render_event_file",
]


_ANY = EventFilter()
_DEFAULT_OPTIONS = IcsOptions()


@dataclass(frozen=True)
class CalendarDefinition:
    """A calendar people can subscribe to by a name they remember."""

    name: str  #: path below the feeds folder and URL path, e.g. "calendars/meetings.ics"
    title: str
    description: str
    where: EventFilter = _ANY
    events: bool = True  #: holds the events themselves
    anniversaries: bool = True  #: holds the anniversaries of founding events
    title_ru: str | None = None  #: the name and description with ``lang=ru``
    description_ru: str | None = None


MAIN_CALENDAR = CalendarDefinition(
    "calendar.ics",
    "CSTO calendar",
    "Meetings, consultations, trainings, operations and anniversaries of the Collective Security Treaty "
    "Organization",
    title_ru="Календарь ОДКБ",
    description_ru="Заседания, консультации, учения, операции и годовщины Организации Договора о коллективной "
                   "безопасности",
)
_SHORTCUTS = (
    CalendarDefinition("calendars/meetings.ics", "CSTO calendar: meetings and consultations",
                       "Meetings and consultations of the Collective Security Treaty Organization",
                       EventFilter(categories=("meeting", "consultation")), anniversaries=False,
                       title_ru="Календарь ОДКБ: заседания и консультации",
                       description_ru="Заседания и консультации Организации Договора о коллективной безопасности"),
    CalendarDefinition("calendars/trainings.ics", "CSTO calendar: trainings and exercises",
                       "Trainings and exercises of the Collective Security Treaty Organization",
                       EventFilter(categories=("training",)), anniversaries=False,
                       title_ru="Календарь ОДКБ: учения и тренировки",
                       description_ru="Учения и тренировки Организации Договора о коллективной безопасности"),
    CalendarDefinition("calendars/anniversaries.ics", "CSTO calendar: anniversaries",
                       "Anniversaries of the founding events of the Collective Security Treaty Organization",
                       events=False, title_ru="Календарь ОДКБ: годовщины",
                       description_ru="Годовщины основополагающих событий Организации Договора о коллективной "
                                      "безопасности"),
)


def country_calendar(code: str) -> CalendarDefinition:
    """Return the calendar of the events held in or involving the country ``code``."""
    name = country_name(code)
    name_ru = country_name_ru(code)
    return CalendarDefinition(f"calendars/{code.lower()}.ics", f"CSTO calendar: {name}",
                              f"Events of the Collective Security Treaty Organization in or involving {name}",
                              EventFilter(countries=(code,)), title_ru=f"Календарь ОДКБ: {name_ru}",
                              description_ru=f"События Организации Договора о коллективной безопасности: {name_ru}")


def list_calendars(session: Session) -> list[CalendarDefinition]:
    """Return every published calendar: the main one, the shortcuts and one per country."""
    return [MAIN_CALENDAR, *_SHORTCUTS, *(country_calendar(code) for code in list_countries(session))]


def find_calendar(session: Session, name: str) -> CalendarDefinition | None:
    """Return the calendar published as ``name`` (``calendars/kz.ics``), or None."""
    for definition in (MAIN_CALENDAR, *_SHORTCUTS):
        if definition.name == name:
            return definition
    match = re.fullmatch(r"calendars/([a-z]{2})\.ics", name)
    if match and match.group(1).upper() in list_countries(session):
        return country_calendar(match.group(1).upper())
    return None


def anniversary_window(settings: Settings, today: dt.date, where: EventFilter = _ANY
                       ) -> AnniversaryWindow:
    """Return the span of anniversaries a calendar shows: a few years back to ten ahead by default."""
    first = dt.date(today.year - settings.anniversary_years_back, 1, 1)
    last = dt.date(today.year + settings.anniversary_years_ahead, 12, 31)
    if where.start is not None:
        first = max(first, where.start)
    if where.end is not None:
        last = min(last, where.end)
    return AnniversaryWindow(first=first, last=last, alarms=settings.anniversary_triggers)


_PARAMETERS = {"categories": "category", "countries": "country", "statuses": "status", "bodies": "body"}


def narrow(base: EventFilter, extra: EventFilter, name: str) -> EventFilter:
    """Narrow a calendar's or feed's own filter ``base`` by a query's ``extra``.

    Raises:
        InvalidInput: the query asks for values the document never holds (``category=training``
            on the meetings calendar), which would otherwise look like an empty document.
    """
    changes: dict[str, Any] = {}
    problems: list[Problem] = []
    for field in dataclasses.fields(EventFilter):
        own, asked = getattr(base, field.name), getattr(extra, field.name)
        if asked in (None, ()):
            continue
        if isinstance(own, tuple) and own:
            kept = tuple(value for value in asked if value in own)
            if not kept:
                parameter = _PARAMETERS.get(field.name, field.name)
                problems.append(Problem(f"/{name} holds only {parameter} {', '.join(own)}", field=parameter))
            asked = kept
        changes[field.name] = asked
    if problems:
        raise InvalidInput(problems)
    return dataclasses.replace(base, **changes)


@dataclass(frozen=True)
class _Selection:
    """What a calendar under a query holds: its events as a stream, founding events, anniversary window."""

    events: Iterator[Any]
    zones: tuple[Any, ...]
    founding: Sequence[Event]
    window: AnniversaryWindow | None


def select_entries(session: Session, definition: CalendarDefinition, settings: Settings, today: dt.date,
                   options: IcsOptions, where: EventFilter = _ANY, *, full: bool = True) -> _Selection:
    """Return what a calendar holds under a query; its events are read from the store as they are rendered.

    Args:
        full: the events come as the renderer reads them; else as light rows, for a renderer
            that loads the full events of the blocks it does not have.
    """
    where = narrow(definition.where, where, definition.name)
    events: Iterator[Any] = iter(())
    zones: tuple[Any, ...] = ()
    if definition.events:
        window_start = today - dt.timedelta(days=settings.ics_past_days)
        precisions = () if options.approximate else (Precision.DAY.value,)
        stream = stream_events(session, dataclasses.replace(where, start=where.start or window_start,
                                                            precisions=precisions), full=full)
        events, zones = stream.rows, stream.zones
    if not definition.anniversaries:
        return _Selection(events, zones, [], None)
    founding = list_anniversary_events(session, where)
    return _Selection(events, zones, founding, anniversary_window(settings, today, where))


def calendar_title(definition: CalendarDefinition, where: EventFilter = _ANY, lang: str = "en") -> str:
    """Return a calendar's title; narrowed by a query, it names what it keeps.

    ``/calendars/kz.ics?category=meeting`` is "CSTO calendar: meetings, Kazakhstan".
    """
    if where == _ANY:
        return (definition.title_ru or definition.title) if lang == "ru" else definition.title
    combined = narrow(definition.where, where, definition.name)
    if lang == "ru":
        parts = ([] if definition.events else ["годовщины"]) + describe_selection_ru(combined)
        return f"{MAIN_CALENDAR.title_ru}: {', '.join(parts)}"
    parts = ([] if definition.events else ["anniversaries"]) + describe_selection(combined)
    return f"{MAIN_CALENDAR.title}: {', '.join(parts)}"


def feed_spec(definition: CalendarDefinition, settings: Settings, query: str = "", lang: str = "en",
              where: EventFilter = _ANY) -> FeedSpec:
    """Return the self-description of a calendar; ``query`` is the query string of its URL."""
    base = settings.base_url
    description = (definition.description_ru or definition.description) if lang == "ru" else definition.description
    return FeedSpec(title=calendar_title(definition, where, lang), description=description,
                    self_url=f"{base}/{definition.name}" + (f"?{query}" if query else ""), base_url=base,
                    timezone=settings.timezone.key, refresh_minutes=settings.refresh_minutes)


def complete_options(options: IcsOptions, settings: Settings) -> IcsOptions:
    """Add what the settings decide to a subscriber's options: ALARM_AT and the gazetteer's Russian names."""
    names = load_russian_names(settings.data_dir) if options.lang == "ru" else NO_NAMES
    return dataclasses.replace(options, alarm_at=settings.alarm_at_offset, names=names)


def render_definition(session: Session, definition: CalendarDefinition, settings: Settings, *,
                      today: dt.date, options: IcsOptions = _DEFAULT_OPTIONS, where: EventFilter = _ANY,
                      query: str = "", cache: BlockCache | None = None) -> bytes:
    """Render one calendar, narrowed by ``where`` and shaped by ``options``."""
    document = io.BytesIO()  # written piece by piece: never the document and every piece of it at once
    for piece in iter_definition(session, definition, settings, today=today, options=options, where=where,
                                 query=query, cache=cache):
        document.write(piece)
    return document.getvalue()


def iter_definition(session: Session, definition: CalendarDefinition, settings: Settings, *,
                    today: dt.date, options: IcsOptions = _DEFAULT_OPTIONS, where: EventFilter = _ANY,
                    query: str = "", cache: BlockCache | None = None,
                    placed: Callable[[Any], object] | None = None) -> Iterator[bytes]:
    """Yield the calendar :func:`render_definition` renders, piece by piece, never holding it whole.

    The events are read from the store a chunk at a time as the pieces are asked for: whole
    without ``cache``; with it, light rows first and the full events of the blocks it lacks.
    Rendered blocks are kept only in ``cache``.

    Raises:
        InvalidInput: at once (before the first piece is asked for), as :func:`narrow` does.
    """
    options = complete_options(options, settings)
    selection = select_entries(session, definition, settings, today, options, where, full=cache is None)
    spec = feed_spec(definition, settings, query, options.lang, where)
    load = functools.partial(list_events_by_id, session) if cache is not None else None
    return iter_calendar(selection.events, spec, options=options, founding=selection.founding,
                         anniversaries=selection.window, cache=cache, load=load, today=today,
                         zones=selection.zones, placed=placed)


def render_event_file(session: Session, event: Event, settings: Settings,
                      options: IcsOptions = _DEFAULT_OPTIONS) -> tuple[bytes, dt.datetime]:
    """Render one event's own calendar (``/events/<uid>.ics``, a reminder's attachment) and its last change.

    A series comes with its overrides, an override with its series; an event known only to the
    month or year comes as a tentative all-day span that says its date is approximate.
    """
    options = complete_options(dataclasses.replace(options, approximate=True), settings)
    base = settings.base_url
    spec = FeedSpec(title="", description="", self_url=f"{base}/events/{event.uid}.ics", base_url=base,
                    timezone=settings.timezone.key, refresh_minutes=settings.refresh_minutes)
    events = list_series_events(session, event)
    return (render_calendar(events, spec, named=False, options=options),
            max(item.updated_dt for item in events))


@dataclass(frozen=True)
class CalendarCount:
    """What a calendar holds now."""

    entries: int  #: events and anniversaries it shows
    approximate: int  #: events known only to the month or year, which ``approximate=1`` adds

    def __add__(self, other: CalendarCount) -> CalendarCount:
        return CalendarCount(self.entries + other.entries, self.approximate + other.approximate)


def _holds(row: Any, where: EventFilter) -> bool:
    return ((where.start is None or row.end_date >= where.start)
            and (not where.categories or row.category in where.categories)
            and (not where.statuses or row.status in where.statuses)
            and in_lists(row, where))


_COUNTED = ("category", "status", "precision", "start_date", "end_date", "country", "countries", "bodies",
            "is_anniversary")


def count_calendars(session: Session, settings: Settings, today: dt.date) -> dict[str, CalendarCount]:
    """Count what every published calendar holds now, from one light read of the store, a chunk at a time."""
    window_start = today - dt.timedelta(days=settings.ics_past_days)
    window = anniversary_window(settings, today)
    definitions = list_calendars(session)
    counts = {definition.name: CalendarCount(0, 0) for definition in definitions}
    for rows in _counted_rows(session):
        for definition in definitions:
            counts[definition.name] += _count(rows, definition, definition.where, window_start, window.first,
                                              window.last)
    return counts


def _counted_rows(session: Session) -> Iterator[Sequence[Any]]:
    """Yield the rows :func:`_count` reads, a chunk at a time (a server-side cursor on PostgreSQL)."""
    connection = session.connection().execution_options(stream_results=True, yield_per=_COUNTED_CHUNK)
    with connection.execute(select(*(getattr(Event, name).label(name) for name in _COUNTED))) as result:
        yield from result.partitions()


_COUNTED_CHUNK = 5000


def _count(rows: Sequence[Any], definition: CalendarDefinition, where: EventFilter, window_start: dt.date,
           first: dt.date, last: dt.date) -> CalendarCount:
    entries = approximate = 0
    events_where = dataclasses.replace(where, start=window_start)
    for row in rows:
        if definition.events and _holds(row, events_where):
            if row.precision == Precision.DAY.value:
                entries += 1
            else:
                approximate += 1
        if definition.anniversaries and row.is_anniversary and row.precision == Precision.DAY.value \
                and _holds(row, dataclasses.replace(where, start=None)):
            entries += sum(1 for _ in occurrences(row.start_date, first, last))
    return CalendarCount(entries, approximate)


def count_selection(session: Session, settings: Settings, today: dt.date, where: EventFilter,
                    definition: CalendarDefinition = MAIN_CALENDAR) -> CalendarCount:
    """Count what ``definition`` narrowed by ``where`` holds now (as :func:`count_calendars` counts)."""
    window_start = today - dt.timedelta(days=settings.ics_past_days)
    window = anniversary_window(settings, today)
    narrowed = narrow(definition.where, dataclasses.replace(where, start=None, end=None), definition.name)
    count = CalendarCount(0, 0)
    for rows in _counted_rows(session):
        count += _count(rows, definition, narrowed, window_start, window.first, window.last)
    return count


def build_calendars(session: Session, settings: Settings, *, today: dt.date,
                    cache: BlockCache | None = None) -> dict[str, bytes]:
    """Render every published calendar; return {file name: bytes}."""
    return {definition.name: render_definition(session, definition, settings, today=today, cache=cache)
            for definition in list_calendars(session)}
