"""The test corpus (tests/data/news/corpus.yaml): every item gives exactly the events listed for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from calendar_service.ingest.extract import ExtractedEvent
from tests.extract.conftest import load_corpus

CORPUS = load_corpus()
COMPARED = ("start", "end", "precision", "category", "status", "countries", "anniversary", "year_inferred")


def _expected(event: dict[str, Any]) -> dict[str, Any]:
    return {name: str(event[name]) if name in {"start", "end"} else event[name] for name in COMPARED}


def test_the_corpus_is_large_and_in_both_languages() -> None:
    assert len(CORPUS) >= 40
    assert len({entry["id"] for entry in CORPUS}) == len(CORPUS)
    russian = [entry for entry in CORPUS if entry["id"].startswith("ru-")]
    english = [entry for entry in CORPUS if entry["id"].startswith("en-")]
    assert len(russian) >= 15
    assert len(english) >= 15


@pytest.mark.parametrize("entry", CORPUS, ids=[entry["id"] for entry in CORPUS])
def test_corpus_item(extract: Callable[..., list[ExtractedEvent]], entry: dict[str, Any]) -> None:
    events = [event.as_json() for event in extract(entry["text"], entry["reference_date"])]
    expected = entry["events"] or []
    assert [{name: event[name] for name in COMPARED} for event in events] == [_expected(e) for e in expected]
    for want, got in zip(expected, events, strict=True):
        assert set(want.get("bodies", [])) <= set(got["bodies"]), got["bodies"]
        for name in ("evidence", "title"):
            if name in want:
                assert got[name] == want[name]
        assert got["evidence"] in entry["text"]
