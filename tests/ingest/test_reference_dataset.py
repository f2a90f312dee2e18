"""The shipped reference dataset (``data/reference/*.yaml``): every record checked through the real loader.

Valid, sourced, in both languages, one record per happening, anniversaries on the founding acts
only, nothing repeated from ``data/events.yaml`` (whose ids are the news reader's keys), no past
event left ``planned`` without a note saying why, and a Collective Security Council session in every
year or a line in ``docs/data.md`` saying why there is none.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from calendar_service.dates import Precision
from calendar_service.ingest.dataset import read_dataset, read_datasets
from calendar_service.store.records import Category, EventRecord, Status
from tests.conftest import DATASET, REPO

REFERENCE = sorted((REPO / "data" / "reference").glob("*.yaml"))
DATA_DOC = REPO / "docs" / "data.md"
#: Ids published with a coarser date than the one later reports gave; an id never changes.
REFINED_IDS = {"ref:csc:2004-06": "2004-06-18", "ref:cmfa:2018-06": "2018-06-11"}
COUNCIL = "CSTO Collective Security Council"


@functools.cache
def _raw(path: Path) -> dict[str, Any]:
    """Read a dataset file as plain strings, for the fields the loader checks but does not keep."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CBaseLoader)  # plain strings: dates stay text


def _as_of() -> dt.date:
    days = {_raw(path)["as_of"] for path in REFERENCE}
    assert len(days) == 1, days  # the files are checked together, on one day
    return dt.date.fromisoformat(days.pop())


#: The day the reference files were last checked against the reporting (their ``as_of``, not the
#: wall clock): nothing after it can be known to have happened.
AS_OF = _as_of()
#: The acts the Organization commemorates: the Treaty (signed 15 May 1992, in force 20 April 1994)
#: and the Charter with the Agreement on the legal status (signed 7 October 2002, in force 18 September 2003).
FOUNDING_ACTS = {
    "news:anniversary:1992-05-15": dt.date(1992, 5, 15),
    "ref:act:treaty-in-force:1994-04-20": dt.date(1994, 4, 20),
    "ref:act:charter:2002-10-07": dt.date(2002, 10, 7),
    "ref:act:charter-in-force:2003-09-18": dt.date(2003, 9, 18),
}
ID_RE = re.compile(r"^ref:[a-z0-9-]+(?::[a-z0-9-]+)*:(\d{4}(?:-\d{2}){0,2})$")


@pytest.fixture(scope="module")
def reference() -> list[EventRecord]:
    return read_datasets(REFERENCE)


@pytest.fixture(scope="module")
def shipped() -> list[EventRecord]:
    return read_datasets([DATASET, *REFERENCE])


def _place(record: EventRecord) -> tuple[str | None, str | None]:
    return record.city, record.country


def test_every_file_loads_through_the_real_loader() -> None:
    assert [path.name for path in REFERENCE] == ["1990s.yaml", "2000s.yaml", "2010s.yaml", "2020s.yaml"]
    for path in REFERENCE:
        records = read_dataset(path)
        decade = int(path.stem[:4])
        assert records, path
        assert all(decade <= record.start.year < decade + 10 for record in records), path


def test_the_shipped_calendar_holds_at_least_150_events_from_1992_to_today(shipped: list[EventRecord]) -> None:
    assert len(shipped) >= 150
    assert min(record.start for record in shipped) == dt.date(1992, 5, 15)
    years = {record.start.year for record in shipped}
    assert {1993, 1994, 1999, 2002, 2003, 2009, 2012, 2022, 2025, 2026} <= years


def test_the_seed_dataset_is_left_as_it_was(shipped: list[EventRecord]) -> None:
    seed = read_dataset(DATASET)
    assert len(seed) == 12
    assert all(record.key.startswith("news:") for record in seed)
    assert not any(record.key.startswith("news:") for record in read_datasets(REFERENCE))


def test_every_record_is_sourced(shipped: list[EventRecord]) -> None:
    for record in shipped:
        assert re.fullmatch(r"https?://\S+", record.source_url or ""), record.key
        assert (record.evidence or "").strip(), record.key


def test_every_record_has_both_languages(shipped: list[EventRecord], reference: list[EventRecord]) -> None:
    for record in shipped:
        assert record.title.strip(), record.key
        assert re.search(r"[А-Яа-яЁё]", record.title_ru or ""), record.key
    for record in reference:  # the seed's summaries are the reader's English ones
        assert bool(record.summary) == bool(record.summary_ru), record.key


def test_reference_ids_follow_the_scheme_and_name_the_start(reference: list[EventRecord]) -> None:
    written = {Precision.DAY: "%Y-%m-%d", Precision.MONTH: "%Y-%m", Precision.YEAR: "%Y"}
    for record in reference:
        match = ID_RE.match(record.key)
        assert match, record.key
        # the start at its precision; an exercise's id carries the year of its name (Rubezh-2005)
        start = record.start.strftime(written[record.precision])
        assert start.startswith(match[1]), record.key
        if record.key in REFINED_IDS:
            assert start == REFINED_IDS[record.key], record.key
        elif not record.key.startswith("ref:exercise:"):
            assert match[1] == start, record.key


