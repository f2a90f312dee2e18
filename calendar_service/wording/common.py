"""What the two languages share: month and weekday names and plural forms from Babel (CLDR), and
dates written at their precision, so every text a person reads spells a date the same way.

Babel is asked for the names, never a table typed out here: a month after a day takes the
"format" context (Russian genitive: «15 мая»), a month on its own the "stand-alone" one («май»).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Literal

from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.units import format_unit

from calendar_service.dates import Precision

__all__ = ["WORDING_REVISION", "babel_locale", "count_of", "format_period", "has_markup", "month_name", "plain",
           "sentence", "weekday_name"]

#: Bumped whenever the wording of a rendered entry changes, so blocks rendered (and kept in the
#: store) by an earlier wording are rendered again instead of reused.
WORDING_REVISION = 3

_LOCALES = {"en": "en_GB", "ru": "ru"}
#: A tag opening or closing in plain text: "<img", "</b", "<!--", "<?xml".
_MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[lang])


def babel_locale(lang: str) -> Locale:
    """Return the Babel locale the texts of ``lang`` (``en``, ``ru``) are written in."""
    return _locale(lang)


@functools.lru_cache(maxsize=128)
def month_name(month: int, lang: str, *, after_day: bool) -> str:
    """Return the wide name of ``month`` (1-12); ``after_day`` gives the form used in "15 May"."""
    context: Literal["format", "stand-alone"] = "format" if after_day else "stand-alone"
    return str(get_month_names("wide", context, _locale(lang))[month])


def weekday_name(day: dt.date, lang: str) -> str:
    """Return the wide name of the weekday of ``day`` ("Thursday", «четверг»)."""
    return str(get_day_names("wide", "format", _locale(lang))[day.weekday()])


def count_of(count: int, unit: str, lang: str) -> str:
    """Return "3 days", «3 дня», «32 года»: a number with its unit in the plural CLDR asks for.

    Args:
        unit: a CLDR duration unit: ``day``, ``year``, ``hour``.
    """
    return str(format_unit(count, f"duration-{unit}", length="long", locale=_locale(lang)))


def _year(year: int, lang: str) -> str:
    return f"{year} г." if lang == "ru" else str(year)


def _years(first: int, last: int, lang: str) -> str:
    return f"{first}–{last} гг." if lang == "ru" else f"{first}–{last}"


#: Calendars word the same days and periods over and over, and Babel's look-ups are slow: the
#: texts are kept, a bounded number of them.
_WORDED = 16_384


@functools.lru_cache(maxsize=_WORDED)
def format_day(day: dt.date, lang: str) -> str:
    """Write one day: "15 May 2025", «15 мая 2025 г.»."""
    return f"{day.day} {month_name(day.month, lang, after_day=True)} {_year(day.year, lang)}"


@functools.lru_cache(maxsize=_WORDED)
def format_period(start: dt.date, end: dt.date, precision: Precision | str, lang: str) -> str:
    """Write an inclusive period at the precision it is known to, never more precisely.

    "15–17 May 2025", "May 2025", "2024–2025"; «15–17 мая 2025 г.», «май 2025 г.», «2024–2025 гг.».
    """
    precision = Precision(precision)
    if precision is Precision.YEAR:
        return _year(start.year, lang) if start.year == end.year else _years(start.year, end.year, lang)
    if precision is Precision.MONTH:
        first = month_name(start.month, lang, after_day=False)
        last = month_name(end.month, lang, after_day=False)
        if (start.year, start.month) == (end.year, end.month):
            return f"{first} {_year(start.year, lang)}"
        if start.year == end.year:
            return f"{first}–{last} {_year(end.year, lang)}"
        return f"{first} {_year(start.year, lang)} – {last} {_year(end.year, lang)}"
    if start == end:
        return format_day(start, lang)
    last_day = f"{end.day} {month_name(end.month, lang, after_day=True)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last_day} {_year(end.year, lang)}"
    first_day = f"{start.day} {month_name(start.month, lang, after_day=True)}"
    if start.year == end.year:
        return f"{first_day} – {last_day} {_year(end.year, lang)}"
    return f"{format_day(start, lang)} – {format_day(end, lang)}"


def sentence(text: str) -> str:
    """End ``text`` with a full stop unless it ends with one already («2025 г.», not «2025 г..»)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."


def has_markup(text: str) -> bool:
    """Tell whether plain ``text`` holds what an HTML reader would take for a tag."""
    return bool(_MARKUP.search(text))


def plain(text: str) -> str:
    """Return ``text`` with every "<" that would open a tag spaced off, so no tag can form.

    Each field is checked alone when stored, but a title ending in "<img src=x onerror=…" and a
    city "Minsk>" compose a live tag once joined: a composed text passes through here.
    """
    return _MARKUP.sub(lambda match: "‹" + match.group()[1:], text)
