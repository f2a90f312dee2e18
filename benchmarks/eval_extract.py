"""Measure the news reader on annotated agency news: how many events it finds, how many of them are
right, and how right their fields are.

Run from the repository root::

    python benchmarks/eval_extract.py [FILE ...] [--details]

The files default to the two halves of the agency corpus (tests/data/news/agency-dev.yaml and
agency-heldout.yaml), the fresh held-out set (agency-fresh.yaml) and the second development set of
published items (agency-dev2.yaml). For each file and pooled, it
prints the items, gold events, events found and matched, date precision, recall and F1, then the
accuracy of each compared field over the matched events and the share of matched events with every
field right. ``--details`` lists, per item, the gold events missed and the events found that match
none (read them on the development half only: the held-out half and the fresh set are for
measuring). Scoring rules: tests/extract/scoring.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from calendar_service.ingest.extract import extract_events, load_gazetteer  # noqa: E402 -- after the path is set
from tests.extract.scoring import FIELDS, Score, match_events, score_item, total, written  # noqa: E402

NEWS = REPO / "tests" / "data" / "news"
DEFAULT_FILES = (
    NEWS / "agency-dev.yaml",
    NEWS / "agency-heldout.yaml",
    NEWS / "agency-fresh.yaml",
    NEWS / "agency-dev2.yaml",
)
SHORT = {"category": "categ", "status": "status", "countries": "countr", "precision": "prec",
         "anniversary": "anniv", "year_inferred": "year_inf"}


def evaluate(path: Path, gazetteer: Any, *, details: bool = False) -> Score:
    """Return the pooled score of one corpus file, printing the misses of each item when asked."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    scores = []
    for item in items:
        gold = item["events"] or []
        found = [
            event.as_json()
            for event in extract_events(item["text"], reference_date=item["reference_date"], gazetteer=gazetteer)
        ]
        scores.append(score_item(gold, found))
        if details:
            _print_misses(item["id"], gold, found)
    return total(scores)


def _print_misses(name: str, gold: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]]) -> None:
    pairs = match_events(gold, found)
    lines = [f"  missed  {_describe(gold[g])}" for g in range(len(gold)) if g not in {p[0] for p in pairs}]
    lines += [f"  extra   {_describe(found[f])}" for f in range(len(found)) if f not in {p[1] for p in pairs}]
    for g, f in pairs:
        wrong = [name for name in FIELDS if _norm(gold[g], name) != _norm(found[f], name)]
        if wrong:
            lines.append(f"  fields  {_describe(gold[g])}: read " + ", ".join(f"{n}={found[f][n]}" for n in wrong))
    if lines:
        print(name)
        print("\n".join(lines))


def _norm(event: Mapping[str, Any], name: str) -> Any:
    return sorted(event.get("countries") or []) if name == "countries" else event.get(name)


def _describe(event: Mapping[str, Any]) -> str:
    countries = ",".join(event.get("countries") or []) or "-"
    return (
        f"{written(event['start'])}..{written(event['end'])} {event['precision']} {event['category']} "
        f"{event['status']} {countries} anniversary={event['anniversary']} year_inferred={event['year_inferred']}"
    )


def render_tables(rows: Sequence[tuple[str, Score]]) -> str:
    """Return the two tables (dates, fields) of the named scores as text."""
    width = max(len(name) for name, _ in rows)
    dates = [f"{'file':<{width}}  items  gold  found  matched  precision  recall     F1"]
    for name, score in rows:
        dates.append(
            f"{name:<{width}}  {score.items:>5}  {score.gold:>4}  {score.found:>5}  {score.matched:>7}"
            f"  {score.precision:>9.3f}  {score.recall:>6.3f}  {score.f1:>5.3f}"
        )
    heads = "  ".join(f"{SHORT[name]:>8}" for name in FIELDS)
    fields = [f"{'file':<{width}}  matched  {heads}       all"]
    for name, score in rows:
        values = "  ".join(f"{score.accuracy(field):>8.3f}" for field in FIELDS)
        fields.append(f"{name:<{width}}  {score.matched:>7}  {values}  {score.fields:>8.3f}")
    return "\n".join([*dates, "", "fields right among matched events", *fields])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--details", action="store_true", help="list the misses of each item")
    args = parser.parse_args(argv)
    gazetteer = load_gazetteer(REPO / "data")
    rows = [(path.name, evaluate(path, gazetteer, details=args.details)) for path in args.files]
    if len(rows) > 1:
        rows.append(("pooled", total(score for _, score in rows)))
    print(render_tables(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
