"""``serve`` as an operator meets it: where its links point, a port in use, its access log."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from flask import Flask

from calendar_service.cli.listen import AccessLog, bind, link_base_url, listening_url
from calendar_service.errors import ConfigurationError
from tests.conftest import DATASET
from tests.process import read_line_matching
from tests.warm import Warm, WarmPopen

STARTUP_SECONDS = 60
ACCESS_LINE = re.compile(r'^127\.0\.0\.1 - - \[[^]]+\] "GET (\S+) HTTP/1\.1" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$')


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    data = tmp_path / "data"
    feeds = tmp_path / "feeds"
    data.mkdir(exist_ok=True)
    feeds.mkdir(exist_ok=True)
    shutil.copy(DATASET, data / "events.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")}
    env.update(CALENDAR_DATA_DIR=str(data), CALENDAR_FEEDS_DIR=str(feeds), **extra)
    return env


def _serve(warm: Warm, tmp_path: Path, *arguments: str, **env: str) -> WarmPopen:
    """``python -m calendar_service serve ARGUMENTS``, a child of the warm interpreter."""
    return warm.start([sys.executable, "-m", "calendar_service", "serve", *arguments], _environment(tmp_path, **env),
                      cwd=tmp_path)


def _finish(process: WarmPopen) -> list[str]:
    """Stop the server (SIGTERM: a clean exit) and return the rest of its output, lines read or not."""
    process.terminate()
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return output.splitlines()


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another socket is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


@pytest.mark.server
def test_serve_links_to_the_port_it_listens_on_and_logs_each_request(tmp_path: Path, warm: Warm) -> None:
    process = _serve(warm, tmp_path, "--port", "0")
    try:
        port = read_line_matching(process, r"http://127\.0\.0\.1:(\d+)/", STARTUP_SECONDS).group(1)
        base = f"http://127.0.0.1:{port}"
        request = urllib.request.Request(f"{base}/feed.atom", headers={"User-Agent": 'reader "quoted"'})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        feed = feedparser.parse(body)
        assert feed.bozo == 0
        links = {link.rel: link.href for link in feed.feed.links}
        assert links["self"] == f"{base}/feed.atom"
        assert all(entry.link.startswith(f"{base}/") for entry in feed.entries)
        assert ":8000" not in body.decode()
    finally:
        rest = _finish(process)
    lines = [line for line in rest if '"GET /feed.atom ' in line]
    assert len(lines) == 1, rest
    match = ACCESS_LINE.match(lines[0])
    assert match is not None, lines[0]
    assert match.group(2) == "200"
    assert int(match.group(3)) == len(body)
    assert match.group(5) == r"reader \x22quoted\x22"


@pytest.mark.server
def test_serve_names_a_base_url_that_disagrees_with_its_address_once(tmp_path: Path, warm: Warm) -> None:
    process = _serve(warm, tmp_path, "--port", "0", CALENDAR_BASE_URL="https://calendar.example.org")
    try:
        note = read_line_matching(process, r"WARNING .*links in the feeds use CALENDAR_BASE_URL (\S+), "
                                           r"while this server listens on http://127\.0\.0\.1:(\d+)/", STARTUP_SECONDS)
        port = read_line_matching(process, r"http://127\.0\.0\.1:(\d+)/", STARTUP_SECONDS).group(1)
        assert note.groups() == ("https://calendar.example.org", port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.atom", timeout=10) as response:
            feed = feedparser.parse(response.read())
        assert {link.rel: link.href for link in feed.feed.links}["self"] == "https://calendar.example.org/feed.atom"
    finally:
        rest = _finish(process)
    assert not [line for line in rest if "CALENDAR_BASE_URL" in line]  # said once, at start


@pytest.mark.server
def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path: Path, busy_port: int, warm: Warm) -> None:
    process = _serve(warm, tmp_path, "--port", str(busy_port))
    output, _ = process.communicate(timeout=STARTUP_SECONDS)
    assert process.returncode == 1
    lines = output.splitlines()
    assert lines == [f"Error: cannot listen on 127.0.0.1:{busy_port}: the address is already in use "
                     "(is another server running?); choose another --port"]
    assert not (tmp_path / "data" / "calendar.db").exists()  # it failed before touching the store


def test_bind_refuses_a_port_in_use(busy_port: int) -> None:
    with pytest.raises(ConfigurationError, match="already in use"):
        bind("127.0.0.1", busy_port)


def test_bind_refuses_an_address_of_another_machine() -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): no interface here has it, and binding sends nothing.
    with pytest.raises(ConfigurationError, match=r"^cannot listen on 192\.0\.2\.1:8000: no interface"):
        bind("192.0.2.1", 8000)


def test_links_follow_the_listening_address_unless_a_base_url_is_set() -> None:
    assert link_base_url(None, "127.0.0.1", 8010) == ("http://127.0.0.1:8010", None)
    assert link_base_url(None, "::1", 8010) == ("http://[::1]:8010", None)
    assert link_base_url("http://127.0.0.1:8010/", "127.0.0.1", 8010) == ("http://127.0.0.1:8010", None)
    assert link_base_url("http://LOCALHOST:80", "localhost", 80) == ("http://LOCALHOST:80", None)
    base, note = link_base_url("http://127.0.0.1:8000", "127.0.0.1", 8010)
    assert base == "http://127.0.0.1:8000"
    assert note is not None
    assert "http://127.0.0.1:8010" in note
    # A wildcard address is not linked to: the machine's name is.
    assert listening_url("0.0.0.0", 8010) == f"http://{socket.gethostname()}:8010"


def test_access_log_counts_bytes_sent_and_conditional_answers(loaded: Flask, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.access")
    loaded.wsgi_app = AccessLog(loaded.wsgi_app, logger)  # type: ignore[method-assign]
    client = loaded.test_client()
    local = {"REMOTE_ADDR": "127.0.0.1"}
    with caplog.at_level(logging.INFO, logger="tests.access"):
        first = client.get("/calendar.ics", environ_base=local, buffered=True)
        again = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}, environ_base=local,
                           buffered=True)
        refused = client.get("/calendar.ics?nonsense=1", environ_base=local, buffered=True)
    assert (again.status_code, refused.status_code) == (304, 400)
    lines = [record.getMessage() for record in caplog.records if record.name == "tests.access"]
    parsed = [ACCESS_LINE.match(line) for line in lines]
    assert len(parsed) == 3
    assert all(parsed), lines
    assert [(m.group(1), m.group(2)) for m in parsed if m] == [
        ("/calendar.ics", "200"), ("/calendar.ics", "304"), ("/calendar.ics?nonsense=1", "400")]
    assert [m.group(3) for m in parsed if m] == [str(len(first.data)), "-", str(len(refused.data))]
