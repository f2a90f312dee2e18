"""English wording: dates at their precision, places, bodies, event descriptions and anniversaries.

Every English text a person reads (calendar entries, notices, feeds, pages) is written here, with
the names and plural rules of :mod:`calendar_service.wording.common`, so one event reads the same
everywhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING

import pycountry

from calendar_service.anniversaries import Anniversary
from calendar_service.dates import Precision
from calendar_service.wording.common import count_of, format_day, format_period, sentence, weekday_name

if TYPE_CHECKING:
    from calendar_service.models import Event
    from calendar_service.store.queries import EventFilter

__all__ = ["anniversary_description", "anniversary_phrase", "anniversary_title", "category_name",
           "country_name", "date", "describe_dates", "describe_day", "describe_event", "describe_location",
           "describe_selection", "event_name", "status_name", "weekday"]

LANG = "en"
#: "Signing of the Treaty", "Entry into force of the Charter": a verbal noun (with any lower-case words
#: after it) heading an "of" phrase.
_NOUN_OF = re.compile(r"^(?:The\s+)?([A-Z][a-z]+(?:\s+[a-z]+)*?)(\s+of\s+.+)$")


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """Return the common English name of an ISO 3166-1 alpha-2 code (the code itself if unknown)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def date(day: dt.date) -> str:
    """Write a day: 15 May 1992."""
    return format_day(day, LANG)


def weekday(day: dt.date) -> str:
    return weekday_name(day, LANG)


def describe_dates(event: Event) -> str:
    """Write an event's dates as a reader would, never more precisely than they are known."""
    return format_period(event.start_date, event.end_date, event.precision, LANG)


def describe_location(event: Event) -> str:
    """Return "City, Country" from whatever of the two is known ("" when neither is)."""
    return _place(event.city, event.country)


@functools.lru_cache(maxsize=4096)
def _place(city: str | None, country: str | None) -> str:
    parts = [part for part in (city, country_name(country) if country else None) if part]
    return ", ".join(parts)


@functools.lru_cache(maxsize=4096)
def _country_names(codes: tuple[str, ...]) -> str:
    return ", ".join(country_name(code) for code in codes)


def category_name(category: str) -> str:
    """Name an event's category as the page states it ("meeting")."""
    return category


def status_name(status: str) -> str:
    """Name an event's status as the page states it ("held")."""
    return status


def describe_event(event: Event) -> str:
    """Return the plain-text description shared by the calendar, the feeds and the pages."""
    lines = [event.summary.strip()] if event.summary.strip() else []
    when = f"When: {describe_dates(event)}"
    if event.is_year_inferred:
        when += " (year inferred from the publication date)"
    if Precision(event.precision) is not Precision.DAY:
        when += " — the exact day is not known"
    facts = [when]
    where = describe_location(event)
    if where:
        facts.append(f"Where: {where}")
    if event.countries:
        facts.append("Countries: " + _country_names(tuple(event.countries)))
    if event.bodies:
        facts.append("Bodies: " + ", ".join(event.bodies))
    if event.evidence:
        facts.append(f"As reported: “{event.evidence}”")
    if event.source_url:
        published = f", published {event.published_date.isoformat()}" if event.published_date else ""
        facts.append(f"Source: {event.source_url}{published}")
    return "\n\n".join([*lines, "\n".join(facts)])


def event_name(title: str) -> str:
    """Return the event's name as it reads after "anniversary of".

    "Signing of the Collective Security Treaty" becomes "the signing of the Collective Security
    Treaty"; a title of another shape is quoted as it is.
    """
    match = _NOUN_OF.match(title.strip())
    if match:
        return f"the {match[1].lower()}{match[2]}"
    return f"“{title.strip()}”"


def anniversary_phrase(anniversary: Anniversary, title: str) -> str:
    """Return "32nd anniversary (jubilee) of the signing of … (15 May 1992)"."""
    jubilee = " (jubilee)" if anniversary.is_jubilee else ""
    return f"{anniversary.ordinal_en} anniversary{jubilee} of {event_name(title)} ({date(anniversary.original)})"


def anniversary_title(anniversary: Anniversary, title: str) -> str:
    """Return the calendar title of an anniversary: "32nd anniversary of the signing of …"."""
    jubilee = " (jubilee)" if anniversary.is_jubilee else ""
    return f"{anniversary.ordinal_en} anniversary of {event_name(title)}{jubilee}"


def anniversary_description(anniversary: Anniversary, title: str) -> str:
    """Describe one anniversary, and that anniversary only (never the source's own year)."""
    kind = "a jubilee, " if anniversary.is_jubilee else ""
    day = anniversary.day
    return sentence(f"{weekday(day)}, {date(day)}, marks the {anniversary.ordinal_en} anniversary "
                    f"({kind}{count_of(anniversary.number, 'year', LANG)}) of {event_name(title)} "
                    f"({date(anniversary.original)})")


_CATEGORY_PLURALS = {"meeting": "meetings", "consultation": "consultations", "training": "trainings",
                     "operation": "operations", "statement": "statements", "milestone": "milestones",
                     "other": "other events"}


def describe_day(day: dt.date) -> str:
    """Write a day as a reader would: "15 May 1992"."""
    return date(day)


def describe_selection(where: EventFilter) -> list[str]:
    """Name what a filter keeps, one phrase per key: ["meetings and consultations", "Kazakhstan"].

    The phrases make the title of a filtered calendar or feed ("CSTO calendar: meetings, Kazakhstan").
    """
    parts = []
    if where.categories:
        parts.append(" and ".join(_CATEGORY_PLURALS.get(value, value) for value in where.categories))
    if where.countries:
        parts.append(" or ".join(country_name(code) for code in where.countries))
    if where.bodies:
        parts.append(" or ".join(where.bodies))
    if where.statuses:
        parts.append(" and ".join(where.statuses))
    if where.start and where.end:
        parts.append(f"{describe_day(where.start)} to {describe_day(where.end)}")
    elif where.start:
        parts.append(f"from {describe_day(where.start)}")
    elif where.end:
        parts.append(f"until {describe_day(where.end)}")
    return parts
