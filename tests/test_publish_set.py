"""Publishing as a set: a build that dies or fails at any write leaves every served ETag matching
the bytes served, the whole previous set or the whole new one, never a mix, and never one ETag
for two different bodies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import gzip
import hashlib
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.errors import PublishError
from calendar_service.ingest.dataset import read_dataset
from calendar_service.publish.files import OBJECTS, publish, read_manifest
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, NOW
from tests.process import Process
from tests.warm import Warm

#: Reads numbers N on stdin, one a line; for each, a forked child builds the feeds and SIGKILLs
#: itself right after its Nth file-system switch (rename or link), or with N = 0 finishes and says
#: how many there were. The parent prints how each child ended. One process imports the service
#: once; each build is a process of its own, killed for real.
KILLING_BUILDS = """
import datetime as dt, os, pathlib, signal, sys, traceback
from calendar_service import db
from calendar_service.config import load_settings
from calendar_service.publish.build import build_feeds

real_replace, real_link = pathlib.Path.replace, os.link
settings, now = load_settings(), dt.datetime.fromisoformat(sys.argv[1])

def build(limit):
    count = 0

    def tick():
        nonlocal count
        count += 1
        if count == limit:
            os.kill(os.getpid(), signal.SIGKILL)

    def replace(self, target):
        result = real_replace(self, target)
        tick()
        return result

    def link(*args, **kwargs):
        real_link(*args, **kwargs)
        tick()

    pathlib.Path.replace, os.link = replace, link
    build_feeds(db.make_session_factory(settings.database_url), settings, now=now)
    print("switches", count, flush=True)

for line in sys.stdin:
    child = os.fork()
    if child == 0:
        try:
            build(int(line))
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(child, 0)
    print("ended", os.waitstatus_to_exitcode(status), flush=True)
"""


def _file_etag(path: Path) -> str:
    """nginx's ETag of a file (``ngx_http_set_etag``): modification time in seconds and size, in hex."""
    status = path.stat()
    return f'"{int(status.st_mtime):x}-{status.st_size:x}"'


