"""The scoring of the reader against annotated news (tests/extract/scoring.py), on tiny cases made by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.extract.scoring import FIELDS, Score, check_event, check_item, match_events, score_item, total


def event(start: Any = "2024-05-20", end: Any = None, **fields: Any) -> dict[str, Any]:
    """Return an event as the corpus files and the reader's JSON write it; defaults: a held meeting in Minsk."""
    values = {"precision": "day", "category": "meeting", "status": "held", "countries": ["BY"],
              "anniversary": False, "year_inferred": True}
    return {"start": start, "end": start if end is None else end, **values, **fields}


def test_an_exact_reading_scores_one() -> None:
    score = score_item([event(), event("2024-06")], [event(), event("2024-06")])
    assert (score.items, score.gold, score.found, score.matched) == (1, 2, 2, 2)
    assert (score.precision, score.recall, score.f1, score.fields) == (1.0, 1.0, 1.0, 1.0)


def test_a_missed_and_an_invented_event() -> None:
    score = score_item([event("2024-05-20"), event("2024-05-21")], [event("2024-05-20"), event("2024-05-22")])
    assert score.matched == 1
    assert score.precision == 0.5
    assert score.recall == 0.5
    assert score.f1 == 0.5


def test_dates_match_only_at_their_precision() -> None:
    # "May 2024" read as 1 May is another date, not a near miss.
    score = score_item([event("2024-05", precision="month")], [event("2024-05-01", precision="day")])
    assert score.matched == 0


def test_start_and_end_must_both_match() -> None:
    assert score_item([event("2024-10-01", "2024-10-05")], [event("2024-10-01", "2024-10-01")]).matched == 0


def test_dates_of_the_corpus_files_compare_with_the_written_dates_of_the_reader() -> None:
    # YAML reads 2024-05-20 as a date, 2024-05 as a string and 2025 as a number.
    gold = [event(dt.date(2024, 5, 20)), event("2024-05", precision="month"), event(2025, precision="year")]
    found = [event("2024-05-20"), event("2024-05", precision="month"), event("2025", precision="year")]
    assert score_item(gold, found).matched == 3


def test_matching_is_one_to_one() -> None:
    gold = [event()]
    found = [event(), event()]
    score = score_item(gold, found)
    assert score.matched == 1
    assert score.precision == 0.5
    assert match_events(found, gold) == [(0, 0)]


def test_of_two_events_on_one_day_each_pairs_with_the_one_that_agrees() -> None:
    gold = [event(category="meeting", countries=["KZ"]), event(category="training", countries=["KG"])]
    found = [event(category="training", countries=["KG"]), event(category="meeting", countries=["KZ"])]
    assert match_events(gold, found) == [(0, 1), (1, 0)]
    assert score_item(gold, found).fields == 1.0


def test_each_field_is_counted_apart() -> None:
    gold = [event(), event("2024-05-21")]
    found = [event(category="statement", countries=["RU"]), event("2024-05-21", year_inferred=False)]
    score = score_item(gold, found)
    assert score.accuracy("category") == 0.5
    assert score.accuracy("countries") == 0.5
    assert score.accuracy("year_inferred") == 0.5
    assert score.accuracy("status") == 1.0
    assert score.fields == 0.0


def test_countries_compare_as_a_set() -> None:
    score = score_item([event(countries=["KG", "TJ"])], [event(countries=["TJ", "KG"])])
    assert score.accuracy("countries") == 1.0


def test_an_item_without_events_read_as_such_is_right() -> None:
    score = score_item([], [])
    assert (score.precision, score.recall, score.fields) == (1.0, 1.0, 1.0)
    assert score_item([], [event()]).precision == 0.0


def test_scores_pool_by_counts_not_by_averages() -> None:
    one = score_item([event()], [event()])
    other = score_item([event(), event("2024-05-21"), event("2024-05-22")], [])
    pooled = total([one, other])
    assert (pooled.items, pooled.gold, pooled.found, pooled.matched) == (2, 4, 1, 1)
    assert pooled.recall == 0.25
    assert pooled.precision == 1.0
    assert pooled.f1 == pytest.approx(0.4)
    assert total([]) == Score()
    assert set(pooled.right) == set(FIELDS)


def test_a_well_formed_item_has_no_problems() -> None:
    item = {"id": "en-x", "outlet": "TASS", "reference_date": dt.date(2024, 5, 25), "text": "On 20 May ...",
            "events": [event(dt.date(2024, 5, 20), evidence="20 May")]}
    assert check_item(item) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"start": "2024-02-30"}, "invalid date"),
        ({"start": "2024-05-21", "end": "2024-05-20"}, "end 2024-05-20 before start 2024-05-21"),
        ({"start": "2024-05", "end": "2024-05"}, "is not written at day precision"),
        ({"precision": "week"}, "unknown precision"),
        ({"category": "summit"}, "unknown category"),
        ({"status": "done"}, "unknown status"),
        ({"countries": ["XX"]}, "unknown country 'XX'"),
        ({"countries": ["Kazakhstan"]}, "unknown country"),
        ({"anniversary": "yes"}, "anniversary is not true or false"),
        ({"anniversary": True}, "an anniversary is a milestone"),
        ({"colour": "red"}, "unknown key 'colour'"),
    ],
)
def test_malformed_events_are_named(changes: dict[str, Any], problem: str) -> None:
    problems = check_event({**event(), **changes})
    assert any(problem in found for found in problems), problems


def test_a_missing_field_and_foreign_evidence_are_named() -> None:
    incomplete = event()
    del incomplete["status"]
    assert check_event(incomplete) == ["missing status"]
    item = {"id": "ru-x", "reference_date": dt.date(2024, 5, 25), "text": "20 мая ...",
            "events": [event(evidence="20 May")]}
    assert check_item(item) == ["ru-x: event 1: evidence '20 May' is not in the text"]
    assert check_item({"id": "ru-y", "text": "x", "events": []}) == ["ru-y: missing reference_date"]
