"""Datelines ("ALMATY, March 14. /TASS/.") give an item its publication day and place, never an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.dateline import find_dateline

READ_ON = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("paragraph", "place", "published"),
    [
        ("ALMATY, March 14. /TASS/. The ministers met.", "ALMATY", dt.date(2025, 3, 14)),
        ("MOSCOW, April 15. / TASS /. The session was put off.", "MOSCOW", dt.date(2025, 4, 15)),
        ("12 апреля, Минск /БЕЛТА/. Министры встретились.", "Минск", dt.date(2025, 4, 12)),
        ("Душанбе, 03.06.2019 (НИАТ «Ховар»).- Министры встретились.", "Душанбе", dt.date(2019, 6, 3)),
        ("ASTANA. KAZINFORM – The ministers met.", "ASTANA", None),
        ("7 июня /ОДКБинформ/. Министры встретились.", None, dt.date(2024, 6, 7)),
        ("МОСКВА, 14 мар — РИА Новости. Министры встретились.", "МОСКВА", dt.date(2025, 3, 14)),
        ("YEREVAN, MAY 14, ARMENPRESS. The ministers met.", "YEREVAN", dt.date(2025, 5, 14)),
        ("MINSK, 12 April (BelTA) - The ministers met.", "MINSK", dt.date(2025, 4, 12)),
        ("ЦАМТО, 27 ноября. В Бишкеке министры встретились.", None, dt.date(2024, 11, 27)),
        ("Бишкек, 2 июня 2025 года. /Кабар/. Министры встретились.", "Бишкек", dt.date(2025, 6, 2)),
        ("Ош. 4 мая. «Вечерний Ош» - Министры встретились.", "Ош", dt.date(2025, 5, 4)),
        ("YEREVAN, Armenia, May 16 (UPI) -- The ministers met.", "YEREVAN", dt.date(2025, 5, 16)),
        ("ПОЛИГОН ДОНГУЗ (Оренбургская область), 12 мая - РИА Новости. Министры встретились.", "ПОЛИГОН ДОНГУЗ",
         dt.date(2025, 5, 12)),
    ],
)
def test_dateline_forms(paragraph: str, place: str | None, published: dt.date | None) -> None:
    dateline = find_dateline(paragraph, READ_ON)
    assert dateline is not None
    assert (dateline.place, dateline.published) == (place, published)
    assert paragraph[dateline.end :].startswith(("The", "Мин", "В Б"))


@pytest.mark.parametrize(
    "paragraph",
    [
        "On 20 December, the ministers met in Minsk.",
        "In Minsk (Belarus) the ministers met.",
        "The CSTO (Collective Security Treaty Organization) held a meeting.",
        "20 декабря в Минске состоялось заседание.",
    ],
)
def test_not_datelines(paragraph: str) -> None:
    assert find_dateline(paragraph, READ_ON) is None


@pytest.mark.parametrize(
    "text",
    [
        "ALMATY, March 14. /TASS/. Kazakhstan will host the meeting of the CSTO defence ministers on Thursday.",
        "14 марта, Астана /БЕЛТА/. Заседание Совета министров обороны ОДКБ пройдет в четверг в Астане.",
        "Астана, 14.03.2025 (НИАТ «Ховар»).- Заседание Совета министров обороны ОДКБ пройдет в четверг в Астане.",
    ],
)
def test_a_dateline_is_no_event_and_dates_what_follows(
    extract_one: Callable[..., ExtractedEvent], text: str
) -> None:
    event = extract_one(text, "2025-06-01")
    assert event.published == dt.date(2025, 3, 14)
    assert (event.start, event.status) == (dt.date(2025, 3, 20), "planned")  # the Thursday after
    assert event.evidence in {"Thursday", "в четверг"}
    assert event.year_inferred is ("14.03.2025" not in text)  # a dateline without a year gives none


def test_a_dateline_without_a_day_gives_only_a_place(extract: Callable[..., list[ExtractedEvent]]) -> None:
    assert extract("ASTANA. KAZINFORM – Officials of the ministry commented on the budget.", "2025-06-01") == []


def test_a_title_line_heads_an_agency_item(extract_one: Callable[..., ExtractedEvent]) -> None:
    event = extract_one(
        "CSTO ministers to meet in Astana\nASTANA, March 14. /TASS/. The CSTO defence ministers will meet on 20 March.",
        "2025-06-01",
    )
    assert (event.title, event.start) == ("CSTO ministers to meet in Astana", dt.date(2025, 3, 20))
