"""Any text at all: extraction never fails, and what it returns is always a valid record."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_service.ingest.extract import extract_events, load_gazetteer
from calendar_service.store.records import validate_record
from tests.extract.conftest import load_corpus

WORDS = [
    "On",
    "20",
    "December",
    "декабря",
    "2024",
    "года",
    "in",
    "May-June",
    "в",
    "мае–июне",
    "the",
    "CSTO",
    "ОДКБ",
    "meeting",
    "заседание",
    "was",
    "held",
    "will",
    "be",
    "postponed",
    "to",
    "Minsk",
    "Минске",
    "10",
    "and",
    "11",
    "с",
    "1",
    "по",
    "5",
    "октября",
    "15.05.2024",
    "marks",
    "32nd",
    "anniversary",
    "of",
    "исполняется",
    "33",
    "года",
    "со",
    "дня",
    "подписания",
    "This",
    "year",
    ",",
    ".",
    "\n",
    "–",
    "29",
    "February",
    "31",
    "в",
    "первом",
    "полугодии",
    "second",
    "half",
    "Council",
    "of",
    "Foreign",
    "Ministers",
    "meetings",
    "Kazakhstan",
    "https://example.org/a",
    "Tuesday",
    "30",
    "November",
    "1",
    "Пятого",
    "марта",
    "March",
    "the",
    "5th",
]
REFERENCES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


def _check(text: str, reference_date: dt.date) -> None:
    # Read through load_gazetteer's cache: hypothesis tests cannot take function-scoped fixtures.
    for event in extract_events(text, reference_date=reference_date, gazetteer=load_gazetteer()):
        assert event.start <= event.end
        assert event.evidence
        assert event.evidence in text
        assert validate_record(event.to_record()) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join), REFERENCES)
def test_date_like_word_salad(text: str, reference_date: dt.date) -> None:
    _check(text, reference_date)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), REFERENCES)
def test_any_unicode_text(text: str, reference_date: dt.date) -> None:
    _check(text, reference_date)


def test_the_corpus_as_one_page_gives_valid_records() -> None:
    page = "\n".join(entry["text"] for entry in load_corpus())
    _check(page, dt.date(2025, 1, 15))
