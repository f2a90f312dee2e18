"""Imports keep what people made: the origin of every value decides what a news import may change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.cli import main
from calendar_service.dates import Precision
from calendar_service.ingest.extract.gazetteer import packaged_gazetteer
from calendar_service.models import Event, Notice
from calendar_service.store.provenance import Origin, merge_fields
from calendar_service.store.queries import get_store_revision
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, REPO

NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
SEED = REPO / "data" / "csto-news.txt"


@pytest.fixture
def news_store(tmp_path: Path, make_database_url: Callable[..., str]) -> tuple[CliRunner, sessionmaker[Session]]:
    """The CLI and a session factory on one database, with the shipped gazetteer."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(packaged_gazetteer(), data_dir / "gazetteer.yaml")
    (tmp_path / "feeds").mkdir()
    url = make_database_url()
    runner = CliRunner(env={"CALENDAR_DATA_DIR": str(data_dir), "CALENDAR_FEEDS_DIR": str(tmp_path / "feeds"),
                            "CALENDAR_DATABASE_URL": url})
    factory = db.make_session_factory(url)
    yield runner, factory
    factory.kw["bind"].dispose()


def _state(factory: sessionmaker[Session]) -> tuple[Any, ...]:
    """Every stored event column, the notices and the store revision."""
    with db.transaction(factory) as session:
        events = [{column.key: getattr(event, column.key) for column in Event.__mapper__.column_attrs}
                  for event in session.scalars(select(Event).order_by(Event.key))]
        notices = session.scalar(select(func.count()).select_from(Notice))
        return events, notices, get_store_revision(session)


def test_importing_the_seed_over_the_dataset_changes_nothing_and_reports_differences(
    news_store: tuple[CliRunner, sessionmaker[Session]]
) -> None:
    runner, factory = news_store
    loaded = runner.invoke(main, ["load", str(DATASET)])
    assert loaded.exit_code == 0, loaded.output
    before = _state(factory)
    dry = runner.invoke(main, ["import", str(SEED), "--reference-date", "2025-01-15", "--dry-run"])
    real = runner.invoke(main, ["import", str(SEED), "--reference-date", "2025-01-15"])
    assert real.exit_code == 0, real.output
    after = _state(factory)
    assert after == before  # no update, no sequence bump, no notice, no new revision
    assert all(event["sequence"] == 0 and event["origin"] == "dataset" for event in after[0])
    summary, *kept = real.output.splitlines()
    # The dataset and the seed agree on every fact (the 2022 operation's venue included): nothing to propose.
    assert summary.startswith(f"{SEED}: 12 events: 0 created, 0 updated, 12 unchanged, 0 proposed; ")
    assert kept
    assert dry.output.splitlines()[1:] == kept  # the dry run reports the same differences
    assert dry.output.splitlines()[0].endswith("(dry run: nothing stored)")
    # The dataset's title of the founding treaty is kept; what the text reads is named beside it.
    assert ("  kept news:anniversary:1992-05-15 title: stored 'Signing of the Collective Security Treaty' "
            "(dataset), read 'Conclusion of the Collective Security Treaty'") in kept
    assert not any(line.startswith("  kept news:operation:csto:2022-01 country:") for line in kept)
    with db.transaction(factory) as session:
        titles_ru = session.scalars(select(Event.title_ru)).all()
    assert len(titles_ru) == 12
    assert all(titles_ru)  # the seed is English: no Russian title is erased


def test_a_venue_the_dataset_leaves_empty_is_reported_not_filled(
    news_store: tuple[CliRunner, sessionmaker[Session]], tmp_path: Path
) -> None:
    runner, factory = news_store
    text = DATASET.read_text(encoding="utf-8")
    venue = "    country: KZ\n    countries: [KZ]\n    bodies: [CSTO Collective Peacekeeping Forces]\n"
    assert text.count(venue) == 1  # the 2022 operation's venue, the one the seed names too
    unplaced = tmp_path / "events.yaml"
    unplaced.write_text(text.replace(venue, venue.removeprefix("    country: KZ\n")), encoding="utf-8")
    assert runner.invoke(main, ["load", str(unplaced)]).exit_code == 0
    before = _state(factory)
    real = runner.invoke(main, ["import", str(SEED), "--reference-date", "2025-01-15"])
    assert real.exit_code == 0, real.output
    assert _state(factory) == before  # the empty venue is the dataset's too: not filled, and never a move
    summary, *reported = real.output.splitlines()
    assert " 12 unchanged, 1 proposed; " in summary
    assert any(line.startswith("  proposed #1 news:operation:csto:2022-01 country: stored (empty) (dataset), read 'KZ'")
               for line in reported), reported


def test_the_dataset_loaded_over_an_import_takes_over(news_store: tuple[CliRunner, sessionmaker[Session]]) -> None:
    runner, factory = news_store
    assert runner.invoke(main, ["import", str(SEED), "--reference-date", "2025-01-15", "--publish"]).exit_code == 0
    loaded = runner.invoke(main, ["load", str(DATASET)])
    assert loaded.output == f"{DATASET}: 0 created, 12 updated, 0 unchanged\n"
    again = runner.invoke(main, ["import", str(SEED), "--reference-date", "2025-01-15"])
    assert " 0 updated, 12 unchanged, " in again.output
    with db.transaction(factory) as session:
        treaty = session.scalar(select(Event).where(Event.key == "news:anniversary:1992-05-15"))
        assert treaty is not None
        assert (treaty.title, treaty.origin, treaty.field_origins["title"]) == (
            "Signing of the Collective Security Treaty", "import", "dataset")


