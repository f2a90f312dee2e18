"""The Procfile for real: its release phase migrates, and its web process (granian serving the app
factory) starts no scheduler, migrates nothing and answers 503 until the schema is current."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import inspect

from calendar_service import create_app, db, get_settings
from calendar_service.cli import main
from tests.conftest import REPO
from tests.process import Process


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.server
def test_procfile_web_process_serves_the_published_feeds(loaded: Flask, tmp_path: Path) -> None:
    line = next(x for x in (REPO / "Procfile").read_text().splitlines() if x.startswith("web:"))
    port = _free_port()
    command = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)).replace("0.0.0.0", "127.0.0.1"))
    command[0] = str(Path(sys.executable).with_name(command[0]))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")},
           **{f"CALENDAR_{name.upper()}": str(getattr(get_settings(loaded), name))
              for name in ("data_dir", "feeds_dir", "database_url", "base_url")}}
    process = Process(command, env, cwd=tmp_path, start_new_session=True)
    try:
        process.wait_for(f"Listening at: http://127.0.0.1:{port}")
        # each granian worker listens on the address itself (SO_REUSEPORT) once it has started:
        # both have said so before the first request
        process.wait_for("Started worker-", times=2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar.ics", timeout=30) as response:
            body = response.read()
        assert body.startswith(b"BEGIN:VCALENDAR")
        published = get_settings(loaded).feeds_dir / "calendar.ics"
        assert body == published.read_bytes()
    finally:
        process.terminate()
        # A worker the server had no time to stop would outlive the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.stop()


def _procfile() -> dict[str, str]:
    lines = (REPO / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def _command(line: str) -> list[str]:
    command = shlex.split(line)
    command[0] = str(Path(sys.executable).with_name(command[0]))
    return command


@pytest.mark.slow
def test_the_release_phase_migrates_a_new_database_once(settings: dict[str, Any], runner: CliRunner,
                                                        tmp_path: Path) -> None:
    assert _procfile()["release"] == "calendar-service migrate"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")},
           **{f"CALENDAR_{key}": str(value) for key, value in settings.items()}}
    first = subprocess.run(_command(_procfile()["release"]), cwd=tmp_path, env=env, capture_output=True, text=True,
                           check=False)
    assert (first.returncode, first.stdout) == (0, "database schema migrated to the newest revision\n")
    again = runner.invoke(main, ["migrate"])  # the next release, in this process to save a start
    assert (again.exit_code, again.output) == (0, "database schema is up to date\n")
    engine = db.make_engine(settings["DATABASE_URL"])
    try:
        assert db.is_schema_current(engine)
        assert {"events", "notices", "job_runs"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_web_app_migrates_nothing_and_answers_503_until_migrated(settings: dict[str, Any]) -> None:
    application = create_app(settings)
    engine = db.get_session_factory(application).kw["bind"]
    try:
        response = application.test_client().get("/api/events")
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert response.json == {"status": 503, "title": "Service Unavailable",
                                 "detail": "the database schema is not current: run `calendar-service migrate`"}
        assert response.headers["Retry-After"] == "30"
        assert inspect(engine).get_table_names() == []  # asking migrated nothing
        db.migrate(db.get_session_factory(application))
        answer = application.test_client().get("/api/events")
        assert answer.status_code == 200
        assert answer.json["events"] == []
    finally:
        engine.dispose()
