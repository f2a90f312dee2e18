"""The date grammar: what each date form means, as DateMention values.

Extraction step "date finding", first pass. dateparser's ``search_dates`` reads single dates well
but gets wrong what this service's texts are full of (see ``tests/extract/test_dateparser_gaps.py``):
day ranges ("10 and 11 December", "с 1 по 5 октября") and month ranges ("in May-June 2024"), Russian
months in the prepositional case ("в январе 2022 года" becomes the year 3), halves of a year, a
verb "may" read as a month, ordinals and counts read as years ("the 32nd" -> 1932), and it costs
milliseconds per sentence. So the forms of :mod:`.forms` (built from dateparser's month names) find
them, and the builders here read their groups; :mod:`.fallback` hands the sentences where nothing
is found but a month name to dateparser itself.

A mention records what the text says and nothing more: a missing year stays ``None`` until
:mod:`.resolve` infers it.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from calendar_service.ingest.extract.forms import FORMS, HINT, NEEDLES
from calendar_service.ingest.extract.vocabulary import RELATIVE_YEARS, month_number, weekday_number
from calendar_service.russian import analyzer, has_cyrillic

__all__ = ["DateMention", "PartialDate", "find_dates"]


@dataclass(frozen=True)
class PartialDate:
    year: int | None
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class DateMention:
    """A date as the text gives it; ``start``/``end`` delimit the evidence."""

    start: int
    end: int
    first: PartialDate
    last: PartialDate
    relative_year: int | None = None  #: the text said "this year" (0), "next year" (1), "last year" (-1)
    weekday: int | None = None  #: ISO weekday the text named, if any
    lead: int = field(default=-1, compare=False)  #: where the match began, before "in"/"on"; -1: at start
    #: A date named against the day the text is read: ("day", -1) "yesterday", ("week", -1) "last
    #: week", ("month", 0) "this month", ("weekday", 0) "on Thursday" (with ``weekday``; -1 "last
    #: Thursday", 1 "next Thursday", 0 the tense decides).
    relative: tuple[str, int] | None = None
    #: A day counted from another ("the day before", "накануне", "two days later"): it dates only
    #: a clause that names a kind of event.
    counted: bool = field(default=False, compare=False)
    #: A season without its year ("in the autumn", "осенью"): a date named loosely, which a day
    #: written or named in its clause outranks.
    loose: bool = field(default=False, compare=False)

    @property
    def has_year(self) -> bool:
        return self.last.year is not None or self.relative_year is not None or self.relative is not None

    @property
    def precision(self) -> str:
        if self.relative is not None:
            return "month" if self.relative[0] in ("month", "the_month", "month_named") else "day"
        if self.first.day is not None and self.last.day is not None:
            return "day"
        if self.first.month is not None and self.last.month is not None:
            return "month"
        return "year"

    @property
    def begin(self) -> int:
        return self.start if self.lead < 0 else self.lead


_SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "весной": (3, 5),
    "летом": (6, 8),
    "осенью": (9, 11),
    "весну": (3, 5),
    "лето": (6, 8),
    "осень": (9, 11),
}
#: Prepositions left out of the evidence; Russian ones stay, the case of the month depends on them.
_PREPOSITIONS = {"in", "during", "on", "at", "by", "a", "an", "the", "its", "this", "last", "next"}


def _group(match: re.Match[str], name: str) -> str | None:
    # Not ``groupdict()``: that builds a dict of every group of the form, for each name asked.
    return match.group(name) if name in match.re.groupindex else None


def _int(match: re.Match[str], name: str) -> int | None:
    value = _group(match, name)
    return int(value) if value is not None else None


def _relative(match: re.Match[str], *names: str) -> int | None:
    for name in names:
        value = _group(match, name)
        if value:
            words = " ".join(value.lower().replace("of ", "").split())
            words = words.removesuffix(" year").removesuffix(" года")
            return RELATIVE_YEARS.get(words, 0)
    return None


def _ordinal(word: str) -> int:
    word = word.lower()
    for number, stems in enumerate(
        (
            ("1", "first", "перв", "i"),
            ("2", "second", "втор", "ii"),
            ("3", "third", "трет", "iii"),
            ("4", "fourth", "четв", "iv"),
        ),
        start=1,
    ):
        if any(word.startswith(stem) for stem in stems[:3]) or word == stems[3]:
            return number
    return 1


def _valid(date: PartialDate) -> bool:
    """Tell a possible date from an impossible one (a relative date, all None, is possible)."""
    if date.month is not None and not 1 <= date.month <= 12:
        return False
    if date.day is not None:
        if date.month is None:
            return False
        last = calendar.monthrange(date.year or 2000, date.month)[1]  # 2000: a leap year
        return 1 <= date.day <= last
    return date.year is None or 1800 <= date.year <= 2099


def _fill_first_year(first: PartialDate, last: PartialDate) -> PartialDate:
    """Give the start of a range the year written at its end: "30 December – 2 January 2025"."""
    if first.year is not None or last.year is None:
        return first
    before = (first.month or 0, first.day or 0) > (last.month or 0, last.day or 0)
    return PartialDate(last.year - 1 if before else last.year, first.month, first.day)


def _mention(match: re.Match[str], first: PartialDate, last: PartialDate, **extra: Any) -> DateMention:
    start = match.start()
    pre = _group(match, "pre")
    if pre is not None and pre.lower() in _PREPOSITIONS:
        start = match.start("pre") + len(pre)
        while match.string[start].isspace():
            start += 1
    first = _fill_first_year(first, last)
    return DateMention(start, match.end(), first, last, lead=match.start(), **extra)


def _days(match: re.Match[str]) -> Iterator[DateMention]:
    year1, year2 = _int(match, "y1"), _int(match, "y2")
    month1 = month_number(_group(match, "m1") or "") or _int(match, "n1")
    month2 = month_number(_group(match, "m2") or "") or _int(match, "n2") or month1
    relative = _relative(match, "ry1", "ry2")
    weekday = weekday_number(_group(match, "wd") or "")
    day2 = _int(match, "d2")
    listed = _group(match, "dl")
    if listed is not None:
        days = [int(value) for value in re.findall(r"\d+", listed)] + [day2 or 0]
        consecutive = all(b == a + 1 for a, b in itertools.pairwise(days))
        if consecutive:
            yield _mention(
                match,
                PartialDate(year2, month1, days[0]),
                PartialDate(year2, month1, days[-1]),
                relative_year=relative,
            )
        else:
            for day in days:
                yield _mention(
                    match,
                    PartialDate(year2, month1, day),
                    PartialDate(year2, month1, day),
                    relative_year=relative,
                )
        return
    day1 = _int(match, "d1")
    year = year2 if year2 is not None else year1
    if day2 is None:
        yield _mention(
            match,
            PartialDate(year, month1, day1),
            PartialDate(year, month1, day1),
            relative_year=relative,
            weekday=weekday,
        )
        return
    # "on 10 and 12 May" are two days; "between 16 and 22 September" one run.
    between = match.group()[:7].lower() == "between"
    joined_by_and = re.search(r"\s(?:and|и)\s", match.group()) is not None and month1 == month2 and not between
    if joined_by_and and day2 != (day1 or 0) + 1:
        for one_day in (day1, day2):
            yield _mention(
                match, PartialDate(year, month1, one_day), PartialDate(year, month1, one_day), relative_year=relative
            )
        return
    yield _mention(
        match, PartialDate(year1, month1, day1), PartialDate(year, month2, day2), relative_year=relative
    )


#: A day written as a word before a month ("пятого марта", "the fifth of March"): left to dateparser.
_DAY_WORD_BEFORE = re.compile(
    r"(?:\w+(?:ого|его)|(?:\w+-)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|\w+teenth|twentieth|thirtieth)(?:\s+of)?)\s+$",
    re.IGNORECASE,
)


def _months(match: re.Match[str]) -> Iterator[DateMention]:
    if _DAY_WORD_BEFORE.search(match.string, max(0, match.start() - 30), match.start()):
        return
    year1, year2 = _int(match, "y1"), _int(match, "y2")
    relative = _relative(match, "ry1", "ry2")
    month1 = month_number(match.group("m1"))
    month2 = month_number(_group(match, "m2") or "") or month1
    has_year = year1 is not None or year2 is not None or relative is not None
    if not has_year and _group(match, "pre") is None and _group(match, "part") is None:
        return
    year = year2 if year2 is not None else year1
    yield _mention(
        match,
        PartialDate(year1 if year1 is not None else year, month1),
        PartialDate(year, month2),
        relative_year=relative,
    )


def _parts(match: re.Match[str]) -> Iterator[DateMention]:
    year = _int(match, "y1")
    relative = None if year is not None else (_relative(match, "rel") or 0)
    number = _ordinal(match.group("ord"))
    unit = match.group("unit").lower()
    size = 3 if unit.startswith(("quarter", "квартал")) else 6
    first_month = (number - 1) * size + 1
    if first_month + size - 1 > 12:
        return
    yield _mention(
        match,
        PartialDate(year, first_month),
        PartialDate(year, first_month + size - 1),
        relative_year=relative,
    )


def _season(match: re.Match[str]) -> Iterator[DateMention]:
    year = _int(match, "y1")
    relative = None if year is not None else _relative(match, "rel")
    first, last = _SEASONS[match.group("season").lower()]
    yield _mention(match, PartialDate(year, first), PartialDate(year, last), relative_year=relative)


def _years(match: re.Match[str]) -> Iterator[DateMention]:
    year1, year2 = _int(match, "y1"), _int(match, "y2")
    if _group(match, "pre") in {"at", "At"} and _group(match, "part") is None:
        return
    if year2 is not None and not 0 < year2 - (year1 or 0) <= 10:
        return
    yield _mention(match, PartialDate(year1), PartialDate(year2 if year2 is not None else year1))


def _relative_year(match: re.Match[str]) -> Iterator[DateMention]:
    yield _mention(match, PartialDate(None), PartialDate(None), relative_year=_relative(match, "rel"))


_RELATIVE_DAYS = {
    "today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1, "the day before yesterday": -2,
    "the day after tomorrow": 2, "сегодня": 0, "завтра": 1, "вчера": -1, "послезавтра": 2, "позавчера": -2,
}  # fmt: skip
#: "сегодняшнее заседание", "завтрашний саммит": the adjective's stem and its day.
_RELATIVE_DAY_ADJECTIVES = (("сегодняшн", 0), ("завтрашн", 1), ("вчерашн", -1))
_BACK = ("last", "past", "previous", "прошл", "минувш", "earlier")
_AHEAD = ("next", "coming", "следующ", "будущ", "предстоящ", "ближайш", "later")


def _direction(word: str | None) -> int:
    word = (word or "").lower().removeprefix("the ").strip()
    if word.startswith(_BACK):
        return -1
    if word.startswith(_AHEAD):
        return 1
    return 0


#: "which today unites six states": a state of things, not a day.
_STATE_BEFORE = re.compile(r"(?:which|that|которая|который|которое|которые)\s+$", re.IGNORECASE)


def _relative_day(match: re.Match[str]) -> Iterator[DateMention]:
    if _STATE_BEFORE.search(match.string, max(0, match.start() - 12), match.start()):
        return
    word = " ".join((match.group("rd") or match.group("rda")).lower().split())
    word = word.removesuffix("'s").removesuffix("’s")
    days = next((day for stem, day in _RELATIVE_DAY_ADJECTIVES if word.startswith(stem)), None)
    days = _RELATIVE_DAYS[word] if days is None else days
    yield _mention(match, PartialDate(None), PartialDate(None), relative=("day", days))


def _the_day(match: re.Match[str]) -> Iterator[DateMention]:
    yield _mention(match, PartialDate(None), PartialDate(None), relative=("the_day", 0))


_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5}


_NEXT_WORD = re.compile(r"\s+([\w-]+)")


def _frames(text: str, end: int) -> bool:
    """Tell "накануне заседания" (on the eve of a meeting: a frame, no date) from "Накануне состоялось"."""
    word = _NEXT_WORD.match(text, end)
    if word is None or not has_cyrillic(word.group(1)):
        return False
    parses = analyzer().parse(word.group(1))
    first = parses[0].tag
    return (
        first.POS in ("NOUN", "ADJF", "PRTF", "NUMR", "NPRO")
        and first.case == "gent"
        and not any(p.tag.POS in ("VERB", "INFN", "PRTS") for p in parses)
    )


def _day_offset(match: re.Match[str]) -> Iterator[DateMention]:
    if match.group("eve") or (match.group("back") and _frames(match.string, match.end())):
        # "накануне саммита", "on the eve of the summit": the day before that event, if the item
        # has just dated it; else no date at all.
        yield _mention(match, PartialDate(None), PartialDate(None), relative=("the_eve", -1), counted=True)
        return
    if _frames(match.string, match.end()):
        return
    if match.group("back"):
        days = -1
    elif match.group("ahead"):
        days = 1
    else:
        word = (match.group("count") or match.group("countr")).lower()
        days = int(word) if word.isdigit() else _COUNTS[word]
        if (match.group("way") or "").lower() in ("earlier", "before"):
            days = -days
    yield _mention(match, PartialDate(None), PartialDate(None), relative=("the_day", days), counted=True)


_WEEKDAY_GENITIVE = ("понедельника", "вторника", "среды", "четверга", "пятницы", "субботы", "воскресенья")


def _weekday_gen(match: re.Match[str]) -> Iterator[DateMention]:
    weekday = _WEEKDAY_GENITIVE.index(match.group("wdg").lower()) + 1
    yield DateMention(
        match.start("wdg"), match.end(), PartialDate(None), PartialDate(None), weekday=weekday,
        lead=match.start(), relative=("weekday", 0),
    )


def _weekday_number(word: str) -> int | None:
    lower = word.lower()
    return _WEEKDAY_GENITIVE.index(lower) + 1 if lower in _WEEKDAY_GENITIVE else weekday_number(word)


def _weekday_range(match: re.Match[str]) -> Iterator[DateMention]:
    first, last = _weekday_number(match.group("wd1")), _weekday_number(match.group("wd2"))
    if first is None or last is None or first == last:
        return
    week = _direction(match.group("wk") or match.group("wkr"))
    unit = {-1: "weekdays_last", 1: "weekdays_next"}.get(week, "weekdays")
    if week == 0 and (match.group("wk") or match.group("wkr")):
        unit = "weekdays_this"
    yield _mention(match, PartialDate(None), PartialDate(None), weekday=first, relative=(unit, last))


def _month_day(match: re.Match[str]) -> Iterator[DateMention]:
    group = "d1" if match.group("d1") else "d2"
    day = int(match.group(group))
    if 1 <= day <= 31:
        yield DateMention(
            match.start(group), match.end(), PartialDate(None), PartialDate(None), lead=match.start(),
            relative=("month_day", day),
        )


def _season_bare(match: re.Match[str]) -> Iterator[DateMention]:
    word = (match.group("season") or match.group("seasonr") or match.group("seasona")).lower()
    first, last = _SEASONS[word]
    direction = (match.group("pre") or match.group("prer") or "").lower()
    relative = 0 if direction.startswith(("this", "эт")) else None
    if direction.startswith(("next", "будущ", "следующ")):
        relative = 1
    elif direction.startswith(("last", "прошл", "минувш")):
        relative = -1
    yield _mention(match, PartialDate(None, first), PartialDate(None, last), relative_year=relative, loose=True)


_SEASONS_GENITIVE = {"весны": (3, 5), "лета": (6, 8), "осени": (9, 11)}


def _season_part(match: re.Match[str]) -> Iterator[DateMention]:
    word = (match.group("season") or match.group("seasonr")).lower()
    first, last = _SEASONS.get(word) or _SEASONS_GENITIVE[word]
    yield _mention(match, PartialDate(None, first), PartialDate(None, last), loose=True)


def _year_part(match: re.Match[str]) -> Iterator[DateMention]:
    yield _mention(match, PartialDate(None), PartialDate(None), relative_year=_relative(match, "rel") or 0)


def _weekday(match: re.Match[str]) -> Iterator[DateMention]:
    weekday = weekday_number(match.group("wd"))
    direction = _direction(_group(match, "dir"))
    yield _mention(match, PartialDate(None), PartialDate(None), weekday=weekday, relative=("weekday", direction))


def _relative_week(match: re.Match[str]) -> Iterator[DateMention]:
    direction = _direction(match.group("rw") or match.group("rwr"))
    yield _mention(match, PartialDate(None), PartialDate(None), relative=("week", direction))


_MONTH_ADJECTIVES = (
    "январск", "февральск", "мартовск", "апрельск", "майск", "июньск",
    "июльск", "августовск", "сентябрьск", "октябрьск", "ноябрьск", "декабрьск",
)  # fmt: skip


def _month_attr(match: re.Match[str]) -> Iterator[DateMention]:
    adjective = _group(match, "ma")
    month = _MONTH_ADJECTIVES.index(adjective.lower()) + 1 if adjective else month_number(match.group("m1"))
    year = _int(match, "y1") or _int(match, "y2")
    yield _mention(match, PartialDate(year, month), PartialDate(year, month))


def _decade(match: re.Match[str]) -> Iterator[DateMention]:
    word = (match.group("ord") or match.group("orde")).lower()
    number = 3 if word.startswith(("last", "последн")) else _ordinal(word)
    month = month_number(match.group("m1"))
    year = _int(match, "y1")
    relative = _relative(match, "ry1")
    last_day = calendar.monthrange(year or 2001, month or 1)[1] if number == 3 else number * 10
    yield _mention(
        match,
        PartialDate(year, month, (number - 1) * 10 + 1),
        PartialDate(year, month, last_day),
        relative_year=relative,
    )


def _month_named(match: re.Match[str]) -> Iterator[DateMention]:
    month = month_number(match.group("m1"))
    if month is None:
        return
    word = match.group("dir").lower().removeprefix("в").strip()
    direction = 0 if word.startswith(("this", "этом", "нынешнем")) else _direction(word) or 1
    yield _mention(match, PartialDate(None, month), PartialDate(None, month), relative=("month_named", direction))


def _relative_month(match: re.Match[str]) -> Iterator[DateMention]:
    word = match.group("rm") or match.group("rmr")
    # "в конце месяца", "at the end of the month": the month the item is speaking of, which
    # :mod:`.assemble` finds; without one it is the publication month.
    unit = "month" if word else "the_month"
    yield _mention(match, PartialDate(None), PartialDate(None), relative=(unit, _direction(word)))


_BUILDERS: dict[str, Callable[[re.Match[str]], Iterator[DateMention]]] = {
    "day_range_across": _days,
    "day_list": _days,
    "day_range": _days,
    "us_range": _days,
    "us_day": _days,
    "day": _days,
    "numeric": _days,
    "numeric_range": _days,
    "iso": _days,
    "month_range": _months,
    "month": _months,
    "part_en": _parts,
    "part_ru": _parts,
    "season": _season,
    "year_range": _years,
    "year": _years,
    "relative_en": _relative_year,
    "relative_ru": _relative_year,
    "month_attr": _month_attr,
    "decade": _decade,
    "relative_day": _relative_day,
    "weekday": _weekday,
    "relative_week": _relative_week,
    "relative_month": _relative_month,
    "month_named": _month_named,
    "the_day": _the_day,
    "day_offset": _day_offset,
    "season_bare": _season_bare,
    "weekday_gen": _weekday_gen,
    "weekday_range": _weekday_range,
    "year_part": _year_part,
    "season_part": _season_part,
    "month_day": _month_day,
}


def find_dates(text: str, offset: int = 0) -> list[DateMention]:
    """Return the date mentions in ``text``, left to right, with offsets shifted by ``offset``.

    Where forms overlap, the longest wins ("1-5 October 2024" is one range, not a day and a year); an
    impossible date is no date at all ("30 February 2024" is not February 2024).
    """
    if not HINT.search(text):
        return []
    # (start, end, weight: the characters of the date itself, not of a preposition before it, mentions)
    candidates: list[tuple[int, int, int, list[DateMention]]] = []
    for name, pattern in FORMS.items():
        if not NEEDLES[name].search(text):
            continue
        for match in pattern.finditer(text):
            built = list(_BUILDERS[name](match))
            if built:  # an impossible date ("30 February 2024") still hides the shorter forms inside it
                mentions = [m for m in built if _valid(m.first) and _valid(m.last)]
                pre = match.end("pre") if _group(match, "pre") is not None else match.start()
                candidates.append((match.start(), match.end(), match.end() - pre, mentions))
    found: list[DateMention] = []
    for _start, _end, _weight, mentions in _widest_cover(candidates):
        found.extend(_shift(mention, offset) for mention in mentions)
    return found


def _widest_cover(
    candidates: list[tuple[int, int, int, list[DateMention]]],
) -> list[tuple[int, int, int, list[DateMention]]]:
    """Choose, among overlapping matches, those that together cover the most of the text.

    "planned for October 9-12" holds "for October" and "October 9-12": the day range, the wider
    reading of the date, wins although the month starts first (a preposition before a date does not
    count). Weighted interval scheduling, ties going to the matches that start first.
    """
    ordered = sorted(candidates, key=lambda candidate: (candidate[1], candidate[0]))
    ends = [candidate[1] for candidate in ordered]
    best: list[tuple[int, int]] = [(0, 0)]  # per prefix of ``ordered``: (weight covered, -first start)
    chosen: list[bool] = []
    for index, (start, _end, weight, _mentions) in enumerate(ordered):
        before = bisect.bisect_right(ends, start, 0, index)
        covered, first = best[before]
        take = (covered + weight, first if before else -start)
        skip = best[index]
        chosen.append(take > skip)
        best.append(take if take > skip else skip)
    picked: list[tuple[int, int, int, list[DateMention]]] = []
    index = len(ordered)
    while index > 0:
        if chosen[index - 1]:
            picked.append(ordered[index - 1])
            index = bisect.bisect_right(ends, ordered[index - 1][0], 0, index - 1)
        else:
            index -= 1
    return picked[::-1]


def _shift(mention: DateMention, offset: int) -> DateMention:
    if not offset:
        return mention
    return DateMention(
        mention.start + offset,
        mention.end + offset,
        mention.first,
        mention.last,
        mention.relative_year,
        mention.weekday,
        mention.lead + offset,
        mention.relative,
        mention.counted,
        mention.loose,
    )
