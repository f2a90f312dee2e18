"""Why the date grammar exists: what dateparser's search gets wrong, each case beside our reading.

Each row is a regression test twice over. ``test_dateparser_still_misreads`` documents the library's
reading that made a hand-written rule necessary: when it starts to fail, dateparser has improved and
the rule in :mod:`calendar_service.ingest.extract.grammar` may go. ``test_grammar_reads`` pins our reading.
The last rows are the reverse: forms the grammar leaves to dateparser (:mod:`...extract.fallback`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from dateparser.search import search_dates

from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.grammar import find_dates

SETTINGS = {"RELATIVE_BASE": dt.datetime(2025, 1, 15), "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}  # noqa: DTZ001

Hits = list[tuple[str, dt.datetime]]


def _dateparser(text: str) -> Hits:
    return search_dates(text, languages=["en", "ru"], settings=SETTINGS) or []


def _no_range(hits: Hits) -> bool:
    return len(hits) <= 1 or len({hit[1].month for hit in hits}) > 1


GAPS: list[tuple[str, Callable[[Hits], bool], tuple[tuple[int | None, ...], tuple[int | None, ...]]]] = [
    # Day ranges and lists: dateparser has no ranges; it finds nothing, or one day, or nonsense.
    ("On 10 and 11 December, the Joint Staff hosted", lambda h: not h, ((None, 12, 10), (None, 12, 11))),
    (
        "10 и 11 декабря прошли консультации",
        lambda h: [x[1].day for x in h] == [11],
        ((None, 12, 10), (None, 12, 11)),
    ),
    (
        "с 1 по 5 октября 2024 года пройдут учения",
        lambda h: all(x[0].strip() == "2024" for x in h),
        ((2024, 10, 1), (2024, 10, 5)),
    ),
    (
        "exercises will take place 1-5 October 2024 in Belarus",
        lambda h: any(x[0] == "1-5" for x in h),
        ((2024, 10, 1), (2024, 10, 5)),
    ),
    # Month ranges: only the year is found.
    (
        "meetings in May-June 2024 in the Republic of Kazakhstan",
        lambda h: all(x[1].month == 1 for x in h),
        ((2024, 5, None), (2024, 6, None)),
    ),
    (
        "в мае–июне 2025 года в Казахстане",
        lambda h: all(x[1].month == 1 for x in h),
        ((2025, 5, None), (2025, 6, None)),
    ),
    # The Russian prepositional case is not in dateparser's data: "в январе 2022 года" becomes the year 3.
    (
        "в январе 2022 года миротворческая операция",
        lambda h: any(x[1].year < 1000 for x in h),
        ((2022, 1, None), (2022, 1, None)),
    ),
    # Halves of a year: "of 2025" is read as 15 January 2025.
    (
        "in the second half of 2025",
        lambda h: all(x[1].month == 1 for x in h),
        ((2025, 7, None), (2025, 12, None)),
    ),
]


@pytest.mark.parametrize(("text", "misread", "expected"), GAPS, ids=[row[0][:40] for row in GAPS])
def test_dateparser_still_misreads(
    text: str, misread: Callable[[Hits], bool], expected: tuple[tuple[int | None, ...], ...]
) -> None:
    assert misread(_dateparser(text)), _dateparser(text)


@pytest.mark.parametrize(("text", "misread", "expected"), GAPS, ids=[row[0][:40] for row in GAPS])
def test_grammar_reads(
    text: str, misread: Callable[[Hits], bool], expected: tuple[tuple[int | None, ...], ...]
) -> None:
    [mention] = find_dates(text)
    first, last = expected
    assert (mention.first.year, mention.first.month, mention.first.day) == first
    assert (mention.last.year, mention.last.month, mention.last.day) == last


NOT_DATES = [
    # Ordinals and counts become years, a verb becomes a month, a committee's number a year.
    ("15 May marks the 32nd anniversary of the conclusion", "the 32nd"),
    ("The CSTO, which today unites six states, may host the meeting", "may"),
    ("Committees 1267/1989/2253 on ISIS and 1988 on the Taliban", "1988"),
    ("Guided by the Strategy for the period up to 2025, the member states", "2025"),
    ("15 мая исполняется 33 года со дня подписания Договора", "33 года"),
]


@pytest.mark.parametrize(("text", "misread"), NOT_DATES)
def test_dateparser_reads_numbers_as_dates(text: str, misread: str) -> None:
    assert any(misread in hit[0] for hit in _dateparser(text))
    assert not any(misread in text[m.start : m.end] for m in find_dates(text))


@pytest.mark.parametrize(
    ("text", "reference", "start"),
    [
        ("The talks took place on March the 5th in Minsk.", "2025-03-10", "2025-03-05"),
        (
            "Пятого марта 2025 года в Минске состоялось заседание Постоянного совета ОДКБ.",
            "2025-03-10",
            "2025-03-05",
        ),
        ("On 05/03/2025 the CSTO Permanent Council met in Moscow.", "2025-03-10", "2025-03-05"),
    ],
)
def test_what_the_grammar_does_not_know_goes_to_dateparser(
    extract_one: Callable[..., ExtractedEvent], text: str, reference: str, start: str
) -> None:
    assert find_dates(text) == [] or all(m.precision != "day" for m in find_dates(text))
    assert extract_one(text, reference).start.isoformat() == start


def test_dateparser_hits_without_a_day_or_year_are_refused(
    extract: Callable[..., list[ExtractedEvent]],
) -> None:
    assert extract("The May session of the Council will discuss 5 items.") == []
