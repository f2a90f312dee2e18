"""Background is not an event: a date becomes one when something happens on it; a report is not a statement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]
DATELINE = "ASTANA, March 14. /TASS/. "


@pytest.mark.parametrize(
    "sentence",
    [
        "Kazakhstan chaired the CSTO in 2023–2024.",
        "The CSTO collective security strategy adopted in 2015 remains the basis of its work.",
        "The plan for 2027 lists six joint exercises.",
        "The Secretary General said in March that cooperation was growing.",
        "Об этом 3 марта сообщил телеканал «Мир».",
        "В 2024 году Казахстан председательствовал в Организации.",
    ],
)
def test_background_dates_are_no_events(extract: Extract, sentence: str) -> None:
    assert extract(DATELINE + sentence, "2025-06-01") == []


def test_the_date_of_saying_is_not_the_date_of_what_is_said(extract: Extract) -> None:
    events = extract(
        DATELINE + "The Secretary General told reporters on Thursday that the summit would take place in Moscow"
        " on 28 November.",
        "2025-06-01",
    )
    assert [(e.start, e.category, e.status) for e in events] == [(dt.date(2025, 11, 28), "meeting", "planned")]


def test_something_happening_makes_a_date_an_event(extract: Extract) -> None:
    events = extract(DATELINE + "The ceremony took place on 12 March in the CSTO Secretariat.", "2025-06-01")
    assert [(e.start, e.status) for e in events] == [(dt.date(2025, 3, 12), "held")]


def test_an_agency_report_is_not_a_statement(extract: Extract) -> None:
    text = DATELINE + "The CSTO is ready to help Afghanistan, the Secretary General believes."
    assert extract(text, "2025-06-01") == []


def test_a_statement_issued_by_a_body_is_one(extract: Extract) -> None:
    events = extract(
        DATELINE + "The CSTO Council of Foreign Ministers adopted a statement on the situation in Afghanistan.",
        "2025-06-01",
    )
    assert [(e.start, e.category, e.status) for e in events] == [(dt.date(2025, 3, 14), "statement", "held")]


def test_an_article_of_a_body_is_its_statement(extract: Extract) -> None:
    events = extract("On the Day of the Joint Staff\n28.04.2025 The CSTO congratulates the officers.", "2025-06-01")
    assert [(e.start, e.category) for e in events] == [(dt.date(2025, 4, 28), "statement")]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("On 5 March, the ministers held talks in Minsk.", "meeting"),
        ("On 5 March, the CSTO Secretariat hosted a scientific conference.", "meeting"),
        ("On 5 March, the CSTO spokesman held a press conference.", "statement"),
        ("5 марта пресс-секретарь ОДКБ провел брифинг для журналистов.", "statement"),
        ("Ahead of the CSTO summit, a joint exercise was held on 5 March near Minsk.", "training"),
        ("5 марта в рамках сессии Совета коллективной безопасности прошло учение.", "training"),
        ("On 5 March, the Secretary General was on a working trip to Minsk.", "meeting"),
    ],
)
def test_category_from_what_happens(extract: Extract, text: str, category: str) -> None:
    events = extract(text, "2025-06-01")
    assert [e.category for e in events] == [category]


def test_confidence_is_high_for_a_clear_verb_and_a_full_date_and_low_for_an_inferred_year(extract: Extract) -> None:
    clear, vague = extract(
        "On 5 March 2025, a meeting of the CSTO Council of Foreign Ministers was held in Minsk.\n"
        "In 2026 the CSTO foreign ministers have more to discuss at a meeting, maybe in December.",
        "2025-06-01",
    )
    assert clear.confidence >= 0.9
    assert vague.year_inferred
    assert vague.confidence <= 0.6
    assert all(0 <= event.as_json()["confidence"] <= 1 for event in (clear, vague))


def test_who_told_the_news_does_not_unmake_its_date(extract: Extract) -> None:
    [event] = extract(
        "МОСКВА, 3 марта. /ТАСС/. Заседание СМИД ОДКБ, намеченное на 18 марта в Ереване, перенесено на 2 апреля,"
        " сообщили в Секретариате организации.",
        "2025-03-05",
    )
    assert (event.start, event.status) == (dt.date(2025, 4, 2), "postponed")


def test_a_briefing_of_someone_else_is_the_day_of_a_remark(extract: Extract) -> None:
    events = extract(
        "Заседание СМИД ОДКБ пройдет 27 ноября в Бишкеке перед сессией Совета коллективной безопасности,"
        " сообщила на брифинге 20 ноября официальный представитель МИД России.",
        "2025-11-21",
    )
    assert [e.start for e in events] == [dt.date(2025, 11, 27)]
