"""The sample input (data/csto-news.txt) gives exactly the twelve events a careful reader lists
(../shared/seed/expected-events.md, copied below), and nothing more."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent
from tests.extract.conftest import DATA, SEED

# start, end, precision, category, status, countries, anniversary, year_inferred
EXPECTED_2025 = [
    ("2024-12-20", "2024-12-20", "day", "training", "held", [], False, True),
    ("2024-12-10", "2024-12-11", "day", "consultation", "held", [], False, True),
    ("2024-12-11", "2024-12-11", "day", "meeting", "held", [], False, False),
    ("2024-12-11", "2024-12-11", "day", "meeting", "held", [], False, False),
    ("2024-05-15", "2024-05-15", "day", "statement", "held", [], False, False),
    ("1992-05-15", "1992-05-15", "day", "milestone", "held", [], True, False),
    ("2002", "2002", "year", "milestone", "held", [], False, False),
    ("2022-01", "2022-01", "month", "operation", "held", ["KZ"], False, False),
    ("2024", "2024", "year", "training", "planned", ["KZ", "KG", "TJ"], False, False),
    ("2024-05", "2024-06", "month", "meeting", "planned", ["KZ"], False, False),
    ("2024-05", "2024-06", "month", "meeting", "planned", ["KZ"], False, False),
    ("2024-05", "2024-06", "month", "meeting", "planned", ["KZ"], False, False),
]
EXPECTED_2026 = [
    ("2025-12-20", "2025-12-20", *EXPECTED_2025[0][2:]),
    ("2025-12-10", "2025-12-11", *EXPECTED_2025[1][2:]),
    *EXPECTED_2025[2:],
]
FIELDS = ("start", "end", "precision", "category", "status", "countries", "anniversary", "year_inferred")


def _rows(events: list[ExtractedEvent]) -> list[tuple[object, ...]]:
    return [tuple(event.as_json()[name] for name in FIELDS) for event in events]


def test_the_sample_input_is_the_seed() -> None:
    assert (DATA / "csto-news.txt").read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize(
    ("reference_date", "expected"), [("2025-01-15", EXPECTED_2025), ("2026-01-15", EXPECTED_2026)]
)
def test_seed_gives_exactly_the_twelve_events(
    extract: Callable[..., list[ExtractedEvent]], reference_date: str, expected: list[tuple[object, ...]]
) -> None:
    events = extract(SEED.read_text(encoding="utf-8"), reference_date)
    assert _rows(events) == expected


def test_seed_events_say_what_they_are(extract: Callable[..., list[ExtractedEvent]]) -> None:
    events = extract(SEED.read_text(encoding="utf-8"))
    assert [event.evidence for event in events][:2] == ["20 December", "10 and 11 December"]
    assert events[4].title == "On the anniversary of the Collective Security Treaty signing"
    assert events[4].evidence == "15.05.2024"
    assert events[5].title == "Conclusion of the Collective Security Treaty"
    assert [event.title for event in events[9:]] == [
        "Meeting of the CSTO Council of Defence Ministers",
        "Meeting of the CSTO Committee of Secretaries of Security Councils",
        "Meeting of the CSTO Council of Foreign Ministers",
    ]
    assert events[0].bodies == ("CSTO Crisis Response Center",)
    assert {
        "UN Office of Counter-Terrorism",
        "UN Regional Centre for Preventive Diplomacy for Central Asia",
        "CIS Anti-Terrorism Center",
        "SCO Regional Anti-Terrorist Structure",
        "ICRC",
        "Working Group on Afghanistan",
    } <= set(events[3].bodies)
    assert all(event.source_url == "https://www.mid.ru/ru/foreign_policy/news/1950668/" for event in events)
    assert [event.published.isoformat() for event in events[:5]] == ["2025-01-15"] * 4 + ["2024-05-15"]


def test_seed_keys_are_distinct(extract: Callable[..., list[ExtractedEvent]]) -> None:
    keys = [event.key for event in extract(SEED.read_text(encoding="utf-8"))]
    assert len(set(keys)) == 12
    assert keys[9:] == [
        "news:meeting:csto-council-of-defence-ministers:2024h1",
        "news:meeting:csto-committee-of-secretaries-of-security-councils:2024h1",
        "news:meeting:csto-council-of-foreign-ministers:2024h1",
    ]
