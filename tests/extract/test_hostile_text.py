"""Hostile news text: refused with the line and item named, nothing stored, work bounded per date.

The time these shapes took before (minutes for "15 May " × 2,000) is measured by
``benchmarks/bench_hostile.py``; here the outcome is checked, and the work is counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.cli import main
from calendar_service.errors import InvalidInput
from calendar_service.ingest.extract import ExtractedEvent, Gazetteer, assemble, classify
from calendar_service.ingest.extract.assemble import MAX_DATE_TOKENS
from calendar_service.ingest.extract.sentences import (
    MAX_DATES_PER_ITEM,
    MAX_DATES_PER_SENTENCE,
    MAX_SENTENCE_CHARS,
)
from calendar_service.ingest.news import import_news
from calendar_service.models import Event
from tests.extract.conftest import NOW, REFERENCE, SEED
from tests.storedump import rows, tables

Extract = Callable[..., list[ExtractedEvent]]


def _count(store: sessionmaker[Session]) -> int:
    with store() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


@pytest.mark.parametrize(
    "text",
    [
        "15 May " * 2_000,  # the dates of one sentence, each of which scanned the sentence again
        "15, " * 8_000,
        "x" + "." * 200_000,  # a run of full stops, once tried from each of its positions
        "St. " * 20_000,  # abbreviations: the word before each stop was searched from the sentence start
        "On 15 May 2024 the Council met in Minsk and\n" + "continued its work\n" * 50_000,  # wrapped lines
        "On 15 May 2024" + " " * 100_000 + "the Council met.",
    ],
    ids=["dates", "days", "dots", "abbreviations", "wrapped-lines", "spaces"],
)
def test_an_endless_sentence_is_refused_with_its_line(extract: Extract, text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        extract("On 20 December, a training was held in Minsk.\n" + text)
    message = str(refused.value)
    assert re.match(r"line 2: item [12] has a sentence of [\d,]+ characters", message)
    assert f"at most {MAX_SENTENCE_CHARS:,} are read in one sentence" in message


def test_a_sentence_of_too_many_dates_is_refused(extract: Extract) -> None:
    dates = ", ".join(f"{day} May" for day in range(1, 29)) + ", " + ", ".join(f"{day} June" for day in range(1, 29))
    assert len(dates) < MAX_SENTENCE_CHARS
    text = f"Meetings were held on {dates}, " + ", ".join(f"{day} July" for day in range(1, 29)) + "."
    with pytest.raises(InvalidInput, match=rf"^line 1: item 1 has a sentence with 84 dates; at most "
                                           rf"{MAX_DATES_PER_SENTENCE} are read in one sentence$"):
        extract(text)


def test_an_item_of_too_many_dates_is_refused(extract: Extract) -> None:
    sentences = " ".join(
        f"A meeting was held on {1 + n % 28} May {1990 + n // 28}." for n in range(MAX_DATES_PER_ITEM + 1)
    )
    with pytest.raises(InvalidInput, match=rf"^line 3: item 1 has more than {MAX_DATES_PER_ITEM} dates by this line"):
        extract(f"On 20 December, a training was held in Minsk.\n\n{sentences}")


def test_a_long_chronology_within_the_limits_is_read(extract: Extract) -> None:
    sentences = " ".join(f"A meeting was held in Minsk on {day} May 2024." for day in range(1, 29))
    events = extract(sentences)
    assert sorted(event.start.day for event in events) == list(range(1, 29))


def test_the_clause_is_scanned_once_however_many_dates_it_holds(extract: Extract) -> None:
    # 40 dates in one clause: before, the status and category cues were searched 40 times over it.
    text = "Consultations were held on " + ", ".join(f"{day} May" for day in range(1, 41) if day <= 31) + " 2024."
    classify._status_cues.cache_clear()
    classify.first_cue.cache_clear()
    events = extract(text)
    assert {event.start.day for event in events} == set(range(1, 32))
    assert classify._status_cues.cache_info().misses <= 3
    assert classify.first_cue.cache_info().misses <= 6


def test_many_anniversaries_in_one_item_are_read(extract: Extract) -> None:
    # Each milestone was compared with every founding act of its item.
    text = "On 20 December, a meeting was held in Minsk. " + " ".join(
        f"The {n}th anniversary of the Treaty of {1900 + n} is marked." for n in range(1, 150)
    )
    events = extract(text)
    assert len([event for event in events if event.anniversary]) >= 1


def test_a_hostile_import_stores_nothing(store: sessionmaker[Session], gazetteer: Gazetteer) -> None:
    import_news(store, SEED.read_bytes(), reference_date=REFERENCE, now=NOW, gazetteer=gazetteer, publish=True)
    before = _count(store)
    with pytest.raises(InvalidInput, match=r"^news\.txt:\d+: item \d+ has a sentence of "):
        import_news(store, SEED.read_text(encoding="utf-8") + "\n" + "15 May " * 1_000,
                    reference_date=REFERENCE, now=NOW, gazetteer=gazetteer, source="news.txt")
    assert _count(store) == before


def test_the_import_command_answers_one_line_and_exit_1(news_runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text("15 May " * 2_000, encoding="utf-8")
    result = news_runner.invoke(main, ["import", str(path), "--reference-date", "2025-01-15"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: {path}:1: item 1 has a sentence of 13,999 characters; at most 3,000 are read in one "
                     "sentence (is the text missing its full stops?)"]
    url = news_runner.env["CALENDAR_DATABASE_URL"]
    assert url is not None
    if "events" in tables(url):  # the store may have been created (migrated) before the text was read
        assert rows(url, "SELECT count(*) FROM events") == [(0,)]


def test_a_text_of_numbers_is_refused_before_it_is_read(extract: Extract) -> None:
    with pytest.raises(InvalidInput, match=rf"^the text holds more than {MAX_DATE_TOKENS:,} numbers and month names"):
        extract("On 15 May 2024 the Council met.\n" + "15 May " * MAX_DATE_TOKENS)


def test_a_text_of_too_many_dates_is_refused_before_any_event_is_composed(
    extract: Extract, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assemble, "MAX_DATES_PER_TEXT", 40)
    composed: list[object] = []
    monkeypatch.setattr(assemble, "_item_events", lambda *args: composed.append(args) or [])
    text = "".join(
        f"On {day} May 2024 the Council met in Minsk; it met again on {day + 1} May.\n" for day in range(1, 25)
    )
    with pytest.raises(InvalidInput, match=r"^line 21: the text holds more than 40 dates by item 21; import it "):
        extract(text)
    assert composed == []
