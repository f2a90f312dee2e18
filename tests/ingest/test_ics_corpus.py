"""Every calendar of icalendar's own test corpus (real exports, broken files and fuzzer finds that
its users reported) is imported or refused with located problems: never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from calendar_service.errors import InvalidInput
from calendar_service.ingest.ics import read_ics
from calendar_service.store.records import EventRecord

CORPUS = Path(icalendar.__file__).parent / "tests" / "calendars"
FILES = sorted(CORPUS.glob("*.ics"))


@pytest.mark.slow
def test_every_calendar_of_the_icalendar_corpus_is_read_or_refused_with_its_problems() -> None:
    assert len(FILES) > 50, f"icalendar's test calendars are missing from {CORPUS}"
    outcomes = [_outcome(path) for path in FILES]
    for path, outcome in zip(FILES, outcomes, strict=True):
        if isinstance(outcome, InvalidInput):
            assert outcome.problems, path.name
            assert all(problem.message and problem.source == path.name for problem in outcome.problems), path.name
        else:
            assert all(record.start <= record.end and record.title for record in outcome), path.name
    # Both outcomes occur: the corpus holds good exports and broken ones.
    assert sum(isinstance(outcome, list) for outcome in outcomes) > 30
    assert sum(isinstance(outcome, InvalidInput) for outcome in outcomes) > 10


def _outcome(path: Path) -> list[EventRecord] | InvalidInput:
    """The records read from ``path``, or the refusal; any other exception fails the test."""
    try:
        return read_ics(path.read_bytes(), source=path.name, today=dt.date(2025, 1, 15))
    except InvalidInput as error:
        return error
