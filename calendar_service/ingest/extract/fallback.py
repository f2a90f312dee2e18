"""The long tail of date forms: dateparser's search, for sentences the grammar found nothing in.

Extraction step "date finding", second pass. Some sentences name a month but in a form
:mod:`.grammar` does not know ("пятого марта 2025 года", "March the 5th", "05/03/2025"): those, and
only those, go to ``dateparser.search.search_dates``, which reads such forms well. What it returns
is checked before use, because it also returns what is not a date (see
``tests/extract/test_dateparser_gaps.py``): a hit must name a month (by name or number) and a day
or a year, and which parts the text really gave is asked of dateparser again, so that a year it
filled in is inferred by :mod:`.resolve` like any other.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from dateparser.date import DateDataParser
from dateparser.search import search_dates

from calendar_service.ingest.extract.grammar import DateMention, PartialDate
from calendar_service.ingest.extract.vocabulary import month_number, month_pattern

__all__ = ["search_sentence"]

_MONTH = re.compile(month_pattern())
_NUMERIC = re.compile(r"(?<![\d.])[0-3]?\d[./][01]?\d[./](?:19|20)\d\d(?![\d])")
_TRIGGER_NUMBER = re.compile(
    r"\d|(?i:перв|втор|трет|пят|шест|седьм|восьм|девят|десят|двадцат|тридцат|first|second"
    r"|third|fifth|tenth|twentieth|thirtieth)"
)
_EDGE_WORDS = re.compile(
    r"^(?:(?:on|in|the|of|at|by|в|во|на|с)\s+)+|(?:\s+(?:on|in|the|of|at|by|and|в|во|на|и|,))+$",
    re.IGNORECASE,
)
_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
    # A fixed base, never "now": only the parts the text gives are used; :mod:`.resolve` infers the year.
    "RELATIVE_BASE": dt.datetime(2000, 1, 1),  # noqa: DTZ001 -- dateparser compares it with naive results
}


def _wants_dateparser(sentence: str) -> bool:
    return bool((_MONTH.search(sentence) and _TRIGGER_NUMBER.search(sentence)) or _NUMERIC.search(sentence))


@functools.cache
def _parser(language: str) -> DateDataParser:
    return DateDataParser(languages=[language], settings=_SETTINGS)


def _parts(text: str, language: str) -> tuple[str, ...]:
    # DateData.parts is dateparser 1.5's; types-dateparser does not know it yet.
    return tuple(_parser(language).get_date_data(text).parts or ())  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4096)
def _search(sentence: str, language: str) -> tuple[tuple[int, int, PartialDate], ...]:
    hits = search_dates(sentence, languages=[language], settings=_SETTINGS) or []
    found, cursor = [], 0
    for substring, value in hits:
        position = sentence.find(substring, cursor)
        if position < 0:
            continue
        cursor = position + len(substring)
        trimmed = _EDGE_WORDS.sub("", substring)
        start = position + substring.find(trimmed)
        named_month = _MONTH.search(trimmed)
        if not (named_month or _NUMERIC.search(trimmed)):
            continue
        parts = _parts(trimmed, language)
        if "month" not in parts or not ({"day", "year"} & set(parts)):
            continue
        month = month_number(named_month.group()) if named_month else value.month
        date = PartialDate(
            value.year if "year" in parts else None,
            month or value.month,
            value.day if "day" in parts else None,
        )
        found.append((start, start + len(trimmed), date))
    return tuple(found)


def search_sentence(sentence: str, offset: int, language: str) -> list[DateMention]:
    """Return the dates dateparser finds in ``sentence`` that pass the checks, shifted by ``offset``."""
    if not _wants_dateparser(sentence):
        return []
    return [
        DateMention(offset + start, offset + end, date, date)
        for start, end, date in _search(sentence, language)
    ]
