"""Durable before named, overlapped with the next document; older objects pruned as a step of their own."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import functools
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.errors import PublishError
from calendar_service.ingest.dataset import read_dataset
from calendar_service.publish.build import build_feeds
from calendar_service.publish.durable import Settler, start_writeback
from calendar_service.publish.files import OBJECTS, prune_objects, publish, read_manifest
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, NOW


def _objects(feeds: Path) -> set[str]:
    return {f"{OBJECTS}/{path.name}" for path in (feeds / OBJECTS).iterdir()}


def _named(manifest: dict[str, Any]) -> set[str]:
    return {entry[key] for entry in manifest["files"].values() for key in ("object", "gzip_object")}


def test_every_object_is_durable_before_it_takes_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: set[int] = set()  # inodes made durable
    named: list[tuple[str, bool]] = []
    real_fsync, real_replace = os.fsync, Path.replace

    def fsync(descriptor: int) -> None:
        real_fsync(descriptor)
        synced.add(os.fstat(descriptor).st_ino)

    def replace(self: Path, target: Path) -> Path:
        named.append((Path(target).name, self.stat().st_ino in synced))
        return real_replace(self, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace)
    manifest = publish(tmp_path, {"calendar.ics": iter([b"BEGIN:VCALENDAR", b" one"]), "feed.atom": b"<feed/>"},
                       now=NOW)
    objects = {Path(name).name for name in _named(manifest)}
    assert objects <= {name for name, _ in named}
    assert all(durable for name, durable in named if name in objects), named
    assert ("manifest.json", True) in named
    assert [name for name, _ in named][-1] == "manifest.json"  # the switch comes after every object


def test_the_next_document_is_written_while_the_previous_one_is_made_durable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    second_begun = threading.Event()
    real_fsync = os.fsync
    waited: list[bool] = []

    def fsync(descriptor: int) -> None:
        if not waited and threading.current_thread() is not threading.main_thread():
            # The first object's fsync ends only once the next document is being written.
            waited.append(second_begun.wait(timeout=30))
        real_fsync(descriptor)

    def second() -> Iterator[bytes]:
        second_begun.set()
        yield b"<feed>second</feed>"

    monkeypatch.setattr(os, "fsync", fsync)
    manifest = publish(tmp_path, {"a.ics": b"BEGIN:VCALENDAR first", "b.atom": second()}, now=NOW)
    assert waited == [True]
    assert (tmp_path / "b.atom").read_bytes() == b"<feed>second</feed>"
    assert _named(manifest) <= _objects(tmp_path)


def test_a_failure_to_make_an_object_durable_keeps_the_previous_set(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tmp_path, {"calendar.ics": b"BEGIN:VCALENDAR old"}, now=NOW)
    before = read_manifest(tmp_path)

    def disk_full(_descriptor: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(PublishError, match="Input/output error"):
        publish(tmp_path, {"calendar.ics": b"BEGIN:VCALENDAR new", "feed.atom": b"<feed/>"},
                now=NOW + dt.timedelta(hours=1))
    monkeypatch.undo()
    assert read_manifest(tmp_path) == before
    assert (tmp_path / "calendar.ics").read_bytes() == b"BEGIN:VCALENDAR old"
    assert not list(tmp_path.rglob(".*.tmp"))


def test_the_settler_runs_jobs_in_order_and_raises_the_first_error_after_all() -> None:
    done: list[int] = []

    def job(number: int) -> None:
        done.append(number)
        if number in (2, 4):
            raise OSError(errno.ENOSPC, f"job {number}")

    with Settler() as settler:
        for number in range(6):
            settler.submit(functools.partial(job, number))
        with pytest.raises(OSError, match="job 2"):
            settler.wait()
    assert done == list(range(6))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sync_file_range(2) is Linux's")
def test_writeback_can_be_started_on_linux(tmp_path: Path) -> None:
    with (tmp_path / "object").open("wb") as stream:
        stream.write(b"x" * 100_000)
        stream.flush()
        assert start_writeback(stream.fileno())
    assert not start_writeback(-1)  # a bad descriptor: refused, never raised


def test_objects_of_older_sets_stay_until_pruned(tmp_path: Path) -> None:
    sets = [publish(tmp_path, {"calendar.ics": b"BEGIN:VCALENDAR %d" % number}, now=NOW + dt.timedelta(hours=number),
                    prune=False) for number in range(3)]
    assert _named(sets[0]) | _named(sets[1]) | _named(sets[2]) == _objects(tmp_path)
    assert prune_objects(tmp_path, sets[2], sets[1]) == 2  # the first set's object and twin
    assert _objects(tmp_path) == _named(sets[1]) | _named(sets[2])
    assert prune_objects(tmp_path, sets[2], sets[1]) == 0


def test_a_build_prunes_what_neither_its_set_nor_the_one_before_names(loaded: Flask,
                                                                      factory: sessionmaker[Session]) -> None:
    settings = get_settings(loaded)
    feeds = settings.feeds_dir
    record = next(r for r in read_dataset(DATASET) if r.key.startswith("news:meeting:working-group-on-afghanistan"))
    manifests = [read_manifest(feeds)]
    for days in (1, 2):
        with transaction(factory) as session:
            upsert_records(session, [dataclasses.replace(record, start=record.start + dt.timedelta(days=days),
                                                         end=record.end + dt.timedelta(days=days))],
                           now=NOW + dt.timedelta(hours=days))
        result = build_feeds(factory, settings, now=NOW + dt.timedelta(hours=days))
        manifests.append(dict(result.manifest))
        assert set(result.phases) == {"written", "durable", "switched", "published", "pruned"}
    gone = _named(manifests[0]) - _named(manifests[1]) - _named(manifests[2])
    assert gone  # the edit changed calendars: the first set's own objects are gone
    assert not gone & _objects(feeds)
    assert {name.removesuffix(".idx") for name in _objects(feeds)} == _named(manifests[1]) | _named(manifests[2])


def test_a_prune_after_another_publish_leaves_it_to_that_one(tmp_path: Path) -> None:
    first = publish(tmp_path, {"calendar.ics": b"BEGIN:VCALENDAR 1"}, now=NOW)
    second = publish(tmp_path, {"calendar.ics": b"BEGIN:VCALENDAR 2"}, now=NOW + dt.timedelta(hours=1), prune=False)
    publish(tmp_path, {"calendar.ics": b"BEGIN:VCALENDAR 1"}, now=NOW + dt.timedelta(hours=2), prune=False)
    assert prune_objects(tmp_path, second, first) == 0  # the first set's objects are named again
    assert _named(read_manifest(tmp_path)) <= _objects(tmp_path)
    assert (tmp_path / "calendar.ics").read_bytes() == b"BEGIN:VCALENDAR 1"
