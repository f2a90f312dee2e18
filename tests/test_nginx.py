"""docs/nginx.conf, for real: nginx serves the feeds folder as the service does.

nginx (Debian's package) is started on 127.0.0.1 with the documented configuration, its root the
feeds folder the service published; the answers are compared with the service's own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import os
import shutil
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from calendar_service import get_settings
from calendar_service.publish.files import publish, read_manifest
from tests.process import Process

CONFIG = Path(__file__).resolve().parent.parent / "docs" / "nginx.conf"
HOST = "calendar.example.org"  # the test settings' base URL: the Link headers name it


def _nginx() -> str:
    found = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run installs Debian's package")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nginx_config(folder: Path, feeds_dir: Path, port: int, upstream: str = "127.0.0.1:9") -> Path:
    """Write a whole nginx configuration around docs/nginx.conf's server block, in ``folder``."""
    block = (CONFIG.read_text().replace("/srv/calendar-service/feeds", str(feeds_dir))
             .replace("listen 8080;", f"listen 127.0.0.1:{port};").replace("127.0.0.1:8000", upstream))
    temporary = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root (CI), workers would run as nobody and not read a private temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
                      f"error_log stderr notice;\nevents {{ worker_connections 64; }}\n"
                      f"http {{\n    access_log off;\n{temporary}\n{block}\n}}\n")
    return config


@contextlib.contextmanager
def _started(folder: Path, feeds_dir: Path, upstream: str = "127.0.0.1:9") -> Iterator[str]:
    binary = _nginx()
    port = _free_port()
    config = nginx_config(folder, feeds_dir, port, upstream)
    process = Process([binary, "-p", str(folder), "-c", str(config)], dict(os.environ))
    try:
        process.wait_for("start worker process")  # logged once the socket listens
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.stop()


@pytest.fixture
def nginx(loaded: Flask, tmp_path: Path) -> Iterator[str]:
    with _started(tmp_path, get_settings(loaded).feeds_dir) as url:
        yield url


