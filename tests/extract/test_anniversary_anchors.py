"""Anniversaries date only founding acts, only when said to be now or dated, and N years ago today."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]


def _founding(events: list[ExtractedEvent]) -> list[tuple[object, ...]]:
    return [(e.as_json()["start"], e.title) for e in events if e.anniversary]


@pytest.mark.parametrize(
    "text",
    [
        "MOSCOW, May 9. /TASS/. CSTO servicemen took part in the parade marking the 80th anniversary of the Victory.",
        "9 мая /ОДКБинформ/. Военнослужащие стран ОДКБ прошли парадом в честь 80-летия Победы.",
    ],
)
def test_an_anniversary_without_a_founding_act_is_none(extract: Extract, text: str) -> None:
    assert _founding(extract(text, "2025-06-01")) == []


def test_a_plan_devoted_to_an_anniversary_dates_nothing(extract: Extract) -> None:
    text = (
        "MINSK, March 13. /BelTA/. The Secretariat approved a plan of events devoted to the 25th anniversary of"
        " the Organization."
    )
    assert extract(text, "2025-06-01") == []


@pytest.mark.parametrize(
    ("text", "start", "title"),
    [
        ("MOSCOW, October 7. /TASS/. Twenty years ago today the CSTO Charter was signed in Chisinau.",
         "2004-10-07", "Signing of the CSTO Charter"),
        ("MOSCOW, October 7. /TASS/. 20 years ago today, the CSTO Charter was signed in Chisinau.",
         "2004-10-07", "Signing of the CSTO Charter"),
        ("7 октября /БЕЛТА/. Ровно 20 лет назад в этот день в Кишиневе был подписан Устав ОДКБ.",
         "2004-10-07", None),
    ],
)
def test_years_ago_today(extract: Extract, text: str, start: str, title: str | None) -> None:
    events = extract(text, "2025-06-01")
    assert [e.as_json()["start"] for e in events] == [start]
    assert events[0].anniversary
    assert title is None or events[0].title == title


@pytest.mark.parametrize(
    "text",
    [
        "MOSCOW, May 15. /TASS/. Today marks the 33rd anniversary of the signing of the Collective Security Treaty,"
        " which later, in 2002, was transformed into a full-fledged organization.",
        "15 мая /БЕЛТА/. Сегодня исполняется 33 года со дня подписания Договора о коллективной безопасности,"
        " который позднее, в 2002 году, был преобразован в Организацию.",
    ],
)
def test_a_clause_after_the_anniversary_does_not_break_it(extract: Extract, text: str) -> None:
    # In an agency's report the year of the later clause is history; the founding day stays a day.
    events = extract(text, "2025-06-01")
    assert [(e.as_json()["start"], e.anniversary) for e in events] == [("1992-05-15", True)]


def test_a_clause_after_the_anniversary_may_hold_an_event(extract: Extract) -> None:
    # A body's own article recalls its history as events.
    events = extract(
        "On the anniversary of the Treaty\n15.05.2025 Today marks the 33rd anniversary of the signing of the"
        " Collective Security Treaty, which later, in 2002, was transformed into a full-fledged organization.",
        "2025-06-01",
    )
    assert [(e.as_json()["start"], e.anniversary) for e in events] == [
        ("2025-05-15", False),
        ("2002", False),
        ("1992-05-15", True),
    ]