def _served(client: FlaskClient, etags: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """GET every file the manifest names, plain and gzip; check each ETag against the bytes served.

    Each ETag is the one nginx gives the object holding those bytes, and in ``etags`` (kept by the
    caller across publishes) an ETag stands for one body only.
    """
    feeds = get_settings(client.application).feeds_dir
    manifest = read_manifest(feeds)["files"]
    assert manifest
    etags = {} if etags is None else etags
    served = {}
    for name, entry in sorted(manifest.items()):
        plain = client.get(f"/{name}")
        assert plain.status_code == 200, name
        assert hashlib.sha256(plain.data).hexdigest() == entry["sha256"], name
        assert plain.headers["ETag"] == _file_etag(feeds / entry["object"]), name
        packed = client.get(f"/{name}", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert packed.headers["ETag"] == _file_etag(feeds / entry["gzip_object"]), name
        unpacked = gzip.decompress(packed.data)
        assert unpacked == plain.data, name
        for etag, body in ((plain.headers["ETag"], plain.data), (packed.headers["ETag"], packed.data)):
            assert etags.setdefault(f"{name} {etag}", body) == body, (name, etag)
        assert client.get(f"/{name}", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
        served[name] = plain.data
    return served


def _on_disk(feeds: Path, names: list[str]) -> dict[str, bytes]:
    return {name: (feeds / name).read_bytes() for name in names}


@pytest.fixture
def two_sets(loaded: Flask, factory: sessionmaker[Session], tmp_path: Path) -> dict[str, Any]:
    """Set A published in the feeds folder (kept in a copy), the store changed so that a build gives set B."""
    feeds = get_settings(loaded).feeds_dir
    client = loaded.test_client()
    etags: dict[str, bytes] = {}
    old = _served(client, etags)
    snapshot = tmp_path / "feeds-a"
    shutil.copytree(feeds, snapshot, symlinks=True)
    record = next(r for r in read_dataset(DATASET) if r.key.startswith("news:meeting:working-group-on-afghanistan"))
    day = dt.timedelta(days=1)
    moved = dataclasses.replace(record, start=record.start + day, end=record.end + day)
    with transaction(factory) as session:
        upsert_records(session, [moved], now=NOW + dt.timedelta(hours=1))

    def restore() -> None:
        shutil.rmtree(feeds)
        shutil.copytree(snapshot, feeds, symlinks=True)

    return {"feeds": feeds, "client": client, "old": old, "restore": restore, "etags": etags}


def _check(two_sets: dict[str, Any], new: dict[str, bytes]) -> str:
    served = _served(two_sets["client"], two_sets["etags"])
    assert served in (two_sets["old"], new)
    for name, data in _on_disk(two_sets["feeds"], sorted(served)).items():
        assert data in (two_sets["old"].get(name), new.get(name)), name  # each published name is whole
    return "old" if served == two_sets["old"] else "new"


#: Two small sets: one file changes, one stays, one goes, one comes.
SET_A = {"calendar.ics": b"BEGIN:VCALENDAR A", "feed.atom": b"<feed>A</feed>", "feed.rss": b"<rss>same</rss>",
         "calendars/kz.ics": b"BEGIN:VCALENDAR KZ"}
SET_B = {"calendar.ics": b"BEGIN:VCALENDAR B, longer", "feed.atom": b"<feed>B</feed>", "feed.rss": b"<rss>same</rss>",
         "feed.json": b'{"items": []}'}


def test_an_injected_failure_at_each_write_leaves_a_consistent_set(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = get_settings(app).feeds_dir
    publish(feeds, SET_A, now=NOW)
    snapshot = tmp_path / "feeds-a"
    shutil.copytree(feeds, snapshot)

    def restore() -> None:
        shutil.rmtree(feeds)
        shutil.copytree(snapshot, feeds)

    sets = {"feeds": feeds, "client": app.test_client(), "old": SET_A, "restore": restore, "etags": {}}
    assert _served(sets["client"], sets["etags"]) == SET_A
    real_replace, real_link = Path.replace, os.link
    calls = {"count": 0, "fail_at": 0}

    def counted(function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls["count"] += 1
            if calls["count"] == calls["fail_at"]:
                raise OSError(errno.ENOSPC, "No space left on device")
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(Path, "replace", counted(real_replace))
    monkeypatch.setattr(os, "link", counted(real_link))
    restore()  # the copy does not keep hard links: every published name is linked anew
    publish(feeds, SET_B, now=NOW + dt.timedelta(hours=1))
    total = calls["count"]
    assert total == 23  # 3 new documents × (2 objects + 2 × (link, rename)), the kept one relinked, the manifest
    outcomes = []
    for fail_at in range(1, total + 1):
        restore()
        calls.update(count=0, fail_at=fail_at)
        try:
            publish(feeds, SET_B, now=NOW + dt.timedelta(hours=1))
        except PublishError:
            outcomes.append(("failed", _check(sets, SET_B)))
        else:
            outcomes.append(("done", _check(sets, SET_B)))
    # Every failure before the manifest's switch (and of the switch itself) serves the old set.
    assert outcomes[-1] == ("failed", "old"), (total, outcomes)
    assert ("failed", "new") not in outcomes
    calls["fail_at"] = 0
    publish(feeds, SET_B, now=NOW + dt.timedelta(hours=2))
    assert _served(sets["client"], sets["etags"]) == SET_B
    assert _on_disk(feeds, sorted(SET_B)) == SET_B
    assert not (feeds / "calendars" / "kz.ics").exists()


@pytest.mark.slow
def test_a_build_killed_at_any_write_serves_matching_etags(two_sets: dict[str, Any], settings: dict[str, Any],
                                                          warm: Warm) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")}
    env.update({f"CALENDAR_{key}": str(value) for key, value in settings.items()})
    when = (NOW + dt.timedelta(hours=1)).isoformat()
    builds = Process([sys.executable, "-c", KILLING_BUILDS, when], env, stdin=True, warm=warm)
    ended = 0

    def build(kill_at: int) -> int:
        """Run one build in a child of ``builds``; return its exit status (negative: the signal)."""
        nonlocal ended
        builds.send(f"{kill_at}\n")
        ended += 1
        line = builds.wait_for("ended ", times=ended)
        return int(line.split()[-1])

    two_sets["restore"]()  # the copy does not keep hard links: count the writes from the copy, as below
    try:
        _killed_builds(two_sets, build, builds)
    finally:
        builds.stop()


def _killed_builds(two_sets: dict[str, Any], build: Callable[[int], int], builds: Process) -> None:
    assert build(0) == 0, "\n".join(builds.lines)
    total = int(builds.wait_for("switches ").split()[-1])
    new = _served(two_sets["client"], two_sets["etags"])
    assert new != two_sets["old"]
    # The first switch, points through the objects and the links, the last link, the manifest's switch.
    points = sorted({1, total // 5, 2 * total // 5, 3 * total // 5, 4 * total // 5, total - 1, total})
    seen = []
    for kill_at in points:
        two_sets["restore"]()
        killed = build(kill_at)
        assert killed == -signal.SIGKILL, (kill_at, "\n".join(builds.lines))
        seen.append(_check(two_sets, new))
    assert seen[0] == "old"
    assert seen[-1] == "new"  # killed right after the manifest's switch
    # The next build after a kill finishes the job and clears what the killed one left behind.
    assert build(0) == 0
    assert _served(two_sets["client"], two_sets["etags"]) == new
    referenced = {entry[key] for entry in read_manifest(two_sets["feeds"])["files"].values()
                  for key in ("object", "gzip_object")}
    objects = {f"{OBJECTS}/{path.name}" for path in (two_sets["feeds"] / OBJECTS).iterdir()}
    assert referenced <= objects
    assert not [path for path in two_sets["feeds"].rglob(".*") if path.name.endswith((".tmp", ".link"))]
