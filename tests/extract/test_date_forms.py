"""Date forms of agency news: months as attributes, decades, first and last days, quotes, web addresses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.grammar import find_dates

Extract = Callable[..., list[ExtractedEvent]]
EN = "MINSK, March 13. /BelTA/. "
RU = "13 марта, Минск /БЕЛТА/. "


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (EN + "Belarus will host an October summit of the CSTO in Minsk.", "2025-10", "2025-10"),
        (EN + "The October 2025 session of the CSTO Collective Security Council will be held in Minsk.",
         "2025-10", "2025-10"),
        (EN + "The November (2025) session of the CSTO Collective Security Council will be held in Minsk.",
         "2025-11", "2025-11"),
        (RU + "Октябрьский саммит ОДКБ пройдет в Минске.", "2025-10", "2025-10"),
        (EN + "The CSTO exercise will be held on April 8th–9 in Belarus.", "2025-04-08", "2025-04-09"),
        (RU + "Учения ОДКБ пройдут в третьей декаде мая в Беларуси.", "2025-05-21", "2025-05-31"),
        (RU + "Учения ОДКБ пройдут во второй декаде апреля в Беларуси.", "2025-04-11", "2025-04-20"),
        (RU + "Учения ОДКБ пройдут в конце месяца в Беларуси.", "2025-03", "2025-03"),
        (RU + "С 5 июля 2025 года в Беларуси пройдут учения ОДКБ.", "2025-07-05", "2025-07-05"),
        (EN + "The CSTO exercise in Belarus will last until March 20 inclusive.", "2025-03-20", "2025-03-20"),
        (RU + "Учения ОДКБ пройдут с 30 декабря 2025 года по 2 января 2026 года в Беларуси.",
         "2025-12-30", "2026-01-02"),
        (EN + "The CSTO exercise will be held from 28 March to 4 April in Belarus.", "2025-03-28", "2025-04-04"),
        (EN + "The CSTO summit (28 November, Minsk) will be the last of the year.", "2025-11-28", "2025-11-28"),
        (RU + "Саммит ОДКБ пройдет «28 ноября» в Минске.", "2025-11-28", "2025-11-28"),
        (EN + "Armenia will not attend the CSTO's November summit in Minsk.", "2025-11", "2025-11"),
        (RU + "Следующее заседание Ассамблеи ОДКБ намечено на весну 2026 года.", "2026-03", "2026-05"),
        (RU + "Учение ОДКБ «Эшелон», запланированное на конец апреля, отменено.", "2025-04", "2025-04"),
    ],
)
def test_date_forms(extract: Extract, text: str, start: str, end: str) -> None:
    events = extract(text, "2025-06-01")
    assert [(e.as_json()["start"], e.as_json()["end"]) for e in events] == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "Since 2002, the CSTO has held thirty exercises.",
        "The exercise must be prepared by 1 March.",
        "Armenia May Skip the CSTO Session",
    ],
)
def test_bounds_stay_bounds(extract: Extract, text: str) -> None:
    assert extract(text, "2025-06-01") == []


def test_dates_in_web_addresses_are_no_dates(extract: Extract) -> None:
    events = extract(
        EN + "The CSTO exercise was held on 11 March, see https://www.belta.by/politics/2024-05-15/exercise-1205.",
        "2025-06-01",
    )
    assert [e.as_json()["start"] for e in events] == ["2025-03-11"]


def test_month_adjectives_need_an_event_noun() -> None:
    assert find_dates("октябрьская революция") == []
    assert find_dates("the October Revolution") == []


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("DUSHANBE, 16.04.2025 (NIAT Khovar) – A CSTO anti-drug operation started in Tajikistan today. It will last"
         " until April 19 inclusive, the agency said.", "2025-04-16", "2025-04-19"),
        ("Минск, 03.05.2025 (БЕЛТА). Сегодня на полигоне под Брестом началось учение ОДКБ. Учение продлится до"
         " 9 мая.", "2025-05-03", "2025-05-09"),
        ("Минск, 03.05.2025 (БЕЛТА). Церемония открытия учения ОДКБ состоялась сегодня под Брестом. Учения"
         " продлятся пять дней.", "2025-05-03", "2025-05-07"),
    ],
)
def test_an_exercise_under_way_ends_on_its_last_day(extract: Extract, text: str, start: str, end: str) -> None:
    [event] = extract(text, "2025-06-01")
    assert (event.as_json()["start"], event.as_json()["end"], event.status) == (start, end, "held")
    assert event.category in {"training", "operation"}


def test_a_plan_for_next_year_is_a_topic(extract: Extract) -> None:
    events = extract(
        EN + "The CSTO defence ministers will meet in Almaty on May 23. They are to review the plan of joint"
        " training for the next year.",
        "2025-06-01",
    )
    assert [e.as_json()["start"] for e in events] == ["2025-05-23"]


def test_cancelled_anywhere_in_the_sentence(extract: Extract) -> None:
    [event] = extract(
        EN + "The CSTO exercise had been planned for September in Armenia; it will not take place.", "2025-06-01"
    )
    assert (event.as_json()["start"], event.status) == ("2025-09", "cancelled")