@pytest.fixture
def nginx_before_the_service(loaded: Flask, tmp_path: Path) -> Iterator[str]:
    """nginx in front of the service itself (a threaded server on 127.0.0.1), as deployed."""
    httpd = make_server("127.0.0.1", 0, loaded, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with _started(tmp_path, get_settings(loaded).feeds_dir, f"127.0.0.1:{httpd.server_port}") as url:
            yield url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": HOST, **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


SAME = ("Content-Type", "Last-Modified", "Vary", "Cache-Control", "Link", "X-Content-Type-Options",
        "Content-Security-Policy", "Content-Encoding", "Content-Length", "ETag")
PATHS = ("/calendar.ics", "/calendars/anniversaries.ics", "/calendars/kz.ics", "/feed.atom", "/feed.rss", "/feed.json",
         "/feeds/meetings.atom")


@pytest.mark.server
def test_nginx_serves_the_published_files_as_the_service_does(nginx: str, client: FlaskClient) -> None:
    for path in PATHS:
        for encoding in ("identity", "gzip"):
            app = client.get(path, headers={"Accept-Encoding": encoding})
            status, headers, body = _get(nginx + path, **{"Accept-Encoding": encoding})
            assert (status, body) == (200, app.data), (path, encoding)
            assert {name: headers.get(name) for name in SAME} == {name: app.headers.get(name) for name in SAME}, path
            if encoding == "gzip":
                assert gzip.decompress(body) == client.get(path).data
            assert _get(nginx + path, **{"Accept-Encoding": encoding,
                                         "If-Modified-Since": app.headers["Last-Modified"]})[0] == 304
            assert client.get(path, headers={"Accept-Encoding": encoding,
                                             "If-Modified-Since": headers["Last-Modified"]}).status_code == 304


@pytest.mark.server
def test_an_etag_from_either_server_is_revalidated_by_both(nginx: str, client: FlaskClient) -> None:
    for path in PATHS:
        etags = {encoding: _get(nginx + path, **{"Accept-Encoding": encoding})[1]["ETag"]
                 for encoding in ("identity", "gzip")}
        assert etags["identity"] != etags["gzip"]  # two representations, two strong validators
        assert not etags["identity"].startswith("W/")
        for encoding, etag in etags.items():
            other = etags["gzip" if encoding == "identity" else "identity"]
            for condition, expected in ((etag, 304), (f"W/{etag}", 304), (f'"x", {etag}', 304), (other, 200),
                                        ('"other"', 200)):
                asked = {"Accept-Encoding": encoding, "If-None-Match": condition}
                status, headers, body = _get(nginx + path, **asked)
                app = client.get(path, headers=asked)
                assert (status, app.status_code) == (expected, expected), (path, encoding, condition)
                assert headers["ETag"] == app.headers["ETag"] == etag
                if expected == 304:
                    assert body == app.data == b""
                    assert headers["Last-Modified"] == app.headers["Last-Modified"]
            # If-Match compares strongly (RFC 9110 §13.1.1), on either server.
            for condition, expected in ((etag, 200), (f"W/{etag}", 412), (other, 412)):
                asked = {"Accept-Encoding": encoding, "If-Match": condition}
                assert _get(nginx + path, **asked)[0] == client.get(path, headers=asked).status_code == expected


@pytest.mark.server
def test_a_publish_changes_the_etag_on_both_servers_alike(nginx: str, loaded: Flask, client: FlaskClient) -> None:
    feeds = get_settings(loaded).feeds_dir
    manifest = read_manifest(feeds)
    documents = {name: (feeds / name).read_bytes() for name in manifest["files"]}
    before = {encoding: _get(nginx + "/feed.atom", **{"Accept-Encoding": encoding})[1]["ETag"]
              for encoding in ("identity", "gzip")}
    # Same length, published at the same instant as the set it replaces: only the time tells them apart.
    changed = documents["feed.atom"].replace(b"CSTO", b"csto", 1)
    assert changed != documents["feed.atom"]
    documents["feed.atom"] = changed
    publish(feeds, documents, now=dt.datetime.fromisoformat(manifest["published_at"]))
    for encoding, etag in before.items():
        asked = {"Accept-Encoding": encoding, "If-None-Match": etag}
        status, headers, _ = _get(nginx + "/feed.atom", **asked)
        app = client.get("/feed.atom", headers=asked)
        assert (status, app.status_code) == (200, 200), encoding
        assert headers["ETag"] == app.headers["ETag"] != etag
    assert _get(nginx + "/calendar.ics", **{"If-None-Match": client.get("/calendar.ics").headers["ETag"]})[0] == 304


@pytest.mark.server
def test_nginx_hands_queries_and_everything_else_to_the_service(nginx: str) -> None:
    # The upstream is a closed port here: 502 shows nginx passed the request on rather than answering it.
    assert _get(nginx + "/calendar.ics?category=meeting")[0] == 502
    assert _get(nginx + "/feed.atom?page=2")[0] == 502
    assert _get(nginx + "/manifest.json")[0] == 502  # the manifest and the objects are not served as files
    assert _get(nginx + "/api/events")[0] == 502


@pytest.mark.server
def test_a_query_goes_through_nginx_with_the_service_s_own_validators(nginx_before_the_service: str,
                                                                      client: FlaskClient) -> None:
    # A rendering for a query string is no file: its ETag is its content's digest, sent on as it is.
    url = "/calendars/kz.ics?category=meeting&alarm=P1D"
    for encoding in ("identity", "gzip"):
        app = client.get(url, headers={"Accept-Encoding": encoding})
        status, headers, body = _get(nginx_before_the_service + url, **{"Accept-Encoding": encoding})
        assert (status, body, headers["ETag"]) == (200, app.data, app.headers["ETag"]), encoding
        plain = gzip.decompress(body) if encoding == "gzip" else body
        assert headers["ETag"].strip('"').removesuffix("-gz") == hashlib.sha256(plain).hexdigest()[:32]
        assert _get(nginx_before_the_service + url, **{"Accept-Encoding": encoding,
                                                       "If-None-Match": headers["ETag"]})[0] == 304
    # A published file still comes from the folder, under the same ETag as from the service.
    status, headers, _ = _get(nginx_before_the_service + "/calendars/kz.ics")
    assert (status, headers["ETag"]) == (200, client.get("/calendars/kz.ics").headers["ETag"])


def test_the_deployment_guide_shows_the_tested_configuration() -> None:
    guide = (CONFIG.parent / "deployment.md").read_text()
    assert f"```nginx\n{CONFIG.read_text()}```" in guide
