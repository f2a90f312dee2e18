"""Calendars rendered for a query string: streamed into a bounded folder, sent from their file."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

import calendar_service.web.calendar_queries as web_calendars
from calendar_service import create_app, db, get_settings
from calendar_service.web.rendered import RenderedFiles
from tests.conftest import NOW
from tests.icshelpers import record, store

QUERY = "/calendar.ics?category=meeting&alarm=P1D"


@pytest.fixture(autouse=True)
def _at_build_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _digest(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


def _refuse_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> Iterator[bytes]:
        raise AssertionError("rendered again")

    monkeypatch.setattr(web_calendars, "iter_definition", refuse)


def test_a_filtered_calendar_is_sent_from_its_file_under_its_content_etag(
        client: FlaskClient, loaded: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = client.get(QUERY)
    assert plain.status_code == 200
    assert plain.headers["ETag"] == _digest(plain.data)
    assert plain.headers["Content-Length"] == str(len(plain.data))
    calendar = icalendar.Calendar.from_ical(plain.data)
    assert calendar.walk("VEVENT")
    assert str(calendar["X-WR-CALNAME"]) == "CSTO calendar: meetings"
    kept = list((get_settings(loaded).data_dir / "cache" / "queries").glob("*.ics"))
    assert [path.read_bytes() for path in kept] == [plain.data]
    packed = client.get(QUERY, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] == _digest(plain.data)[:-1] + '-gz"'
    # Everything below comes from the kept file: nothing is rendered again.
    _refuse_rendering(monkeypatch)
    etag = plain.headers["ETag"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'},
                    {"If-Modified-Since": plain.headers["Last-Modified"]}):
        answer = client.get(QUERY, headers=headers)
        assert (answer.status_code, answer.data) == (304, b""), headers
        assert answer.headers["ETag"] == etag
    assert client.get(QUERY, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}).status_code == 200
    assert client.get(QUERY, headers={"If-Match": f"W/{etag}"}).status_code == 412
    head = client.head(QUERY)
    assert (head.status_code, head.data) == (200, b"")
    assert dict(head.headers) == dict(plain.headers)
    # Another spelling of the same query is the same file.
    again = client.get("/calendar.ics?alarm=PT24H&category=meeting")
    assert (again.data, again.headers["ETag"]) == (plain.data, etag)


def test_a_change_of_the_store_renders_anew(client: FlaskClient, factory: sessionmaker[Session]) -> None:
    before = client.get(QUERY)
    store(factory, record("new-meeting", title="A meeting added later"), now=NOW + dt.timedelta(minutes=5))
    after = client.get(QUERY, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"A meeting added later" in after.data
    assert after.headers["ETag"] == _digest(after.data) != before.headers["ETag"]


def test_workers_of_one_machine_share_the_renderings(client: FlaskClient, loaded: Flask,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = client.get(QUERY)
    settings = get_settings(loaded)
    other = create_app({"DATA_DIR": str(settings.data_dir), "FEEDS_DIR": str(settings.feeds_dir),
                        "DATABASE_URL": settings.database_url, "BASE_URL": settings.base_url,
                        "FSYNC": str(int(settings.fsync))})
    try:
        _refuse_rendering(monkeypatch)
        second = other.test_client().get(QUERY)
        assert (second.data, second.headers["ETag"]) == (first.data, first.headers["ETag"])
    finally:
        db.get_session_factory(other).kw["bind"].dispose()


def test_a_store_past_the_bound_keeps_no_rendered_block(client: FlaskClient, loaded: Flask,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = loaded.extensions["calendar_service.calendar_blocks"]
    monkeypatch.setattr(web_calendars, "BLOCKS_HELD", 1)  # the dataset's events are "many" now
    answer = client.get(QUERY)
    assert answer.status_code == 200
    assert icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
    assert len(blocks) == 0
    monkeypatch.undo()
    assert client.get("/calendar.ics?category=meeting&alarm=P2D").status_code == 200
    assert len(blocks) > 0  # within the bound, they are kept


def _get(url: str, **headers: str) -> tuple[int, Any, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


@pytest.mark.server
def test_a_real_server_sends_the_file_and_revalidates_it(server: str, client: FlaskClient) -> None:
    status, headers, body = _get(server + QUERY, **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    plain = gzip.decompress(body)
    assert plain == client.get(QUERY).data
    assert headers["ETag"] == _digest(plain)[:-1] + '-gz"'
    assert _get(server + QUERY, **{"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})[0] == 304
    status, headers, body = _get(server + QUERY)
    assert (status, body, headers["ETag"]) == (200, plain, _digest(plain))


def _pieces(megabytes: int) -> Iterator[bytes]:
    line = b"DESCRIPTION:" + b"".join(b"%06d" % number for number in range(10)) + b"\r\n"
    for number in range(megabytes * 16):
        yield b"BEGIN:VEVENT %08d\r\n" % number + line * 800


def test_a_rendering_is_streamed_to_its_files_never_held_whole(tmp_path: Path) -> None:
    files = RenderedFiles(tmp_path / "queries")
    tracemalloc.start()
    try:
        rendered = files.keep("k" * 40, _pieces(24), "text/calendar; charset=utf-8", NOW, ".ics")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    whole = b"".join(_pieces(24))
    assert rendered.size == len(whole) > 20_000_000
    assert peak < 4_000_000  # a few pieces at a time, not the 22 MB calendar
    assert Path(rendered.path).read_bytes() == whole
    assert rendered.etag == hashlib.sha256(whole).hexdigest()[:32]
    assert gzip.decompress(Path(rendered.gzip_path).read_bytes()) == whole
    assert files.find("k" * 40) == rendered


def test_a_render_that_fails_keeps_nothing(tmp_path: Path) -> None:
    files = RenderedFiles(tmp_path / "queries")

    def failing() -> Iterator[bytes]:
        yield b"BEGIN:VCALENDAR\r\n" * 100_000
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError, match="went away"):
        files.keep("a" * 40, failing(), "text/calendar", NOW, ".ics")
    assert list((tmp_path / "queries").iterdir()) == []
    assert files.find("a" * 40) is None


def _keep(files: RenderedFiles, key: str, size: int = 1000) -> None:
    files.keep(key, [key.encode()[:1] * size], "text/calendar", NOW, ".ics")


def test_the_folder_stays_within_its_bounds_least_recently_used_first(tmp_path: Path) -> None:
    files = RenderedFiles(tmp_path, max_entries=3)
    for age, key in ((300, "a"), (200, "b"), (100, "c")):
        _keep(files, key * 40)
        os.utime(tmp_path / f"{key * 40}.json", (time.time() - age, time.time() - age))  # used that long ago
    assert files.find("a" * 40) is not None  # used: now the most recent
    _keep(files, "d" * 40)
    assert [key[0] for key in sorted(files._listing()[0])] == ["a", "c", "d"]
    assert len(files) == 3
    by_bytes = RenderedFiles(tmp_path / "small", max_bytes=2500)
    for age, key in ((300, "e"), (200, "f"), (100, "g")):
        _keep(by_bytes, key * 40, size=1000)
        os.utime(tmp_path / "small" / f"{key * 40}.json", (time.time() - age, time.time() - age))
    assert by_bytes.nbytes <= 2500
    assert by_bytes.find("g" * 40) is not None
    assert by_bytes.find("e" * 40) is None


def test_temporary_files_of_a_killed_worker_go_at_the_next_rendering(tmp_path: Path) -> None:
    files = RenderedFiles(tmp_path)
    left = tmp_path / ".abandoned.part"
    left.write_bytes(b"half a calendar")
    fresh = tmp_path / ".writing-now.part"
    fresh.write_bytes(b"being written")
    hour_ago = time.time() - 3700
    os.utime(left, (hour_ago, hour_ago))
    _keep(files, "h" * 40)
    assert not left.exists()
    assert fresh.exists()  # another worker may be writing it


def test_an_unwritable_folder_renders_each_answer_to_a_temporary_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    files = RenderedFiles(blocker / "queries")
    rendered = files.keep("u" * 40, [b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n"], "text/calendar", NOW, ".ics")
    assert not rendered.kept
    status, headers, body = files.answer({"REQUEST_METHOD": "GET"}, rendered) or ("", [], [])
    assert status == "200 OK"
    assert not Path(rendered.path).parent.exists()  # deleted at once; the open file lives until it is read
    assert b"".join(body) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert dict(headers)["ETag"] == _digest(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