def test_no_two_records_for_the_same_happening(reference: list[EventRecord], shipped: list[EventRecord]) -> None:
    by_key: dict[tuple[object, ...], list[EventRecord]] = defaultdict(list)
    for record in shipped:
        by_key[(record.category, record.start, record.precision, *_place(record))].append(record)
    reference_keys = {record.key for record in reference}
    for same, records in by_key.items():
        if len(records) == 1:
            continue
        # Records sharing a category, a start and a place are told apart by their bodies: the seed's
        # news-reader records of one day, or a year's exercise series announced without dates or hosts.
        assert len({record.bodies for record in records}) == len(records), same
        if reference_keys & {record.key for record in records}:
            assert same[2] is not Precision.DAY, same  # two reference records on one day in one place are one


def test_anniversaries_only_on_the_founding_acts(shipped: list[EventRecord]) -> None:
    commemorated = {record.key: record for record in shipped if record.anniversary}
    assert {key: record.start for key, record in commemorated.items()} == FOUNDING_ACTS
    for record in commemorated.values():
        assert record.category is Category.MILESTONE
        assert record.precision is Precision.DAY
        assert record.status is Status.HELD


def test_nothing_after_the_as_of_day_is_called_held(shipped: list[EventRecord]) -> None:
    assert AS_OF.year >= 2026
    for record in shipped:
        if record.start > AS_OF:
            assert record.status is not Status.HELD, record.key


def test_a_past_event_still_planned_says_why_in_a_note(shipped: list[EventRecord]) -> None:
    notes = {
        event["id"]: event.get("note", "")
        for path in [DATASET, *REFERENCE]
        for event in _raw(path)["events"]
    }
    overdue = [record for record in shipped if record.status is Status.PLANNED and record.end < AS_OF]
    assert overdue  # the check below must have something to look at
    for record in overdue:
        assert len(notes[record.key].split()) >= 8, f"{record.key} ended before {AS_OF} and is still planned"


def _years_without_a_session() -> dict[int, str]:
    """Read the years ``docs/data.md`` lists as having no Council session in the dataset, with the reason."""
    text = DATA_DOC.read_text(encoding="utf-8")
    section = text.split("#### Years without a Council session", 1)[1].split("\n#", 1)[0]
    return {int(year): reason.strip() for year, reason in re.findall(r"^- \*\*(\d{4})\*\*: (.+)$", section, re.M)}


def test_every_year_has_a_council_session_or_says_why_not(reference: list[EventRecord]) -> None:
    sessions = {
        record.start.year
        for record in reference
        if record.category is Category.MEETING and COUNCIL in record.bodies
        and record.status in (Status.HELD, Status.PLANNED)
    }
    explained = _years_without_a_session()
    assert all(len(reason.split()) >= 5 for reason in explained.values()), explained
    assert not sessions & set(explained), "a year the documentation calls empty has a session"
    for year in range(1992, AS_OF.year + 1):
        assert year in sessions or year in explained, year


def test_the_upcoming_meetings_are_announced(reference: list[EventRecord]) -> None:
    planned_2026 = {record.key for record in reference if record.start.year == 2026 and record.status is Status.PLANNED}
    assert {"ref:csc:2026-11-11", "ref:cmfa:2026-06", "ref:cssc:2026-05"} <= planned_2026
    ahead = {record.key for record in reference if record.start > AS_OF}
    assert {"ref:exercise:interaction:2027", "ref:exercise:indestructible-brotherhood:2027"} <= ahead
    assert all(record.status is Status.PLANNED for record in reference if record.start > AS_OF)


def test_the_kazakhstan_deployment_is_told_day_by_day(reference: list[EventRecord]) -> None:
    days = sorted(record.start for record in reference if record.key.startswith("ref:operation:kazakhstan:"))
    assert days[0] == dt.date(2022, 1, 5)
    assert days[-1] == dt.date(2022, 1, 19)
    assert all(record.precision is Precision.DAY for record in reference if record.key.startswith("ref:operation:"
                                                                                                    "kazakhstan:"))


def test_every_session_series_is_present(reference: list[EventRecord]) -> None:
    kinds = defaultdict(int)
    for record in reference:
        kinds[record.key.split(":")[1]] += 1
        if record.key.startswith("ref:exercise:"):
            kinds[record.key.split(":")[2]] += 1
    assert kinds["csc"] >= 30
    for kind in ("cmfa", "cmd", "cssc", "interaction", "rubezh", "search", "kobalt", "indestructible-brotherhood"):
        assert kinds[kind] >= 1, kind


def test_the_readme_states_the_stats_of_the_shipped_data(shipped: list[EventRecord]) -> None:
    from calendar_service.cli.stats import format_counts
    from calendar_service.store.stats import tally

    table = format_counts(tally((record.start, record.category) for record in shipped))
    assert table in (REPO / "docs" / "data.md").read_text(encoding="utf-8")
    assert table in (REPO / "README.md").read_text(encoding="utf-8")
    years = sorted(record.start.year for record in shipped)
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"It ships with {len(shipped)} sourced events, {years[0]}–{years[-1]} (" in readme
