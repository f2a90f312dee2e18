"""Months named against the item: "last November", "next March", "в конце месяца" after a month was
named; and the clause of who told it, which may date a briefing of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Armenia did not attend the CSTO summit in Minsk last November.", dt.date(2023, 11, 1)),
        ("The CSTO Cobalt exercise will take place in Belarus next March.", dt.date(2024, 3, 1)),
        ("The CSTO Cobalt exercise will take place in Belarus next January.", dt.date(2025, 1, 1)),
        ("Учения ОДКБ прошли в Таджикистане в прошлом октябре.", dt.date(2023, 10, 1)),
    ],
)
def test_a_month_named_against_the_publication_day(extract: Extract, text: str, start: dt.date) -> None:
    events = extract(text, "2024-02-26")
    assert [(e.start, e.precision.value, e.year_inferred) for e in events] == [(start, "month", True)]


def test_may_the_verb_is_no_month(extract: Extract) -> None:
    assert extract("This may take place at the next CSTO summit.", "2024-02-26") == []


def test_the_month_is_the_month_the_item_speaks_of(extract: Extract) -> None:
    text = (
        "Консультации экспертов ОДКБ пройдут в начале ноября в Ереване. "
        "В конце месяца в армянской столице также состоится заседание рабочей группы по Афганистану."
    )
    events = extract(text, "2021-10-25")
    assert [(e.start, e.end) for e in events] == [(dt.date(2021, 11, 1), dt.date(2021, 11, 30))] * 2


def test_the_month_alone_is_the_publication_month(extract: Extract) -> None:
    events = extract("В конце месяца в Ереване состоится заседание рабочей группы ОДКБ.", "2021-10-25")
    assert [(e.start, e.end) for e in events] == [(dt.date(2021, 10, 1), dt.date(2021, 10, 31))]


def test_a_briefing_told_at_the_end_of_the_sentence_is_an_event_of_its_own(extract: Extract) -> None:
    text = (
        "MOSCOW, February 10. /TASS/. Kazakhstan will host the Rubezh exercise of the CSTO Collective Rapid "
        "Deployment Forces in September, Chief of the CSTO Joint Staff Anatoly Sidorov told a news briefing on "
        "Wednesday."
    )
    events = extract(text, "2021-02-15")
    assert sorted((e.start, e.category.value, e.status.value, e.countries) for e in events) == [
        (dt.date(2021, 2, 10), "statement", "held", ("RU",)),
        (dt.date(2021, 9, 1), "training", "planned", ("KZ",)),
    ]


def test_a_report_told_at_the_end_of_the_sentence_is_not_an_event(extract: Extract) -> None:
    text = (
        "MINSK, 12 May (BelTA) - The CSTO Cobalt exercise will be held in Belarus in June, the ministry said on "
        "Tuesday."
    )
    events = extract(text, "2025-05-14")
    assert [(e.start, e.category.value) for e in events] == [(dt.date(2025, 6, 1), "training")]


@pytest.mark.parametrize(
    "text",
    [
        "On October 14 Yerevan hosted the session of the CSTO Collective Security Council. Earlier the same day, "
        "the joint meeting of the Council of Foreign Ministers and the Council of Defence Ministers took place.",
        "14 октября в Ереване прошла сессия Совета коллективной безопасности ОДКБ. В тот же день состоялось "
        "совместное заседание Совета министров иностранных дел и Совета министров обороны.",
    ],
)
def test_the_same_day_is_the_day_of_the_event_before(extract: Extract, text: str) -> None:
    events = extract(text, "2016-10-20")
    assert [(e.start, e.countries, e.year_inferred) for e in events] == [(dt.date(2016, 10, 14), ("AM",), True)] * 2
