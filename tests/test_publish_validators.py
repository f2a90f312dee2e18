"""The validators of published files: nginx's ETag (time and size), never one ETag for two contents."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
from pathlib import Path

from calendar_service.publish.files import publish, read_manifest
from tests.conftest import NOW


def _file_etag(path: Path) -> str:
    """nginx's ETag of a file (``ngx_http_set_etag``): modification time in seconds and size, in hex."""
    status = path.stat()
    return f"{int(status.st_mtime):x}-{status.st_size:x}"


def _seen(feeds: Path, name: str) -> tuple[str, str, str, float]:
    entry = read_manifest(feeds)["files"][name]
    assert entry["etag"] == _file_etag(feeds / name) == _file_etag(feeds / entry["object"])
    assert entry["gzip_etag"] == _file_etag(feeds / f"{name}.gz") == _file_etag(feeds / entry["gzip_object"])
    assert dt.datetime.fromisoformat(entry["last_modified"]).timestamp() == (feeds / name).stat().st_mtime
    return entry["etag"], entry["gzip_etag"], entry["sha256"], (feeds / name).stat().st_mtime


def test_a_changed_file_never_keeps_its_etag_even_within_one_second(tmp_path: Path) -> None:
    # Same size each time, published at the same instant: only the time can tell them apart.
    contents = [b"BEGIN:VCALENDAR %d" % number for number in range(5)]
    seen = []
    for data in contents:
        publish(tmp_path, {"calendar.ics": data, "feed.atom": b"<feed/>"}, now=NOW)
        seen.append(_seen(tmp_path, "calendar.ics"))
    etags = [etag for etag, _, _, _ in seen] + [gzip_etag for _, gzip_etag, _, _ in seen]
    assert len(set(etags)) == len(etags)
    times = [mtime for _, _, _, mtime in seen]
    assert times == sorted(set(times))
    assert times[0] == NOW.timestamp()
    # The unchanged file kept its time, so its ETag: conditional requests keep answering 304.
    assert _seen(tmp_path, "feed.atom")[3] == NOW.timestamp()


def test_a_later_publish_takes_its_own_time_and_an_unchanged_one_keeps_it(tmp_path: Path) -> None:
    publish(tmp_path, {"calendar.ics": b"one"}, now=NOW)
    later = NOW + dt.timedelta(hours=2, microseconds=500)
    publish(tmp_path, {"calendar.ics": b"two"}, now=later)
    assert _seen(tmp_path, "calendar.ics")[3] == int(later.timestamp())
    publish(tmp_path, {"calendar.ics": b"two"}, now=later + dt.timedelta(days=1))
    assert _seen(tmp_path, "calendar.ics")[3] == int(later.timestamp())


def test_a_file_left_by_a_killed_publish_is_not_reused_with_other_bytes(tmp_path: Path) -> None:
    publish(tmp_path, {"feed.atom": b"<feed>A</feed>"}, now=NOW)
    # A publish killed after linking the name: a static server serves B under this time and size.
    served = tmp_path / "feed.atom"
    served.unlink()
    served.write_bytes(b"<feed>B</feed>")
    stamp = NOW.timestamp() + 7
    os.utime(served, (stamp, stamp))
    left = _file_etag(served)
    publish(tmp_path, {"feed.atom": b"<feed>C</feed>"}, now=NOW)
    etag, _, _, mtime = _seen(tmp_path, "feed.atom")
    assert etag != left
    assert mtime > stamp


def test_names_with_the_same_bytes_share_one_time(tmp_path: Path) -> None:
    publish(tmp_path, {"a.atom": b"<feed/>", "b.atom": b"<feed>b</feed>"}, now=NOW)
    publish(tmp_path, {"a.atom": b"<feed/>", "b.atom": b"<feed/>"}, now=NOW)  # b now holds a's bytes
    a, b = _seen(tmp_path, "a.atom"), _seen(tmp_path, "b.atom")
    assert a == b
    assert a[3] > NOW.timestamp()
    publish(tmp_path, {"a.atom": b"<feed/>", "b.atom": b"<feed/>"}, now=NOW + dt.timedelta(hours=1))
    assert _seen(tmp_path, "a.atom") == a  # unchanged, both: kept


def _as_long_as_its_twin() -> bytes:
    """Return bytes whose gzip twin (as published: level 9, no time) is exactly as long."""
    noise = b"".join(hashlib.sha256(b"%d" % number).digest() for number in range(8))  # incompressible
    for repeat in range(200):
        data = noise + b"a" * repeat
        if len(gzip.compress(data, compresslevel=9, mtime=0)) == len(data):
            return data
    raise AssertionError("no length found")


def test_a_twin_as_long_as_its_file_gets_another_time(tmp_path: Path) -> None:
    data = _as_long_as_its_twin()
    publish(tmp_path, {"calendar.ics": data}, now=NOW)
    etag, gzip_etag, _, _ = _seen(tmp_path, "calendar.ics")
    assert etag != gzip_etag  # two representations never share a strong ETag
    entry = read_manifest(tmp_path)["files"]["calendar.ics"]
    assert entry["size"] == entry["gzip_size"]
    publish(tmp_path, {"calendar.ics": data[::-1]}, now=NOW)  # the next change is later than both
    assert _seen(tmp_path, "calendar.ics")[3] > dt.datetime.fromisoformat(entry["gzip_last_modified"]).timestamp()
