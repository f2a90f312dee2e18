"""Datelines: the place, day and agency a news agency writes before its story.

Extraction step "split", beside :mod:`.items`. Agencies open an item with where and when it was
filed and who filed it, in house styles of their own::

    ALMATY, March 14. /TASS/.            MOSCOW, April 15. / TASS /.
    12 апреля, Минск /БЕЛТА/.            Душанбе, 03.06.2019 (НИАТ «Ховар»).-
    ASTANA. KAZINFORM –                  7 июня /ОДКБинформ/.
    МОСКВА, 14 мар — РИА Новости.        YEREVAN, MAY 14, ARMENPRESS.
    MINSK, 12 April (BelTA) -            ЦАМТО, 27 ноября.

A dateline is the item's publication day (the day the rest of the item is read against) and its
place; it is never an event and never dates one. :func:`find_dateline` recognises one at the start
of a paragraph by its shape (a place and/or a day, then an agency between slashes or brackets, or
an agency name followed by a dash or a full stop) and returns where the story starts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from calendar_service.ingest.extract.vocabulary import month_number

__all__ = ["Dateline", "find_dateline"]

#: Agencies whose name alone (not between slashes or brackets) closes a dateline.
_AGENCIES = (
    r"TASS|ТАСС|BelTA|БЕЛТА|БелТА|Kazinform|KAZINFORM|Казинформ|КАЗИНФОРМ|Sputnik|Спутник|РИА\s+Новости"
    r"|RIA\s+Novosti|Interfax|INTERFAX(?:\.RU)?|Интерфакс|ИНТЕРФАКС|Armenpress|ARMENPRESS|Арменпресс|АРМЕНПРЕСС"
    r"|Kabar|KABAR|Кабар|КАБАР|Khovar|KHOVAR|Ховар|ХОВАР|ARKA|АРКА|news\.am|NEWS\.am|Trend|AKIpress"
    r"|24\.kg|Tengrinews|Xinhua|Синьхуа|ЦАМТО|ОДКБинформ|ОДКБ-информ|Минобороны|MIA|МИА|Report|Азертадж"
    r"|Regnum|REGNUM|Регнум|Asia-Plus|ASIA-Plus|Азия-Плюс|Kun\.uz|Armradio|ИА\s+[\w«»\" -]{2,20}|NIAT"
    r"|НИАТ\s+«Ховар»|BELTA|Вести|Известия|ТВ\s+БРИКС|«Азия-Плюс»|KAZAKHSTAN\s+TODAY|Kazakhstan\s+Today"
    r"|Interfax-Kazakhstan|Интерфакс-Казахстан|Kazakh\s+TV"
)
_WORD = r"[A-ZА-ЯЁ][\w'’-]*\.?"
#: "YEREVAN", "Нижний Новгород", "YEREVAN, Armenia" (a city and its country, as American agencies write),
#: "ПОЛИГОН ЧЕБАРКУЛЬ (Челябинская область)".
_PLACE = (
    rf"(?P<place>{_WORD}(?:[ -]{_WORD}){{0,2}})(?:,\s+[A-Z][a-z]+(?=,\s+[A-Z]))?"
    # "ПОЛИГОН ЧЕБАРКУЛЬ (Челябинская область), 25 окт": the place's region in brackets.
    r"(?:\s+\([^()\n]{2,40}\)(?=,))?"
)
_MONTH = r"[A-Za-zА-Яа-яЁё]{3,9}\.?"
_DAY_MONTH = rf"(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})"
_MONTH_DAY = rf"(?P<m2>{_MONTH})\s+(?P<d2>[0-3]?\d)(?!\d|\.\d)"
_NUMERIC = r"(?P<d3>[0-3]?\d)\.(?P<n3>[01]?\d)\.(?P<y3>(?:19|20)\d\d)"
_YEAR = r"(?:,?\s+(?P<y>(?:19|20)\d\d)(?:\s*(?:года|г\.))?)?"
_TIME = r"(?:[,\s]+\d{1,2}:\d\d)?"
_DATE = rf"(?:{_NUMERIC}|(?:{_DAY_MONTH}|{_MONTH_DAY}){_YEAR}){_TIME}"
_SEP = r"\s*[,.]?\s*"
_SLASHED = r"/\s*[^/\n]{2,40}?\s*/"
_BRACKETED = r"\((?:[^()\n]|\([^()\n]*\)){2,40}\)"
_END = r"\s*(?:[.:]\s*(?:[-–—]{1,2})?|[-–—]{1,2}|,)?\s*"
_PATTERNS = (
    # Place and/or date, then an agency between slashes or brackets.
    re.compile(
        rf"^(?:{_PLACE}{_SEP})?(?:(?P<date>{_DATE}){_SEP})?(?:(?P<place_after>{_WORD}(?:[ -]{_WORD}){{0,2}}){_SEP})?"
        rf"(?P<agency>{_SLASHED}|{_BRACKETED}){_END}"
    ),
    # Place and/or date, then a known agency and a dash or a full stop: "МОСКВА, 14 мар — РИА Новости."
    re.compile(
        rf"^(?:{_PLACE}{_SEP})?(?:(?P<date>{_DATE})\s*[,.]?\s*(?:[-–—]\s*)?)?(?P<agency>(?:{_AGENCIES}))"
        rf"\s*(?:[.:]\s*(?:[-–—]{{1,2}})?|[-–—]{{1,2}}|,)\s*"
    ),
    # A place and a date, then any agency in quotation marks and a dash: "Алматы. 5 октября. «Казинформ» -".
    re.compile(
        rf"^{_PLACE}{_SEP}(?P<date>{_DATE}){_SEP}(?P<agency>«[^»\n]{{2,30}}»|\"[^\"\n]{{2,30}}\"|“[^”\n]{{2,30}}”)"
        r"\s*[-–—]{1,2}\s*"
    ),
    # A place, maybe a date, then an agency in capitals and the story: "MINSK. KAZINFORM The ...".
    re.compile(
        rf"^{_PLACE}{_SEP}(?:(?P<date>{_DATE}){_SEP})?(?P<agency>KAZINFORM|INTERFAX|BELTA|TASS|ARMENPRESS|KABAR)"
        r"\s+(?=[A-ZА-ЯЁ«\"])"
    ),
    # A place in capitals and a date, then a dash: "ASTANA, Nov. 8 – A session ...".
    re.compile(rf"^(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ-]{{2,}}),\s+(?P<date>{_DATE})\s*[-–—]{{1,2}}\s*"),
    # A place, then the agency and the date in brackets: "MOSCOW (UrduPoint News / Sputnik - 26th May, 2020)".
    re.compile(
        rf"^{_PLACE}\s*\((?P<agency>[^()\n]{{2,60}}?)\s*[-–—,]\s*(?P<date>{_DATE})\s*\)\s*(?:[-–—]{{1,2}}\s*)?"
    ),
    # A full date alone, then a double dash or a long one: "June 22, 2006 -- Leaders of ...".
    re.compile(rf"^(?P<date>(?:{_DAY_MONTH}|{_MONTH_DAY}),?\s+(?P<y>(?:19|20)\d\d)(?:\s*(?:года|г\.))?)\s+(?:--|—)\s+(?=[A-ZА-ЯЁ])"),
    # A known agency first: "ЦАМТО, 27 ноября." / "TASS, March 14."
    re.compile(rf"^(?P<agency>(?:{_AGENCIES})),\s+(?P<date>{_DATE})\s*[.:]\s*(?:[-–—]\s*)?"),
)


@dataclass(frozen=True)
class Dateline:
    """A paragraph's dateline (offsets within the paragraph)."""

    end: int  #: where the story starts
    place: str | None  #: as written: "ALMATY", "Минск"
    published: dt.date | None  #: the day it gives, its year inferred from ``reference`` if unwritten
    date_span: tuple[int, int] | None
    year_written: bool


