"""Days named against the publication day: weekdays, today/yesterday/tomorrow, last week, this month, сего года."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

#: Thursday 13 March 2025, the year written: days counted from it are not inferred.
HEADER = "MINSK, 13.03.2025 (BelTA) - "
HEADER_RU = "Минск, 13.03.2025 (БЕЛТА). "


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("The CSTO Secretary General met the Belarusian foreign minister on Tuesday.", "2025-03-11", "2025-03-11"),
        ("The CSTO Secretary General will meet the Belarusian foreign minister on Tuesday.", "2025-03-18", None),
        ("The CSTO Secretary General met the Belarusian foreign minister on Thursday.", "2025-03-13", None),
        ("The CSTO Secretary General met the Belarusian foreign minister last Thursday.", "2025-03-06", None),
        ("The CSTO Secretary General met the Belarusian foreign minister yesterday.", "2025-03-12", None),
        ("The CSTO Secretary General met the Belarusian foreign minister today.", "2025-03-13", None),
        ("The CSTO Secretary General will meet the Belarusian foreign minister tomorrow.", "2025-03-14", None),
        ("The CSTO Secretariat held a seminar for young diplomats last week.", "2025-03-03", "2025-03-09"),
        ("The CSTO Secretariat will hold a seminar for young diplomats next week.", "2025-03-17", "2025-03-23"),
        ("Earlier this month the CSTO Secretariat held a seminar for young diplomats.", "2025-03", "2025-03"),
    ],
)
def test_english_relative_days(
    extract_one: Callable[..., ExtractedEvent], sentence: str, start: str, end: str | None
) -> None:
    event = extract_one(HEADER + sentence, "2025-06-01").as_json()
    assert (event["start"], event["end"]) == (start, end or start)
    assert event["year_inferred"] is False


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("Во вторник генеральный секретарь ОДКБ провел встречу с министром.", "2025-03-11", None),
        ("В среду генеральный секретарь ОДКБ проведет встречу с министром.", "2025-03-19", None),
        ("В минувшую пятницу генеральный секретарь ОДКБ провел встречу с министром.", "2025-03-07", None),
        ("Вчера генеральный секретарь ОДКБ провел встречу с министром.", "2025-03-12", None),
        ("Сегодня в Минске состоялось заседание Совета министров обороны ОДКБ.", "2025-03-13", None),
        ("Завтра в Минске пройдет заседание Совета министров обороны ОДКБ.", "2025-03-14", None),
        ("На прошлой неделе в Минске состоялся семинар ОДКБ.", "2025-03-03", "2025-03-09"),
        ("В следующем месяце в Минске пройдет семинар ОДКБ.", "2025-04", "2025-04"),
        ("Заседание Совета министров обороны ОДКБ пройдет 20 ноября сего года.", "2025-11-20", None),
        ("Заседание Совета министров обороны ОДКБ пройдет в ноябре текущего года.", "2025-11", None),
        ("В следующем году в Минске пройдет заседание Совета министров обороны ОДКБ.", "2026", None),
    ],
)
def test_russian_relative_days(
    extract_one: Callable[..., ExtractedEvent], sentence: str, start: str, end: str | None
) -> None:
    event = extract_one(HEADER_RU + sentence, "2025-06-01").as_json()
    assert (event["start"], event["end"]) == (start, end or start)
    assert event["year_inferred"] is False


def test_under_a_dateline_without_a_year_the_year_is_inferred(extract_one: Callable[..., ExtractedEvent]) -> None:
    text = "MINSK, March 13. /BelTA/. The CSTO Secretary General met the minister on Tuesday."
    event = extract_one(text, "2025-06-01")
    assert (event.start, event.year_inferred) == (dt.date(2025, 3, 11), True)


def test_without_a_publication_day_the_reading_day_is_the_anchor_and_the_year_is_inferred(
    extract_one: Callable[..., ExtractedEvent],
) -> None:
    event = extract_one("The CSTO Secretary General met the Belarusian foreign minister on Tuesday.", "2025-03-13")
    assert (event.start, event.year_inferred) == (dt.date(2025, 3, 11), True)


def test_a_written_date_outranks_today(extract: Callable[..., list[ExtractedEvent]]) -> None:
    events = extract("15.05.2024 The decision was taken in 2002 to found the CSTO, which today unites six states.")
    assert [(e.start, e.category) for e in events] == [
        (dt.date(2024, 5, 15), "statement"),
        (dt.date(2002, 1, 1), "milestone"),
    ]
