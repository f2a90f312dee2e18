"""Human wording shared by every renderer: dates at their precision, places, descriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from calendar_service.dates import Precision
from calendar_service.models import Event
from calendar_service.render import country_name

if TYPE_CHECKING:
    from calendar_service.store.queries import EventFilter

__all__ = ["describe_dates", "describe_day", "describe_event", "describe_location", "describe_selection"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def format_period(
    event: Event, *, month_names: Sequence[str] = _MONTHS, day_month_names: Sequence[str] = _MONTHS
) -> str:
    """Write an event's dates at their precision with the given month names.

    ``month_names`` name a month on its own ("May 2024"), ``day_month_names`` after a day
    ("15 May"); they differ in languages with cases (Russian: «май», «15 мая»).
    """
    start, end, precision = event.start_date, event.end_date, Precision(event.precision)
    if precision is Precision.YEAR:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if precision is Precision.MONTH:
        first = f"{month_names[start.month - 1]} {start.year}"
        if (start.year, start.month) == (end.year, end.month):
            return first
        if start.year == end.year:
            return f"{month_names[start.month - 1]}–{month_names[end.month - 1]} {end.year}"
        return f"{first} – {month_names[end.month - 1]} {end.year}"
    first_day = f"{start.day} {day_month_names[start.month - 1]}"
    last_day = f"{end.day} {day_month_names[end.month - 1]}"
    if start == end:
        return f"{first_day} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last_day} {start.year}"
    if start.year == end.year:
        return f"{first_day} – {last_day} {end.year}"
    return f"{first_day} {start.year} – {last_day} {end.year}"


def describe_dates(event: Event) -> str:
    """Write an event's dates as a reader would, never more precisely than they are known."""
    return format_period(event)


def describe_location(event: Event) -> str:
    """Return "City, Country" from whatever of the two is known ("" when neither is)."""
    parts = [part for part in (event.city, country_name(event.country) if event.country else None) if part]
    return ", ".join(parts)


def describe_event(event: Event) -> str:
    """Return the plain-text description shared by the calendar and the feeds."""
    lines = [event.summary.strip()] if event.summary.strip() else []
    facts = [f"When: {describe_dates(event)}" + (" (year inferred from the publication date)"
                                                if event.is_year_inferred else "")]
    if Precision(event.precision) is not Precision.DAY:
        facts[0] += " — the exact day is not known"
    where = describe_location(event)
    if where:
        facts.append(f"Where: {where}")
    if event.countries:
        facts.append("Countries: " + ", ".join(country_name(code) for code in event.countries))
    if event.bodies:
        facts.append("Bodies: " + ", ".join(event.bodies))
    if event.evidence:
        facts.append(f"As reported: “{event.evidence}”")
    if event.source_url:
        published = f", published {event.published_date.isoformat()}" if event.published_date else ""
        facts.append(f"Source: {event.source_url}{published}")
    return "\n\n".join([*lines, "\n".join(facts)])


_CATEGORY_PLURALS = {"meeting": "meetings", "consultation": "consultations", "training": "trainings",
                     "operation": "operations", "statement": "statements", "milestone": "milestones",
                     "other": "other events"}


def describe_day(day: dt.date) -> str:
    """Write a day as a reader would: "15 May 1992"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


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
