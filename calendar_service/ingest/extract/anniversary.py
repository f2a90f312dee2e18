"""Anniversaries: "15 May marks the 32nd anniversary of X" means X happened on 15 May 32 years before.

Extraction step "anniversary arithmetic". :func:`find_anniversaries` finds the phrase and how many
years it counts, in English ("the 32nd anniversary of", "marks 30 years since") and Russian
("исполняется 33 года со дня", "30-летие", "тридцатилетие", "32-я годовщина"); :func:`founding_date`
subtracts the years from the day of the commemoration; :func:`founding_title` names the act.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from calendar_service.dates import Precision
from calendar_service.ingest.extract.vocabulary import ORDINAL_WORDS, RU_ANNIVERSARY_WORDS

__all__ = ["Anniversary", "find_anniversaries", "founding_date", "founding_title", "is_founding_act"]

#: What a founding act is an act of: a treaty, a charter, an agreement, an organisation or one of its
#: bodies, or the act itself (signing, founding, entry into force). "The 80th anniversary of the
#: Victory" and "the 30th anniversary of the first flight" count from no founding act.
_FOUNDING = re.compile(
    r"\b(?:treaty|charter|agreement|convention|protocol|declaration|organi[sz]ation|CSTO|council|committee"
    r"|staff|forces|secretariat|assembly|centre|center|group|signing|founding|foundation|establishment"
    r"|creation|entry into force|conclusion|договор\w*|устав\w*|соглашени\w*|конвенци\w*|протокол\w*"
    r"|деклараци\w*|организаци\w*|ОДКБ|совет\w*|комитет\w*|штаб\w*|сил\b|сил[аыу]?\b|секретариат\w*"
    r"|ассамбле\w*|центр\w*|групп\w*|подписани\w*|создани\w*|учреждени\w*|образовани\w*|основани\w*"
    r"|вступлени\w*|заключени\w*)",
    re.IGNORECASE,
)

_WHAT = (
    r"(?P<what>[^.;:!?()«»\"“”]+?)(?=[.;:!?(]|\s[–—-]\s|,\s|$|\s+(?:was|were|is|are|will|has|have|had|took"
    r"|held|in\s+[A-Z\d]|on\s+\d|состоял\w*|прош\w+|пройд\w+|отмеча\w*|в\s+[А-ЯЁ\d])\b)"
)
_ORDINAL = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
#: The act of "N years ago ...": the rest of the clause ("the Charter was signed in Chisinau").
_WHAT_DONE = r"(?P<what>[^.;:!?()\"“”]+?)(?=[.;:!?(]|,\s|$)"
_COUNTS = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30, "thirty-five": 35,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "пять": 5, "десять": 10, "пятнадцать": 15, "двадцать": 20, "двадцать пять": 25, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50,
}  # fmt: skip
_COUNT_WORDS = "|".join(sorted((re.escape(word) for word in _COUNTS), key=len, reverse=True))
_TENS = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty)"
    r"-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
)
_RU_WORDS = "|".join(sorted(RU_ANNIVERSARY_WORDS, key=len, reverse=True))
_PATTERNS = (
    re.compile(
        rf"\b(?:(?P<n>\d{{1,3}})(?:st|nd|rd|th)|(?P<w>{_TENS}|{_ORDINAL}))\s+anniversary\s+of\s+{_WHAT}",
        re.IGNORECASE,
    ),
    re.compile(rf"\bmark(?:s|ed|ing)?\s+(?P<n>\d{{1,3}})\s+years\s+(?:since|from)\s+{_WHAT}", re.IGNORECASE),
    re.compile(
        rf"(?<![\d.])(?P<n>\d{{1,3}})\s+(?:год|года|лет)\s+(?:со\s+дня|с\s+момента|с\s+даты)\s+{_WHAT}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\d.])(?P<n>\d{{1,3}})\s*-?\s*(?:я|й|ая|ой|ую|ей)?\s+годовщин\w*\s+(?:со\s+дня\s+|с\s+момента\s+)?"
        rf"{_WHAT}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\d.])(?P<n>\d{{1,3}})\s*-\s*лети\w*\s+(?:со\s+дня\s+|с\s+момента\s+)?{_WHAT}", re.IGNORECASE
    ),
    re.compile(rf"\b(?P<r>{_RU_WORDS})лети\w*\s+(?:со\s+дня\s+|с\s+момента\s+)?{_WHAT}", re.IGNORECASE),
    # "20 years ago today the Charter was signed", "20 лет назад был подписан Устав".
    re.compile(
        rf"\b(?:(?P<n>\d{{1,3}})|(?P<c>{_COUNT_WORDS}))\s+(?:years|года|лет)\s+(?:ago|назад)\b"
        rf"(?P<today>,?\s+(?:today|on this (?:very )?day|в этот (?:же )?день|сегодня))?,?\s+{_WHAT_DONE}",
        re.IGNORECASE,
    ),
)
_ACT_EN = re.compile(
    r"^(?:the\s+)?(?:\w+(?:ing|tion|sion|ment|ance|ence|al|ure)|entry|adoption)\b", re.IGNORECASE
)
_ACT_RU = re.compile(r"^(\w+?)(ния|тия)\b", re.IGNORECASE)
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}


@dataclass(frozen=True)
class Anniversary:
    years: int
    start: int  #: global offset of the phrase
    end: int
    what: str  #: the act commemorated, as written: "the conclusion of the Collective Security Treaty"
    today: bool = False  #: "N years ago today": the act's day is the publication day, N years before
    done: bool = False  #: written as a clause ("the Charter was signed"), not as a noun phrase


def is_founding_act(what: str) -> bool:
    """Tell whether an anniversary counts from a founding act (a treaty, a charter, an organisation...)."""
    return _FOUNDING.search(what) is not None


def _years(match: re.Match[str]) -> int:
    groups = match.groupdict()
    if groups.get("n"):
        return int(groups["n"])
    if groups.get("c"):
        return _COUNTS[groups["c"].lower()]
    if groups.get("r"):
        return RU_ANNIVERSARY_WORDS[groups["r"].lower()]
    word = groups["w"].lower()
    if "-" in word:
        tens, unit = word.split("-")
        return _TENS_WORDS[tens] + _UNITS.index(unit) + 1
    return ORDINAL_WORDS[word]


def find_anniversaries(text: str, offset: int = 0) -> list[Anniversary]:
    """Return the anniversary phrases in ``text`` (a sentence), offsets shifted by ``offset``."""
    found: list[Anniversary] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            years = _years(match)
            what = " ".join(match.group("what").split()).rstrip(" ,")
            if not 0 < years < 200 or not what:
                continue
            if any(a.start <= match.start() + offset < a.end for a in found):
                continue
            found.append(
                Anniversary(
                    years,
                    match.start() + offset,
                    match.end("what") + offset,
                    what[:200],
                    today=bool(match.groupdict().get("today")),
                    done="today" in match.re.groupindex,
                )
            )
    return sorted(found, key=lambda a: a.start)


def founding_date(commemorated: dt.date, years: int, precision: Precision) -> dt.date:
    """Return the first day of the period, ``years`` before ``commemorated``, at ``precision``.

    A commemoration on 28 February of a common year stands for 28 February (the act's own day is
    unknown), and one on 29 February for a founding on 28 February of a common year.
    """
    year = commemorated.year - years
    if precision is Precision.YEAR:
        return dt.date(year, 1, 1)
    if precision is Precision.MONTH:
        return dt.date(year, commemorated.month, 1)
    day = commemorated.day
    if commemorated.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return dt.date(year, commemorated.month, day)


_DONE_EN = re.compile(
    r"^(?:the\s+)?(?P<what>.+?)\s+(?:was|were)\s+(?P<verb>signed|founded|established|adopted|created|concluded"
    r"|set up|ratified)\b",
    re.IGNORECASE,
)
_ACT_NOUNS = {
    "signed": "Signing", "founded": "Founding", "established": "Establishment", "adopted": "Adoption",
    "created": "Creation", "concluded": "Conclusion", "set up": "Establishment", "ratified": "Ratification",
}  # fmt: skip


def founding_title(what: str, language: str, *, done: bool = False) -> str:
    """Name the act an anniversary counts from: "conclusion of the Treaty" -> "Conclusion of the Treaty".

    ``done``: ``what`` is a clause ("the CSTO Charter was signed in Chisinau" -> "Signing of the CSTO
    Charter"); a Russian one is kept as written.
    """
    what = what.strip()
    if done:
        clause = _DONE_EN.match(what)
        if clause and language == "en":
            return f"{_ACT_NOUNS[clause.group('verb').lower()]} of the {clause.group('what')}"
        return what[0].upper() + what[1:]
    if language == "ru":
        act = _ACT_RU.match(what)
        if act:  # genitive of a verbal noun -> nominative: "подписания Договора" -> "Подписание Договора"
            named = act.group(1) + act.group(2)[:-1] + "е" + what[act.end() :]
            return named[0].upper() + named[1:]
        return "Создание " + what
    if _ACT_EN.match(what):
        named = re.sub(r"^the\s+", "", what, flags=re.IGNORECASE)
        return named[0].upper() + named[1:]
    return "Founding of " + what
