"""Event keys: the same event keeps its key through changes of date and status; different ones differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from calendar_service.dates import Precision
from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.events import event_key, period_of, slug
from calendar_service.store.records import Category

Extract = Callable[..., ExtractedEvent]


def test_planned_then_held_with_a_sharper_date(extract_one: Extract) -> None:
    planned = extract_one(
        "The meeting of the CSTO Council of Foreign Ministers will be held in May-June 2024 in Kazakhstan.",
        "2024-01-10",
    )
    held = extract_one(
        "On 3 June 2024, the CSTO Council of Foreign Ministers held a meeting in Almaty.", "2024-06-04"
    )
    assert (planned.status, held.status) == ("planned", "held")
    assert planned.key == held.key == "news:meeting:csto-council-of-foreign-ministers:2024h1"


def test_postponed_keeps_the_key_of_the_date_it_left(extract_one: Extract) -> None:
    planned = extract_one(
        "The meeting of the CSTO Council of Defence Ministers will be held on 20 June 2025 in Minsk.",
        "2025-03-01",
    )
    moved = extract_one(
        "The meeting of the CSTO Council of Defence Ministers, scheduled for 20 June, has been "
        "postponed to 10 September 2025.",
        "2025-05-20",
    )
    assert (moved.status, moved.start.isoformat()) == ("postponed", "2025-09-10")
    assert planned.key == moved.key


def test_cancelled_keeps_the_key(extract_one: Extract) -> None:
    planned = extract_one(
        "The exercise of the CSTO Collective Rapid Reaction Forces will be held on 14–18 April "
        "2025 in Armenia.",
        "2025-01-10",
    )
    cancelled = extract_one(
        "The exercise of the Collective Rapid Reaction Forces planned for 14–18 April in "
        "Armenia has been cancelled.",
        "2025-03-01",
    )
    assert cancelled.status == "cancelled"
    assert planned.key == cancelled.key


def test_english_and_russian_reports_share_the_key(extract_one: Extract) -> None:
    english = extract_one(
        "On 12 November, the CSTO Council of Foreign Ministers met in Yerevan.", "2024-11-20"
    )
    russian = extract_one(
        "12 ноября в Ереване состоялось заседание Совета министров иностранных дел ОДКБ.", "2024-11-20"
    )
    assert english.key == russian.key


def test_two_meetings_on_one_day_differ(extract: Callable[..., list[ExtractedEvent]]) -> None:
    events = extract(
        "On 5 March, the CSTO Secretary General met the UNOCT delegation.\n"
        "On 5 March, the CSTO Secretary General met a delegation of the ICRC.\n",
        "2025-03-10",
    )
    assert [event.key for event in events] == [
        "news:meeting:un-office-of-counter-terrorism:2025-03",
        "news:meeting:icrc:2025-03",
    ]


def test_the_same_event_twice_in_one_text_is_one_event(extract: Callable[..., list[ExtractedEvent]]) -> None:
    events = extract(
        "On 12 November, the CSTO Council of Foreign Ministers met in Yerevan.\n"
        "12 ноября в Ереване состоялось заседание Совета министров иностранных дел ОДКБ.\n",
        "2024-11-20",
    )
    assert len(events) == 1


def test_a_key_that_comes_back_with_other_dates_is_numbered(
    extract: Callable[..., list[ExtractedEvent]],
) -> None:
    events = extract(
        "On 3 March, the CSTO Secretary General visited Minsk.\n"
        "On 17 March, the CSTO Secretary General visited Astana.\n",
        "2025-03-20",
    )
    assert [event.key for event in events] == [
        "news:meeting:csto-secretariat:2025-03",
        "news:meeting:csto-secretariat:2025-03~2",
    ]


def test_keys_are_the_same_on_every_run(extract: Callable[..., list[ExtractedEvent]]) -> None:
    text = "On 20 December, a joint training session of the CSTO Crisis Response Center was held."
    expected = ["news:training:csto-crisis-response-center:2024-12"]  # kind, subject, month: no counter, no clock
    assert [e.key for e in extract(text)] == expected
    assert [e.key for e in extract(text)] == expected


def test_without_a_body_the_title_makes_the_key(extract_one: Extract) -> None:
    event = extract_one("В марте–апреле 2025 года проведена антинаркотическая операция «Канал – Изумруд».")
    assert event.key == "news:operation:antinarkoticheskaya-operatsiya-kanal-izumrud:2025-03"


def test_key_parts() -> None:
    assert slug("Совет министров обороны ОДКБ") == "sovet-ministrov-oborony-odkb"
    assert (
        event_key(Category.MEETING, "CSTO Joint Staff", "2025-03") == "news:meeting:csto-joint-staff:2025-03"
    )
    assert period_of(dt.date(2024, 5, 1), Precision.MONTH) == "2024-05"
    assert period_of(dt.date(2024, 7, 1), Precision.DAY, half_yearly=True) == "2024h2"
    assert period_of(dt.date(2024, 7, 1), Precision.YEAR, half_yearly=True) == "2024"