def _month(word: str | None) -> int | None:
    return month_number(word) if word else None


def _date(match: re.Match[str], reference: dt.date) -> tuple[dt.date, bool] | None:
    groups = match.groupdict()
    if groups.get("d3"):
        try:
            return dt.date(int(groups["y3"]), int(groups["n3"]), int(groups["d3"])), True
        except ValueError:
            return None
    day = groups.get("d1") or groups.get("d2")
    month = _month(groups.get("m1") or groups.get("m2"))
    if day is None or month is None:
        return None
    if groups.get("y"):
        try:
            return dt.date(int(groups["y"]), month, int(day)), True
        except ValueError:
            return None
    # No year: the latest such day on or before the day after the reading day (time zones).
    latest = reference + dt.timedelta(days=1)
    for year in (latest.year, latest.year - 1, latest.year - 2, latest.year - 3, latest.year - 4):
        try:
            candidate = dt.date(year, month, int(day))
        except ValueError:
            continue
        if candidate <= latest:
            return candidate, False
    return None


def find_dateline(paragraph: str, reference: dt.date) -> Dateline | None:
    """Return the dateline that opens ``paragraph``, else None."""
    head = paragraph[:160]
    for pattern in _PATTERNS:
        match = pattern.match(head)
        if match is None:
            continue
        groups = match.groupdict()
        place = groups.get("place") or groups.get("place_after")
        if groups.get("date") is None and place is None:
            continue
        if pattern is _PATTERNS[0] and not _is_agency(match.group("agency"), place, groups.get("date")):
            continue
        month_word = groups.get("m1") or groups.get("m2")
        if groups.get("date") is not None and month_word and _month(month_word) is None:
            continue
        if place is not None and _month(place.rstrip(".")) is not None and groups.get("date") is None:
            continue
        if match.end() >= len(paragraph.rstrip()):
            continue  # nothing after it: a line of its own is a header, read elsewhere
        dated = _date(match, reference) if groups.get("date") else None
        published, written = dated if dated else (None, False)
        return Dateline(
            match.end(),
            place.rstrip(".") if place else None,
            published,
            match.span("date") if groups.get("date") else None,
            written,
        )
    return None


_KNOWN_AGENCY = re.compile(rf"^\(\s*(?:{_AGENCIES})\s*\)$")
_BRACKET_AGENCY = re.compile(rf"(?:{_AGENCIES})|^[(/]\s*[A-ZА-ЯЁ][\w.«»\"” -]*\s*[)/]$")


def _is_agency(agency: str, place: str | None, date: str | None) -> bool:
    """Tell an agency in brackets from a bracket that opens the story ("(CSTO) ...")."""
    if agency.startswith("/"):
        return True
    if _KNOWN_AGENCY.search(agency):  # "BISHKEK (AKIpress) -": a known agency needs no date
        return True
    return bool(date) and bool(_BRACKET_AGENCY.search(agency))
