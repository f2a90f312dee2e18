"""Fixtures of the extraction tests: the repository's gazetteer, an extraction callable, the corpus,
the test's own store and a CLI runner with a DATA_DIR of its own (the gazetteer is the one shipped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.ingest.extract import ExtractedEvent, Gazetteer, extract_events, load_gazetteer

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
NEWS = Path(__file__).resolve().parents[1] / "data" / "news"
SEED = NEWS / "csto-news.txt"
REFERENCE = dt.date(2025, 1, 15)
NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)


def news_file(name: str) -> Path:
    """Return a test input of tests/data/news by name."""
    return NEWS / name


def load_corpus(name: str = "corpus.yaml") -> list[dict[str, Any]]:
    """Return the items of an annotated corpus of tests/data/news (by default corpus.yaml)."""
    return yaml.load((NEWS / name).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture
def extract(gazetteer: Gazetteer) -> Callable[..., list[ExtractedEvent]]:
    """Return ``extract(text, reference_date=2025-01-15)`` -> events."""

    def run(text: str, reference_date: dt.date | str = REFERENCE) -> list[ExtractedEvent]:
        if isinstance(reference_date, str):
            reference_date = dt.date.fromisoformat(reference_date)
        return extract_events(text, reference_date=reference_date, gazetteer=gazetteer)

    return run


@pytest.fixture
def extract_one(extract: Callable[..., list[ExtractedEvent]]) -> Callable[..., ExtractedEvent]:
    """Return ``extract_one(text, reference_date)`` -> the only event, failing when there are more."""

    def run(text: str, reference_date: dt.date | str = REFERENCE) -> ExtractedEvent:
        events = extract(text, reference_date)
        assert len(events) == 1, [event.as_json() for event in events]
        return events[0]

    return run


@pytest.fixture
def store(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """A session factory on the test's own store, migrated to the newest schema."""
    return factory


@pytest.fixture
def news_runner(tmp_path: Path, make_database_url: Callable[..., str]) -> CliRunner:
    """A CLI runner with a data folder in tmp_path and an empty database (the gazetteer is the one shipped)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (tmp_path / "feeds").mkdir()
    return CliRunner(
        env={
            "CALENDAR_DATA_DIR": str(data_dir),
            "CALENDAR_FEEDS_DIR": str(tmp_path / "feeds"),
            "CALENDAR_DATABASE_URL": make_database_url("news.db"),
        }
    )
