"""Two real ``calendar-service scheduler`` processes on one database: only the lock holder runs
jobs, and the standby takes over when the holder is killed. Each process starts its clock at a
given moment with time-machine (then it runs on, in real time), so the notices for 15 May are
seen issued on 8 and 15 May. Waits are bounded polls of the processes' output and the database,
never fixed sleeps."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.errors import ConfigurationError
from calendar_service.ingest.dataset import load_dataset
from calendar_service.locks import ADVISORY_KEYS
from calendar_service.models import JobRun, Notice
from calendar_service.publish.files import read_manifest
from calendar_service.store.queries import get_store_revision
from tests.conftest import DATASET, NOW

ANNIVERSARY_NOTICE = Notice.kind.in_(("anniversary_ahead", "anniversary_today"))  # not announced/changed

pytestmark = pytest.mark.slow

TIMEOUT = 60.0


class Process:
    """A ``calendar-service`` subprocess whose merged output is read line by line in a thread."""

    def __init__(self, args: list[str], env: dict[str, str], *, at: dt.datetime | None = None) -> None:
        clock = "" if at is None else (
            "import datetime, time_machine\n"
            f"time_machine.travel(datetime.datetime.fromisoformat({at.isoformat()!r}), tick=True).start()\n")
        self.popen = subprocess.Popen(
            [sys.executable, "-c", clock + "from calendar_service.cli import main; main()", *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def wait_for(self, text: str, timeout: float = TIMEOUT) -> str:
        """Return the first line containing ``text``, reading until it comes or the timeout passes."""
        for line in self.lines:
            if text in line:
                return line
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=timeout)
        while (left := (deadline - dt.datetime.now(dt.UTC)).total_seconds()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"process {self.pid} never said {text!r}; it said:\n" + "\n".join(self.lines))

    def drain(self) -> list[str]:
        """Collect what the process said so far without waiting."""
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return self.lines
            if line is None:
                return self.lines
            self.lines.append(line)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=TIMEOUT)
        self._reader.join(timeout=TIMEOUT)
        assert self.popen.stdout is not None
        self.popen.stdout.close()


def wait_until(condition: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    """Poll ``condition`` every 0.1 s until it is truthy or the timeout passes."""
    pause = threading.Event()
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=timeout)
    while dt.datetime.now(dt.UTC) < deadline:
        value = condition()
        if value:
            return value
        pause.wait(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
MAY_8 = dt.datetime(2025, 5, 8, 6, 0, 1, tzinfo=MOSCOW)
MAY_15 = dt.datetime(2025, 5, 15, 6, 0, 1, tzinfo=MOSCOW)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def service(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[dict[str, str], sessionmaker[Session], Path]]:
    """Folders, a dataset with an anniversary today, the environment for the processes and a session
    factory for the test to read the database they share (a SQLite file, whose scheduler lock is a
    file lock, or PostgreSQL, whose lock is an advisory lock). Nothing is loaded: the processes do it."""
    data_dir, feeds_dir = tmp_path / "data", tmp_path / "feeds"
    data_dir.mkdir()
    feeds_dir.mkdir()
    shutil.copy(DATASET, data_dir / "events.yaml")
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else (
        f"sqlite:///{data_dir / 'calendar.db'}")
    env = {name: value for name, value in os.environ.items() if not name.startswith("CALENDAR_")}
    env.update({
        "CALENDAR_DATA_DIR": str(data_dir), "CALENDAR_FEEDS_DIR": str(feeds_dir), "CALENDAR_DATABASE_URL": url,
        "CALENDAR_CHANGE_POLL_SECONDS": "1", "CALENDAR_LOCK_POLL_SECONDS": "1",
        "CALENDAR_BASE_URL": "https://calendar.example.org", "PYTHONUNBUFFERED": "1",
    })
    factory: sessionmaker[Session] = db.make_session_factory(url)
    yield env, factory, data_dir
    factory.kw["bind"].dispose()


def _job_runs(factory: sessionmaker[Session]) -> dict[str, JobRun]:
    try:
        with db.transaction(factory) as session:
            return {row.job: row for row in session.scalars(select(JobRun))}
    except (ConfigurationError, ProgrammingError):  # not migrated yet
        return {}


def _notices(factory: sessionmaker[Session]) -> list[tuple[str, int, int, dt.date]]:
    with db.transaction(factory) as session:
        rows = session.scalars(select(Notice).where(ANNIVERSARY_NOTICE).order_by(Notice.id)).all()
        return [(row.kind, row.occurrence_year, row.lead_days, row.issued_dt.astimezone(MOSCOW).date())
                for row in rows]


AHEAD = ("anniversary_ahead", 2025, 7, dt.date(2025, 5, 8))
TODAY = ("anniversary_today", 2025, 0, dt.date(2025, 5, 15))


def _swept(factory: sessionmaker[Session], runs: int) -> JobRun | None:
    row = _job_runs(factory).get("anniversaries")
    return row if row is not None and row.run_count == runs and row.last_result == "ok" else None


def test_two_scheduler_processes_run_each_job_once_and_the_standby_takes_over(
    service: tuple[dict[str, str], sessionmaker[Session], Path], processes: list[Process]
) -> None:
    env, factory, data_dir = service
    # 8 May, just after 06:00 in Moscow: two schedulers started together on a fresh database
    # (both migrate and find the store empty).
    processes.extend([Process(["scheduler"], env, at=MAY_8), Process(["scheduler"], env, at=MAY_8)])
    sweep = wait_until(lambda: _swept(factory, 1), "the start-up anniversary sweep")
    first, second = sorted(processes, key=lambda process: not sweep.last_holder.endswith(f":{process.pid}"))
    first.wait_for("holding the scheduler lock")
    second.wait_for("standby: another scheduler holds the lock")
    assert sweep.last_summary == "swept 2025-05-08: issued 1 of 1 due notice"
    wait_until(lambda: _job_runs(factory)["regenerate-on-change"].run_count >= 3, "three polls for store changes")

    # A change to the store is rendered within seconds.
    dataset = data_dir / "events.yaml"
    changed = yaml.safe_load(dataset.read_text(encoding="utf-8"))
    changed["events"][0]["summary"] += " (updated)"
    dataset.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_dataset(factory, dataset, now=NOW + dt.timedelta(hours=1))
    with db.transaction(factory) as session:
        revision = get_store_revision(session)
    feeds_dir = Path(env["CALENDAR_FEEDS_DIR"])
    wait_until(lambda: read_manifest(feeds_dir).get("revision") == revision, "the change to be rendered")

    runs = _job_runs(factory)
    assert runs["anniversaries"].run_count == 1
    assert runs["regenerate"].run_count == 0  # every REFRESH_MINUTES: not yet, but scheduled
    assert runs["regenerate"].next_run_dt is not None
    assert runs["anniversaries"].next_run_dt == dt.datetime(2025, 5, 9, 3, 0, tzinfo=dt.UTC)  # 06:00 Moscow
    assert all((row.last_holder or "").endswith(f":{first.pid}") for row in runs.values() if row.run_count)
    assert _notices(factory) == [AHEAD]
    assert not [line for line in second.drain() if " job " in line or "holding" in line]

    first.popen.send_signal(signal.SIGKILL)  # dies without letting anything go
    first.popen.wait(timeout=TIMEOUT)
    second.wait_for("holding the scheduler lock")
    sweep = wait_until(lambda: _swept(factory, 2), "the new holder's start-up sweep")
    assert sweep.last_holder.endswith(f":{second.pid}")
    assert sweep.last_summary == "nothing to sweep: every day up to 2025-05-08 is done"
    wait_until(lambda: (_job_runs(factory)["regenerate-on-change"].last_holder or "").endswith(f":{second.pid}"),
               "the new holder to poll for changes")
    assert _notices(factory) == [AHEAD]
    second.popen.send_signal(signal.SIGTERM)
    assert second.popen.wait(timeout=TIMEOUT) == 0

    # The service was down from 8 May to 15 May, 06:00: restarted, it catches up and issues the
    # day's notice; the 8 May notice is not issued again.
    again = [Process(["scheduler"], env, at=MAY_15), Process(["scheduler"], env, at=MAY_15)]
    processes.extend(again)
    sweep = wait_until(lambda: _swept(factory, 3), "the sweep after the restart")
    assert sweep.last_summary == "swept 2025-05-09..2025-05-15: issued 1 of 1 due notice"
    assert _notices(factory) == [AHEAD, TODAY]
    leader, standby = sorted(again, key=lambda process: not sweep.last_holder.endswith(f":{process.pid}"))
    leader.wait_for("holding the scheduler lock")
    standby.wait_for("standby: another scheduler holds the lock")
    for process in again:
        process.popen.send_signal(signal.SIGTERM)
        assert process.popen.wait(timeout=TIMEOUT) == 0
    assert _job_runs(factory)["anniversaries"].run_count == 3
    assert _notices(factory) == [AHEAD, TODAY]


def test_serve_beside_a_running_scheduler_serves_and_stands_by(
    service: tuple[dict[str, str], sessionmaker[Session], Path], processes: list[Process]
) -> None:
    env, factory, _ = service
    clock_process = Process(["scheduler"], env, at=MAY_15)
    processes.append(clock_process)
    clock_process.wait_for("holding the scheduler lock")
    wait_until(lambda: _swept(factory, 1), "the scheduler's start-up sweep")
    web = Process(["serve", "--port", "0"], env, at=MAY_15)
    processes.append(web)
    web.wait_for("standby: another scheduler holds the lock")
    port = re.search(r"http://127\.0\.0\.1:(\d+)/", web.wait_for("http://127.0.0.1:"))
    assert port is not None
    with urllib.request.urlopen(f"http://127.0.0.1:{port[1]}/healthz", timeout=10) as response:
        health = json.load(response)
    assert health["jobs"]["anniversaries"]["last_holder"].endswith(f":{clock_process.pid}")
    assert health["jobs"]["anniversaries"]["swept_through"] == "2025-05-15"
    assert health["jobs"]["anniversaries"]["last_result"] == "ok"

    clock_process.popen.send_signal(signal.SIGKILL)
    clock_process.popen.wait(timeout=TIMEOUT)
    web.wait_for("holding the scheduler lock")
    sweep = wait_until(lambda: _swept(factory, 2), "serve's own start-up sweep")
    assert sweep.last_holder.endswith(f":{web.pid}")
    assert _notices(factory) == [TODAY]
    web.popen.send_signal(signal.SIGTERM)
    assert web.popen.wait(timeout=TIMEOUT) == 0


@pytest.mark.postgresql
def test_a_scheduler_that_loses_its_advisory_lock_stops(postgres_url: str, tmp_path: Path,
                                                        processes: list[Process]) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "feeds").mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CALENDAR_")}
    env.update({"CALENDAR_DATA_DIR": str(tmp_path / "data"), "CALENDAR_FEEDS_DIR": str(tmp_path / "feeds"),
                "CALENDAR_DATABASE_URL": postgres_url, "CALENDAR_LOCK_POLL_SECONDS": "1", "PYTHONUNBUFFERED": "1"})
    scheduler = Process(["scheduler"], env)
    processes.append(scheduler)
    scheduler.wait_for("holding the scheduler lock")
    admin = create_engine(postgres_url)
    with admin.connect() as connection:  # the lock's connection dies, as when the network goes
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                                "AND objid = :key"), {"key": ADVISORY_KEYS["scheduler"]})
        connection.commit()
    admin.dispose()
    scheduler.wait_for("the scheduler lost its lock and stopped")
    assert scheduler.popen.wait(timeout=TIMEOUT) == 1
