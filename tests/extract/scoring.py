"""Score the news reader against an annotated corpus: date precision, recall and F1 over events,
and the accuracy of each compared field over the events whose dates match.

Used by ``benchmarks/eval_extract.py`` (the table) and ``tests/extract/test_agency_corpus.py`` (the
floor the reader must hold). Plain functions over plain values: gold and found events are the
dictionaries of the corpus files and of ``ExtractedEvent.as_json()``.

Matching is per item and one-to-one: a found event matches a gold event when both its start and
its end, written at their precision (``2024-05-20``, ``2024-05``, ``2024``), are equal; among
several candidates of the same dates, the one agreeing on the most fields is taken.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pycountry

FIELDS = ("category", "status", "countries", "precision", "anniversary", "year_inferred")
CATEGORIES = frozenset({"meeting", "consultation", "training", "operation", "statement", "milestone", "other"})
STATUSES = frozenset({"held", "planned", "postponed", "cancelled"})
PRECISIONS = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
EVENT_KEYS = frozenset({*FIELDS, "start", "end", "bodies", "evidence", "title"})
ITEM_KEYS = frozenset({"id", "outlet", "reference_date", "text", "events"})


@dataclass(frozen=True)
class Score:
    """Counts over one or more items; the rates are derived from them."""

    items: int = 0
    gold: int = 0
    found: int = 0
    matched: int = 0
    #: per compared field, how many matched events have it right
    right: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    #: matched events with every compared field right
    all_right: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            items=self.items + other.items,
            gold=self.gold + other.gold,
            found=self.found + other.found,
            matched=self.matched + other.matched,
            right={name: self.right[name] + other.right[name] for name in FIELDS},
            all_right=self.all_right + other.all_right,
        )

    @property
    def precision(self) -> float:
        """Share of the events found that match a gold event (1.0 when nothing was found)."""
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Share of the gold events matched (1.0 when there are none)."""
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def accuracy(self, name: str) -> float:
        """Share of the matched events whose field ``name`` is right (1.0 when none matched)."""
        return self.right[name] / self.matched if self.matched else 1.0

    @property
    def fields(self) -> float:
        """Share of the matched events with all compared fields right (1.0 when none matched)."""
        return self.all_right / self.matched if self.matched else 1.0


def written(value: Any) -> str:
    """Return a date of a corpus file or of the reader's JSON as written: ``2024-05-20``, ``2024-05``, ``2024``."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _value(event: Mapping[str, Any], name: str) -> Any:
    value = event.get(name)
    if name == "countries":
        return sorted(set(value or []))
    return value


def _agreeing(gold: Mapping[str, Any], found: Mapping[str, Any]) -> list[str]:
    return [name for name in FIELDS if _value(gold, name) == _value(found, name)]


def match_events(
    gold: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Return the one-to-one pairs (gold index, found index) of events with equal dates, in gold order."""
    free = list(range(len(found)))
    pairs = []
    for g, want in enumerate(gold):
        dates = (written(want["start"]), written(want["end"]))
        candidates = [f for f in free if (written(found[f]["start"]), written(found[f]["end"])) == dates]
        if not candidates:
            continue
        best = max(candidates, key=lambda f: (len(_agreeing(want, found[f])), -f))
        free.remove(best)
        pairs.append((g, best))
    return pairs


def score_item(gold: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]]) -> Score:
    """Score the events found in one item against the item's gold events."""
    pairs = match_events(gold, found)
    right = dict.fromkeys(FIELDS, 0)
    all_right = 0
    for g, f in pairs:
        agreeing = _agreeing(gold[g], found[f])
        for name in agreeing:
            right[name] += 1
        all_right += len(agreeing) == len(FIELDS)
    return Score(items=1, gold=len(gold), found=len(found), matched=len(pairs), right=right, all_right=all_right)


def total(scores: Iterable[Score]) -> Score:
    """Return the pooled score of several items or files."""
    result = Score()
    for score in scores:
        result = result + score
    return result


def check_event(event: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with the shape of one annotated event (nothing when it is well formed)."""
    problems = [f"unknown key {key!r}" for key in sorted(set(event) - EVENT_KEYS)]
    missing = [name for name in ("start", "end", *FIELDS) if name not in event]
    if missing:
        return [*problems, f"missing {', '.join(missing)}"]
    precision = event["precision"]
    if precision not in PRECISIONS:
        return [*problems, f"unknown precision {precision!r}"]
    start, end = written(event["start"]), written(event["end"])
    for name, value in (("start", start), ("end", end)):
        if not PRECISIONS[precision].fullmatch(value):
            problems.append(f"{name} {value!r} is not written at {precision} precision")
    if not problems:
        try:
            first, last = (dt.date.fromisoformat((value + "-01-01")[:10]) for value in (start, end))
        except ValueError as error:
            problems.append(f"invalid date: {error}")
        else:
            if last < first:
                problems.append(f"end {end} before start {start}")
    if event["category"] not in CATEGORIES:
        problems.append(f"unknown category {event['category']!r}")
    if event["status"] not in STATUSES:
        problems.append(f"unknown status {event['status']!r}")
    for flag in ("anniversary", "year_inferred"):
        if not isinstance(event[flag], bool):
            problems.append(f"{flag} is not true or false")
    countries = event["countries"]
    if not isinstance(countries, list):
        problems.append("countries is not a list")
    else:
        problems += [f"unknown country {code!r}" for code in countries if not _is_country(code)]
    if event["anniversary"] and event["category"] != "milestone":
        problems.append("an anniversary is a milestone")
    return problems


def check_item(item: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with the shape of one annotated item, each problem prefixed by its place."""
    name = item.get("id", "?")
    problems = [f"{name}: unknown key {key!r}" for key in sorted(set(item) - ITEM_KEYS)]
    for key in ("id", "reference_date", "text", "events"):
        if key not in item:
            problems.append(f"{name}: missing {key}")
    if problems:
        return problems
    if not isinstance(item["reference_date"], dt.date):
        problems.append(f"{name}: reference_date is not a date")
    if not isinstance(item["text"], str) or not item["text"].strip():
        problems.append(f"{name}: empty text")
    for number, event in enumerate(item["events"] or [], start=1):
        problems += [f"{name}: event {number}: {problem}" for problem in check_event(event)]
        evidence = event.get("evidence")
        if evidence is not None and evidence not in item["text"]:
            problems.append(f"{name}: event {number}: evidence {evidence!r} is not in the text")
    return problems


def _is_country(code: Any) -> bool:
    return isinstance(code, str) and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None
