"""The Procfile's web process for real: gunicorn serving the app factory, with no scheduler."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from calendar_service import create_app
from tests.conftest import REPO
from tests.process import read_line_matching, stop


def test_create_app_starts_no_thread_and_no_scheduler(settings: dict[str, Any]) -> None:
    before = {thread.ident for thread in threading.enumerate()}
    app = create_app(settings)
    assert isinstance(app, Flask)
    assert {thread.ident for thread in threading.enumerate()} == before
    # Not even imported by the web application; checked in a fresh interpreter, since other tests
    # of this session import the scheduler.
    probe = ("import sys, calendar_service, calendar_service.web\n"
             "calendar_service.create_app(dict(arg.split('=', 1) for arg in sys.argv[1:]))\n"
             "print(sorted(m for m in sys.modules if m.startswith('apscheduler')))")
    found = subprocess.run([sys.executable, "-c", probe, *(f"{k}={v}" for k, v in settings.items())],
                           capture_output=True, text=True, check=True, env=os.environ.copy())
    assert found.stdout.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.server
def test_procfile_web_process_serves_the_published_feeds(loaded: Flask, tmp_path: Path) -> None:
    line = next(x for x in (REPO / "Procfile").read_text().splitlines() if x.startswith("web:"))
    port = _free_port()
    command = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)).replace("0.0.0.0", "127.0.0.1"))
    command[0] = str(Path(sys.executable).with_name(command[0]))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")},
           **{f"CALENDAR_{k}": str(loaded.config[k]) for k in ("DATA_DIR", "FEEDS_DIR", "DATABASE_URL", "BASE_URL")}}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        read_line_matching(process, rf"Listening at: http://127\.0\.0\.1:{port}", 60)
        # the socket is bound: the request waits in its backlog until a worker has booted
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar.ics", timeout=30) as response:
            body = response.read()
        assert body.startswith(b"BEGIN:VCALENDAR")
        published = Path(loaded.config["FEEDS_DIR"]) / "calendar.ics"
        assert body == published.read_bytes()
    finally:
        stop(process)
