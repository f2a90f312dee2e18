"""Documents published in pieces: the same files, validators and gzip twins as whole ones; a failure
half-way leaves the published set as it was."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from calendar_service.publish.files import MANIFEST, OBJECTS, publish, read_manifest
from tests.conftest import NOW


def _calendar(count: int) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    for number in range(count):
        event = icalendar.Event()
        event.add("uid", f"event-{number}@example.org")
        event.add("summary", f"Meeting number {number}, with a description long enough to fold " * 3)
        event.add("dtstart", dt.date(2026, 1, 1) + dt.timedelta(days=number))
        event.add("dtstamp", NOW)
        calendar.add_component(event)
    return calendar.to_ical()


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


def _folder(feeds: Path) -> dict[str, tuple[bytes, int | None]]:
    """Every file below the feeds folder but the lock: its bytes and whole-second modification time.

    The manifest's own time is when it was written (no validator is made from it): left out, so
    that two publishes a second apart on the wall clock compare alike.
    """
    return {
        str(path.relative_to(feeds)): (path.read_bytes(), None if path.name == MANIFEST else int(path.stat().st_mtime))
        for path in sorted(feeds.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def test_a_document_in_pieces_publishes_what_the_same_bytes_publish(tmp_path: Path) -> None:
    data = _calendar(300)
    whole, pieces = tmp_path / "whole", tmp_path / "pieces"
    whole.mkdir()
    pieces.mkdir()
    publish(whole, {"calendar.ics": data, "feed.atom": b"<feed/>"}, now=NOW)
    publish(pieces, {"calendar.ics": _pieces(data, 997), "feed.atom": iter([b"<feed", b"/>"])}, now=NOW)

    assert read_manifest(pieces) == read_manifest(whole)
    assert _folder(pieces) == _folder(whole)
    entry = read_manifest(pieces)["files"]["calendar.ics"]
    assert entry["size"] == len(data)
    assert entry["gzip_size"] == (pieces / "calendar.ics.gz").stat().st_size
    assert (pieces / "calendar.ics").read_bytes() == data
    assert gzip.decompress((pieces / "calendar.ics.gz").read_bytes()) == data
    parsed = icalendar.Calendar.from_ical((pieces / entry["object"]).read_bytes())
    assert len(parsed.walk("VEVENT")) == 300
    # The twin says nothing of where or when it was written: its bytes depend on the document's only.
    header = (pieces / "calendar.ics.gz").read_bytes()[:10]
    assert header[3] == 0
    assert header[4:8] == b"\0\0\0\0"

    # The same bytes again, now in pieces: nothing is rewritten, the validators stay (304 stays 304).
    before = _folder(whole)
    publish(whole, {"calendar.ics": _pieces(data, 4096), "feed.atom": b"<feed/>"}, now=NOW + dt.timedelta(hours=1))
    assert read_manifest(whole)["files"] == read_manifest(pieces)["files"]
    assert {name: value for name, value in _folder(whole).items() if name != "manifest.json"} == \
        {name: value for name, value in before.items() if name != "manifest.json"}


class RendererFailed(Exception):
    pass


def _failing(data: bytes) -> Iterator[bytes]:
    yield from _pieces(data[: len(data) // 2], 1000)
    raise RendererFailed("the store went away")


def test_a_failure_in_the_middle_of_a_document_leaves_the_set_and_no_temporary(tmp_path: Path) -> None:
    old = _calendar(50)
    publish(tmp_path, {"calendar.ics": old, "feed.atom": b"<feed>A</feed>"}, now=NOW)
    before = _folder(tmp_path)

    new = _calendar(200)
    later = NOW + dt.timedelta(hours=1)
    with pytest.raises(RendererFailed):
        publish(tmp_path, {"calendar.ics": _failing(new), "feed.atom": b"<feed>B</feed>"}, now=later)
    with pytest.raises(RendererFailed):
        # Documents are written in order of name: a.ics's objects are written before the failure.
        publish(tmp_path, {"a.ics": b"BEGIN:VCALENDAR", "calendar.ics": _failing(new)}, now=later)

    after = _folder(tmp_path)
    assert not [name for name in after if name.endswith(".tmp")]
    # What is served is the previous set, whole: the manifest, the names and every object it names.
    assert after["manifest.json"] == before["manifest.json"]
    for name, entry in read_manifest(tmp_path)["files"].items():
        for relative in (name, name + ".gz", entry["object"], entry["gzip_object"]):
            assert after[relative] == before[relative]
    assert (tmp_path / "calendar.ics").read_bytes() == old
    # The next publish that succeeds collects what the failed ones left among the objects.
    publish(tmp_path, {"calendar.ics": _pieces(new, 5000), "feed.atom": b"<feed>B</feed>"},
            now=NOW + dt.timedelta(hours=2))
    assert (tmp_path / "calendar.ics").read_bytes() == new
    objects = {path.name for path in (tmp_path / OBJECTS).iterdir()}
    named = {Path(entry[key]).name for entry in read_manifest(tmp_path)["files"].values()
             for key in ("object", "gzip_object")}
    assert named <= objects
    assert len(objects) == 8
