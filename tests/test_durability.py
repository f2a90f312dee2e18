"""The setting FSYNC: by default every published file, its folder and each SQLite commit wait for the
disk; with ``0`` none does, and what is published is the same."""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from calendar_service import create_app, db, get_settings
from calendar_service.config import load_settings
from calendar_service.publish.build import build_feeds
from calendar_service.publish.files import read_manifest
from tests.conftest import NOW


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kind of each descriptor os.fsync is called on (the real call still runs)."""
    kinds: list[str] = []
    real = os.fsync

    def fsync(descriptor: int) -> None:
        kinds.append("folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    return kinds


def test_fsync_is_on_unless_set_off() -> None:
    assert load_settings({}, environ={}).fsync is True
    assert load_settings({}, environ={"CALENDAR_FSYNC": "0"}).fsync is False


@pytest.mark.parametrize("durable", [True, False])
def test_a_build_syncs_each_file_and_folder_only_when_durable(make_settings: Callable[..., dict[str, Any]],
                                                             synced: list[str], durable: bool) -> None:
    app = create_app(make_settings(FSYNC="1" if durable else "0"))
    settings = get_settings(app)
    factory = db.get_session_factory(app)
    try:
        db.migrate(factory)
        synced.clear()  # the migration's own writes are SQLite's, not os.fsync's
        manifest = build_feeds(factory, settings, now=NOW).manifest
    finally:
        factory.kw["bind"].dispose()
    assert manifest["files"] == read_manifest(settings.feeds_dir)["files"]
    if durable:
        # each object and its gzip twin, the manifest, and the folders their names were made in
        assert synced.count("file") >= 2 * len(manifest["files"]) + 1
        assert synced.count("folder") >= 2
    else:
        assert synced == []


def test_the_same_set_is_published_either_way(make_settings: Callable[..., dict[str, Any]], tmp_path: Path) -> None:
    app = create_app(make_settings())
    settings = get_settings(app)
    factory = db.get_session_factory(app)
    try:
        db.migrate(factory)
        quick = build_feeds(factory, settings, now=NOW).manifest["files"]
        other = tmp_path / "durable"
        other.mkdir()
        durable = build_feeds(factory, dataclasses.replace(settings, feeds_dir=other, fsync=True), now=NOW)
    finally:
        factory.kw["bind"].dispose()
    assert {name: entry["sha256"] for name, entry in quick.items()} == {
        name: entry["sha256"] for name, entry in durable.manifest["files"].items()}
    for name in quick:
        assert (settings.feeds_dir / name).read_bytes() == (other / name).read_bytes()


@pytest.mark.parametrize(("durable", "level"), [(True, 2), (False, 0)])
def test_a_sqlite_store_commits_fully_synced_unless_set_off(tmp_path: Path, durable: bool, level: int) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'calendar.db'}", durable=durable)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == level  # 2 FULL, 0 OFF
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()
