"""Atomic publishing: a failed write leaves the previous feed whole; unchanged data, same bytes."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.errors import ConfigurationError, PublishError
from calendar_service.ingest.dataset import load_dataset
from calendar_service.publish.build import build_feeds
from calendar_service.publish.files import publish, read_manifest, write_atomic
from tests.conftest import DATASET, NOW


def test_write_atomic_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "feed.atom"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.atom"]  # no temporary file left


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 failing: str) -> None:
    target = tmp_path / "calendar.ics"
    write_atomic(target, b"BEGIN:VCALENDAR old")

    def disk_full(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "fsync":
        monkeypatch.setattr(os, "fsync", disk_full)
    else:
        monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(PublishError, match="No space left on device"):
        write_atomic(target, b"BEGIN:VCALENDAR new and much longer")
    monkeypatch.undo()
    assert target.read_bytes() == b"BEGIN:VCALENDAR old"
    assert [p.name for p in tmp_path.iterdir()] == ["calendar.ics"]


def test_a_failed_publish_keeps_the_previous_set_described(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tmp_path, {"a.ics": b"one", "b.atom": b"two"}, now=NOW)
    before = read_manifest(tmp_path)
    real = Path.replace

    def fail_on_b(self: Path, target: Path) -> Path:
        if Path(target).name == "b.atom":
            raise OSError(errno.EIO, "I/O error")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", fail_on_b)
    with pytest.raises(PublishError):
        publish(tmp_path, {"a.ics": b"ONE", "b.atom": b"TWO"}, now=NOW)
    monkeypatch.undo()
    # The manifest was not switched: it names the previous objects, which are still there.
    assert read_manifest(tmp_path) == before
    for entry, data in zip(before["files"].values(), (b"one", b"two"), strict=True):
        assert (tmp_path / entry["object"]).read_bytes() == data
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert (tmp_path / "b.atom").read_bytes() == b"two"  # every published name is whole


def test_unchanged_data_renders_byte_identical_files(factory: sessionmaker[Session], app: Flask) -> None:
    settings = get_settings(app)
    load_dataset(factory, DATASET, now=NOW)
    first = build_feeds(factory, settings, now=NOW)
    feeds = settings.feeds_dir
    snapshot = {name: (feeds / name).read_bytes() for name in first.manifest["files"]}
    second = build_feeds(factory, settings, now=NOW + dt.timedelta(hours=3))
    assert {name: (feeds / name).read_bytes() for name in second.manifest["files"]} == snapshot
    for name, entry in second.manifest["files"].items():
        # same sha256 (ETag) and the Last-Modified of the first render
        assert entry == first.manifest["files"][name]
    assert json.loads((feeds / "manifest.json").read_text())["published_at"].startswith("2025-01-15T12:00")


def test_missing_feeds_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        publish(tmp_path / "nope", {"a.ics": b"x"}, now=NOW)