def _record(**changes: Any) -> EventRecord:
    record = EventRecord(key="news:meeting:test", title="Meeting of the CSTO Council", start=dt.date(2025, 3, 4),
                         end=dt.date(2025, 3, 4), precision=Precision.DAY, category=Category.MEETING,
                         status=Status.PLANNED)
    return dataclasses.replace(record, **changes)


def _write(factory: sessionmaker[Session], record: EventRecord, origin: Origin, hours: int) -> Any:
    with db.transaction(factory) as session:
        return upsert_records(session, [record], now=NOW + dt.timedelta(hours=hours), origin=origin)


def _changed_notices(factory: sessionmaker[Session]) -> list[str]:
    with db.transaction(factory) as session:
        return list(session.scalars(select(Notice.title).where(Notice.kind == "changed").order_by(Notice.id)))


def test_a_place_filled_in_by_a_later_import_is_no_move(news_store: tuple[CliRunner, sessionmaker[Session]]) -> None:
    _, factory = news_store
    db.migrate(factory)
    _write(factory, _record(), Origin.IMPORT, 0)
    filled = _write(factory, _record(city="Minsk", country="BY"), Origin.IMPORT, 1)
    assert len(filled.updated) == 1  # the newer text fills the place in: a new sequence for calendars
    assert _changed_notices(factory) == []
    _write(factory, _record(city="Astana", country="KZ"), Origin.IMPORT, 2)
    notices = _changed_notices(factory)
    assert len(notices) == 1
    assert notices[0].startswith("Moved: Meeting of the CSTO Council, now in Astana, Kazakhstan, was Minsk, Belarus")


def test_an_import_never_moves_dates_people_set(news_store: tuple[CliRunner, sessionmaker[Session]]) -> None:
    _, factory = news_store
    db.migrate(factory)
    _write(factory, _record(title_ru="Заседание Совета ОДКБ"), Origin.DATASET, 0)
    later = _record(start=dt.date(2025, 3, 5), end=dt.date(2025, 3, 5), summary="Read from the news.")
    result = _write(factory, later, Origin.IMPORT, 1)
    assert result.updated == []
    assert [(d.field, d.stored, d.read) for d in result.differences] == [
        ("start", dt.date(2025, 3, 4), dt.date(2025, 3, 5)),
        ("end", dt.date(2025, 3, 4), dt.date(2025, 3, 5)),
        ("summary", "", "Read from the news."),
    ]
    with db.transaction(factory) as session:
        event = session.scalar(select(Event))
        assert event is not None
        assert (event.start_date, event.title_ru, event.sequence) == (dt.date(2025, 3, 4), "Заседание Совета ОДКБ", 0)
    assert _changed_notices(factory) == []


def test_merge_fields_ranks_editor_over_dataset_over_import() -> None:
    stored = {"title": "Editor's title", "title_ru": "Заголовок", "city": None, "summary": "kept"}
    origins = {"title": "editor", "title_ru": "import", "city": "import", "summary": "dataset"}
    merge = merge_fields("k", stored, origins, {"title": "Dataset title", "title_ru": None, "city": "Minsk",
                                                 "summary": "kept"}, Origin.DATASET)
    assert merge.changes == {"title_ru": None, "city": "Minsk"}  # the dataset may clear what an import read
    assert [(d.field, d.origin) for d in merge.differences] == [("title", "editor")]
    by_import = merge_fields("k", stored, origins, {"title_ru": None, "city": "Minsk", "summary": "other"},
                             Origin.IMPORT)
    assert by_import.changes == {"city": "Minsk"}  # an import's silence erases nothing; it fills what it owns
    assert [d.field for d in by_import.differences] == ["summary"]
    # A value the dataset confirms becomes the dataset's, without a change.
    confirmed = merge_fields("k", {"city": "Minsk"}, {"city": "import"}, {"city": "Minsk"}, Origin.DATASET)
    assert (confirmed.changes, confirmed.origins) == ({}, {"city": "dataset"})


def test_rows_stored_before_origins_were_kept_are_treated_as_made_by_people() -> None:
    merge = merge_fields("k", {"title": "Old"}, {}, {"title": "New"}, Origin.IMPORT)
    assert merge.changes == {}
    assert [(d.stored, d.read, d.origin) for d in merge.differences] == [("Old", "New", "unknown")]
    assert merge_fields("k", {"title": "Old"}, {}, {"title": "New"}, Origin.DATASET).changes == {"title": "New"}


def test_another_report_of_an_event_does_not_reword_it_but_may_move_it() -> None:
    stored = {"title": "Council meets in Minsk", "summary": "First wording.", "evidence": "On 14 March …",
              "published_date": dt.date(2025, 3, 1), "start_date": dt.date(2025, 3, 14), "title_ru": None}
    origins = dict.fromkeys(stored, "source")
    read = {"title": "CSTO Council to meet", "summary": "Second wording.", "evidence": "The session on 15 March …",
            "published_date": dt.date(2025, 3, 2), "start_date": dt.date(2025, 3, 15), "title_ru": "Совет ОДКБ"}
    for origin in (Origin.SOURCE, Origin.IMPORT):
        merge = merge_fields("k", stored, origins, read, origin)
        # the date moved, and the Russian title was missing: both written; the wording stays
        assert merge.changes == {"start_date": dt.date(2025, 3, 15), "title_ru": "Совет ОДКБ"}
        assert merge.differences == ()
    # An .ics file is its owner's calendar: its new wording is written.
    assert set(merge_fields("k", stored, dict.fromkeys(stored, "ics"), read, Origin.ICS).changes) == set(read)
