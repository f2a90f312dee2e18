"""Query-string filters shared by every feed and the API: parse, check, and name the valid values.

``?category=meeting&category=consultation&country=KZ&body=...&status=...&from=...&to=...``;
repeatable keys combine with OR inside a key and AND across keys. An unknown value is a 400
that lists the valid ones, never an empty result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from werkzeug.datastructures import MultiDict

from calendar_service.errors import InvalidInput, Problem
from calendar_service.store.queries import EventFilter
from calendar_service.store.records import Category, Status, is_country_code

__all__ = ["FILTER_KEYS", "parse_filter"]

FILTER_KEYS = ("category", "country", "body", "status", "from", "to")


def _day(args: MultiDict[str, str], name: str, problems: list[Problem]) -> dt.date | None:
    value = args.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(f"{value!r} is not a date of the form YYYY-MM-DD", field=name))
        return None


def _choices(args: MultiDict[str, str], name: str, valid: Iterable[str], problems: list[Problem]) -> tuple[str, ...]:
    valid = list(valid)
    chosen = tuple(dict.fromkeys(value.strip() for value in args.getlist(name) if value.strip()))
    for value in chosen:
        if value not in valid:
            problems.append(Problem(f"unknown {name} {value!r}; valid: {', '.join(valid)}", field=name))
    return chosen


def parse_filter(args: MultiDict[str, str], *, known_bodies: Iterable[str] = ()) -> EventFilter:
    """Turn a query string into an :class:`EventFilter`.

    Args:
        known_bodies: the body names the store holds; a ``body`` outside them is refused with
            the list, so a typo does not look like an empty calendar.

    Raises:
        InvalidInput: every problem with the query, each naming its parameter.
    """
    problems: list[Problem] = []
    categories = _choices(args, "category", [c.value for c in Category], problems)
    statuses = _choices(args, "status", [s.value for s in Status], problems)
    countries = tuple(dict.fromkeys(code.strip().upper() for code in args.getlist("country") if code.strip()))
    for code in countries:
        if not is_country_code(code):
            problems.append(Problem(f"unknown ISO 3166-1 alpha-2 country code {code!r}", field="country"))
    bodies = _choices(args, "body", sorted(known_bodies), problems) if "body" in args else ()
    start, end = _day(args, "from", problems), _day(args, "to", problems)
    if start and end and end < start:
        problems.append(Problem("'to' is before 'from'", field="to"))
    if problems:
        raise InvalidInput(problems)
    return EventFilter(start=start, end=end, categories=categories, countries=countries, statuses=statuses,
                       bodies=bodies)
