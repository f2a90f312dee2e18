"""Query strings of every calendar, feed and the API: parse strictly, name the valid values, canonicalise.

``?category=meeting&category=consultation&country=KZ&body=...&status=...&from=...&to=...``;
repeatable keys combine with OR inside a key and AND across keys. An unknown parameter or value
is a 400 that lists the valid ones, never an empty or a silently unfiltered result. Every value
is checked before any work is done and bounded (ASCII digits, a date range, a few alarms), and
each query has one canonical form (:func:`canonical_query`), so equivalent spellings share one
cached rendering and no request can ask for unbounded work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from calendar_service.durations import parse_lead
from calendar_service.errors import InvalidInput, Problem
from calendar_service.render.ical import IcsOptions
from calendar_service.render.icstext import format_duration
from calendar_service.store.queries import EventFilter
from calendar_service.store.records import Category, Status, is_country_code

__all__ = ["FEED_KEYS", "FILTER_KEYS", "ICS_KEYS", "MAX_PAGE", "canonical_query", "check_parameters",
           "parse_filter", "parse_ics_options", "parse_page"]

FILTER_KEYS = ("category", "country", "body", "status", "from", "to")
ICS_KEYS = ("alarm", "lang", "approximate")
FEED_KEYS = ("page",)
LANGUAGES = ("en", "ru")
MAX_ALARMS = 5
MAX_PAGE = 10_000
#: Days outside these years are refused: no event of the CSTO (founded 1992) lies there.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_PAGE = re.compile(r"[0-9]{1,5}", re.ASCII)
_TRUE, _FALSE = {"1", "true", "yes"}, {"0", "false", "no", ""}


def check_parameters(args: MultiDict[str, str], valid: Sequence[str]) -> None:
    """Refuse every parameter not in ``valid``, naming it and listing the valid ones.

    Raises:
        InvalidInput: one problem per unknown parameter.
    """
    unknown = sorted(set(args) - set(valid))
    if unknown:
        raise InvalidInput([Problem(f"unknown parameter {key!r}; valid: {', '.join(valid)}", field=key)
                            for key in unknown])


def _day(args: MultiDict[str, str], name: str, problems: list[Problem]) -> dt.date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    if not _ISO_DAY.fullmatch(value):
        problems.append(Problem(f"{value!r} is not a date of the form YYYY-MM-DD", field=name))
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(f"{value!r} is not a date of the form YYYY-MM-DD", field=name))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(Problem(f"{name} must lie between {FIRST_YEAR} and {LAST_YEAR}, not {value!r}", field=name))
        return None
    return day


def _choices(args: MultiDict[str, str], name: str, valid: Iterable[str], problems: list[Problem]) -> tuple[str, ...]:
    valid = list(valid)
    chosen = tuple(dict.fromkeys(value.strip() for value in args.getlist(name) if value.strip()))
    for value in chosen:
        if value not in valid:
            problems.append(Problem(f"unknown {name} {value!r}; valid: {', '.join(valid)}", field=name))
    # Sorted in the order of the valid values: one filter, one spelling.
    return tuple(value for value in valid if value in chosen)


def parse_filter(args: MultiDict[str, str], *, known_bodies: Iterable[str] = ()) -> EventFilter:
    """Turn a query string into an :class:`EventFilter` in canonical order.

    Args:
        known_bodies: the body names the store holds; a ``body`` outside them is refused with
            the list, so a typo does not look like an empty calendar.

    Raises:
        InvalidInput: every problem with the query, each naming its parameter.
    """
    problems: list[Problem] = []
    categories = _choices(args, "category", [c.value for c in Category], problems)
    statuses = _choices(args, "status", [s.value for s in Status], problems)
    countries = sorted({code.strip().upper() for code in args.getlist("country") if code.strip()})
    for code in countries:
        if not (code.isascii() and is_country_code(code)):
            problems.append(Problem(f"unknown ISO 3166-1 alpha-2 country code {code!r}", field="country"))
    bodies = _choices(args, "body", sorted(known_bodies), problems) if "body" in args else ()
    start, end = _day(args, "from", problems), _day(args, "to", problems)
    if start and end and end < start:
        problems.append(Problem("'to' is before 'from'", field="to"))
    if problems:
        raise InvalidInput(problems)
    return EventFilter(start=start, end=end, categories=categories, countries=tuple(countries), statuses=statuses,
                       bodies=bodies)


def parse_ics_options(args: MultiDict[str, str]) -> IcsOptions:
    """Read ``alarm`` (repeatable ISO 8601 durations), ``lang`` and ``approximate``.

    Equal durations written differently (``P1W``, ``P7D``, ``PT168H``) are one alarm.

    Raises:
        InvalidInput: every problem, each naming its parameter.
    """
    problems: list[Problem] = []
    leads = set()
    for value in args.getlist("alarm"):
        try:
            if not value.isascii():
                raise ValueError(f"{value!r} is not an ISO 8601 duration such as P7D, PT9H or P1DT12H")
            leads.add(parse_lead(value))
        except ValueError as error:
            problems.append(Problem(str(error), field="alarm"))
        if len(leads) > MAX_ALARMS:
            problems.append(Problem(f"at most {MAX_ALARMS} alarms per event", field="alarm"))
            break
    lang = args.get("lang", "en").strip().lower() or "en"
    if lang not in LANGUAGES:
        problems.append(Problem(f"unknown lang {lang!r}; valid: {', '.join(LANGUAGES)}", field="lang"))
    flag = args.get("approximate", "0").strip().lower()
    if flag not in _TRUE | _FALSE:
        problems.append(Problem(f"approximate must be 1 or 0, not {flag!r}", field="approximate"))
    if problems:
        raise InvalidInput(problems)
    return IcsOptions(alarms=tuple(sorted(leads, reverse=True)), lang=lang, approximate=flag in _TRUE)


def parse_page(args: MultiDict[str, str]) -> int:
    """Read ``page``: ASCII digits, from 1 to :data:`MAX_PAGE` (1 when absent).

    Raises:
        InvalidInput: anything else (``²`` and ``٣`` are digits to Python, not to us).
    """
    value = args.get("page", "1").strip()
    if not _PAGE.fullmatch(value) or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidInput([Problem(f"page must be a whole number from 1 to {MAX_PAGE}, not {value!r}",
                                    field="page")])
    return int(value)


def canonical_query(where: EventFilter, options: IcsOptions | None = None, page: int = 1) -> str:
    """Return the one query string of a filter (and options, and page) in a fixed order and spelling."""
    pairs = [("category", value) for value in where.categories]
    pairs += [("country", value) for value in where.countries]
    pairs += [("body", value) for value in where.bodies]
    pairs += [("status", value) for value in where.statuses]
    if where.start:
        pairs.append(("from", where.start.isoformat()))
    if where.end:
        pairs.append(("to", where.end.isoformat()))
    if options is not None:
        pairs += [("alarm", format_duration(lead)) for lead in options.alarms]
        if options.lang != "en":
            pairs.append(("lang", options.lang))
        if options.approximate:
            pairs.append(("approximate", "1"))
    if page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs)
