"""The published files answered in front of Flask: the same answers, from memory or from the file."""

from __future__ import annotations

import gzip
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_date
from werkzeug.serving import make_server

from calendar_service import get_settings
from calendar_service.publish import files as publishing
from calendar_service.publish.files import publish, read_manifest
from calendar_service.web.published import PublishedFiles, PublishedFront
from tests.conftest import NOW


def _behind(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"behind"]


def _file_etag(path: Path) -> str:
    """nginx's ETag of a file (``ngx_http_set_etag``): modification time in seconds and size, in hex."""
    status = path.stat()
    return f'"{int(status.st_mtime):x}-{status.st_size:x}"'


@pytest.mark.parametrize("path", ["/calendar.ics", "/feed.atom", "/calendars/kz.ics"])
def test_conditional_gzip_and_head_answers(client: FlaskClient, loaded: Flask, path: str) -> None:
    file = get_settings(loaded).feeds_dir / path.lstrip("/")
    published = file.read_bytes()
    plain = client.get(path)
    assert plain.data == published
    assert plain.headers["ETag"] == _file_etag(file)  # as nginx makes it of the published file
    assert parse_date(plain.headers["Last-Modified"]).timestamp() == int(file.stat().st_mtime)
    assert plain.headers["Content-Length"] == str(len(published))
    assert (plain.headers["Vary"], plain.headers["Cache-Control"]) == ("Accept-Encoding", "public, max-age=300")
    packed = client.get(path, headers={"Accept-Encoding": "br, gzip;q=0.5"})
    assert gzip.decompress(packed.data) == published
    twin = file.with_name(file.name + ".gz")
    assert (packed.headers["Content-Encoding"], packed.headers["ETag"]) == ("gzip", _file_etag(twin))
    assert packed.data == twin.read_bytes()
    assert packed.headers["ETag"] != plain.headers["ETag"]  # two representations, two strong validators
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, *"})
    assert "Content-Encoding" not in refused.headers
    assert client.get(path, headers={"Accept-Encoding": "*"}).headers["Content-Encoding"] == "gzip"
    head = client.head(path, headers={"Accept-Encoding": "gzip"})
    assert (head.status_code, head.data) == (200, b"")
    assert dict(head.headers) == dict(packed.headers)
    etag = plain.headers["ETag"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"nope", W/{etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": plain.headers["Last-Modified"]}):
        answer = client.get(path, headers=headers)
        assert (answer.status_code, answer.data) == (304, b""), headers
        assert answer.headers["ETag"] == etag
        assert answer.headers["Last-Modified"] == plain.headers["Last-Modified"]
        assert "Content-Length" not in answer.headers
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-None-Match": '"other"',
                                     "If-Modified-Since": plain.headers["Last-Modified"]}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200
    assert client.get(path, headers={"If-Match": '"other"'}).status_code == 412
    assert client.get(path, headers={"If-Match": f"W/{etag}"}).status_code == 412  # If-Match compares strongly
    assert client.get(path, headers={"If-Match": etag}).status_code == 200
    assert client.get(path, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}).status_code == 200


def test_the_framework_route_answers_as_the_front_does(client: FlaskClient) -> None:
    # An upper-case country code is not a published name: Flask's route lower-cases it.
    front, routed = client.get("/calendars/kz.ics"), client.get("/calendars/KZ.ics")
    assert routed.data == front.data
    assert dict(routed.headers) == dict(front.headers)
    assert client.get("/calendars/KZ.ics", headers={"If-None-Match": front.headers["ETag"]}).status_code == 304
    assert client.post("/calendar.ics").status_code == 405  # other methods go on to Flask


def test_a_publish_by_this_process_is_served_at_once(client: FlaskClient, loaded: Flask) -> None:
    feeds_dir = get_settings(loaded).feeds_dir
    before = client.get("/feed.atom")
    publish(feeds_dir, {"feed.atom": b"<feed>new</feed>"}, now=NOW)
    after = client.get("/feed.atom")
    assert after.data == b"<feed>new</feed>"
    assert after.headers["ETag"] not in (before.headers["ETag"], None)
    assert client.get("/calendar.ics").status_code == 503  # no longer published


def test_a_publish_by_another_process_is_served_after_the_recheck(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tmp_path, {"feed.atom": b"<feed>1</feed>"}, now=NOW)
    files = PublishedFiles(tmp_path, recheck_seconds=3600)
    front = PublishedFront(_behind, files)
    client = Flask(__name__).test_client()
    client.application.wsgi_app = front  # type: ignore[method-assign]
    assert client.get("/feed.atom").data == b"<feed>1</feed>"
    # Another process publishing does not move this process's counter.
    monkeypatch.setattr(publishing, "publishes", publishing.publishes)
    publish(tmp_path, {"feed.atom": b"<feed>2</feed>"}, now=NOW)
    monkeypatch.setattr(publishing, "publishes", publishing.publishes - 1)
    assert client.get("/feed.atom").data == b"<feed>1</feed>"  # within the recheck interval: the old set, whole
    files.recheck_seconds = 0
    assert client.get("/feed.atom").data == b"<feed>2</feed>"
    assert client.get("/missing.atom").data == b"behind"


@pytest.fixture
def large_file_server(tmp_path: Path) -> Iterator[tuple[str, PublishedFiles, bytes]]:
    data = b"".join(b"LINE %08d\r\n" % number for number in range(20_000))
    publish(tmp_path, {"calendar.ics": data}, now=NOW)
    files = PublishedFiles(tmp_path, memory_file_bytes=64 * 1024, memory_budget_bytes=64 * 1024)
    httpd = make_server("127.0.0.1", 0, PublishedFront(_behind, files), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", files, data
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.mark.server
def test_a_large_file_is_sent_from_its_file_and_small_ones_are_held_within_the_budget(
        large_file_server: tuple[str, PublishedFiles, bytes], tmp_path: Path) -> None:
    url, files, data = large_file_server
    with urllib.request.urlopen(f"{url}/calendar.ics", timeout=10) as response:
        assert response.read() == data
        assert response.headers["Content-Length"] == str(len(data))
    assert files.held_bytes == 0  # 240 KB is over the in-memory bound: sent from the file
    request = urllib.request.Request(f"{url}/calendar.ics", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert gzip.decompress(response.read()) == data
    gzip_size = read_manifest(tmp_path)["files"]["calendar.ics"]["gzip_size"]
    assert files.held_bytes == gzip_size <= 64 * 1024  # the small twin is kept
