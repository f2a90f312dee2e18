"""Several dataset files load as one dataset: named by DATASET, in one transaction, uids kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.ingest.dataset import dataset_paths, expand_paths, load_dataset, load_datasets, read_datasets
from calendar_service.models import Event
from tests.conftest import DATASET, NOW, REPO

REFERENCE = REPO / "data" / "reference"


def _write(path: Path, *ids: str, start: str = "2020-01-01") -> Path:
    events = [{"id": key, "title": key, "title_ru": key, "start": start, "category": "meeting", "status": "held"}
              for key in ids]
    path.write_text(yaml.safe_dump({"version": 1, "events": events}), encoding="utf-8")
    return path


def _uids(factory: sessionmaker[Session]) -> dict[str, str]:
    with transaction(factory) as session:
        return dict(session.execute(select(Event.key, Event.uid)).all())


def _count(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count(Event.id))) or 0


def test_dataset_paths_reads_files_folders_and_patterns_in_order(tmp_path: Path) -> None:
    _write(tmp_path / "events.yaml", "a")
    (tmp_path / "reference").mkdir()
    for name in ("2010s.yaml", "1990s.yaml", "notes.txt"):
        _write(tmp_path / "reference" / name, name)
    paths, missing = dataset_paths(tmp_path, "events.yaml, reference/*.yaml, reference, extra/*.yaml, gone.yaml")
    assert [path.relative_to(tmp_path).as_posix() for path in paths] == [
        "events.yaml", "reference/1990s.yaml", "reference/2010s.yaml"]  # each file once, sorted within an entry
    assert missing == ["extra/*.yaml", "gone.yaml"]


def test_the_default_setting_names_the_shipped_files() -> None:
    from calendar_service.config import load_settings

    paths, missing = dataset_paths(REPO / "data", load_settings(environ={}).dataset)
    assert paths == [DATASET, *sorted(REFERENCE.glob("*.yaml"))]
    assert missing == []


def test_expand_paths_replaces_a_folder_by_its_yaml_files() -> None:
    assert expand_paths([DATASET, REFERENCE, REFERENCE / "1990s.yaml"]) == [DATASET, *sorted(REFERENCE.glob("*.yaml"))]


def test_a_broken_second_file_stores_nothing(factory: sessionmaker[Session], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("events:\n  - id: x\n    title: X\n    start: '2024-02-30'\n    category: meeting\n"
                      "    status: held\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        load_datasets(factory, [DATASET, broken], now=NOW)
    assert "broken.yaml" in str(raised.value)
    assert _count(factory) == 0


def test_the_same_id_in_two_files_is_refused_naming_both(factory: sessionmaker[Session], tmp_path: Path) -> None:
    first = _write(tmp_path / "first.yaml", "twice", "once")
    second = _write(tmp_path / "second.yaml", "twice")
    with pytest.raises(InvalidInput) as raised:
        read_datasets([first, second])
    problem = raised.value.problems[0]
    assert (problem.source, problem.record, problem.field) == (str(second), "twice", "id")
    assert str(first) in problem.message
    with pytest.raises(InvalidInput):
        load_datasets(factory, [first, second], now=NOW)
    assert _count(factory) == 0


@pytest.mark.slow
def test_loading_the_reference_over_a_store_keeps_every_uid(factory: sessionmaker[Session]) -> None:
    load_dataset(factory, DATASET, now=NOW)
    seed_uids = _uids(factory)
    files = [DATASET, *sorted(REFERENCE.glob("*.yaml"))]
    first = load_datasets(factory, files, now=NOW)
    assert first.updated == []
    assert len(first.unchanged) == len(seed_uids)
    everything = _uids(factory)
    assert {key: everything[key] for key in seed_uids} == seed_uids
    again = load_datasets(factory, files, now=NOW)
    assert again.created == []
    assert again.updated == []
    assert _uids(factory) == everything
    assert len(everything) == len(read_datasets(files)) == len(set(everything.values()))
