"""Two real ``calendar-service scheduler`` processes on one database: only the lock holder runs
jobs, and the standby takes over when the holder is killed. Waits are bounded polls of the
processes' output and the database, never fixed sleeps."""

from __future__ import annotations

import datetime as dt
import os
import queue
import signal
import subprocess
import sys
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.ingest.dataset import load_dataset
from calendar_service.models import JobRun, Notice
from calendar_service.publish import read_manifest
from calendar_service.queries import get_store_revision

from ..conftest import DATASET, NOW

pytestmark = pytest.mark.slow

TIMEOUT = 60.0


class Process:
    """A ``calendar-service`` subprocess whose merged output is read line by line in a thread."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-c", "from calendar_service.cli import main; main()", *args],
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


def today_in_moscow() -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")).date()


def _dataset_with_an_anniversary_today(target: Path) -> None:
    """The repository's dataset plus an event whose 10th anniversary is today in Moscow (real time)."""
    today = today_in_moscow()
    original = today.replace(year=today.year - 10) if (today.month, today.day) != (2, 29) else dt.date(
        today.year - 8, 2, 29)
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    data["events"].append({
        "id": "test-anniversary-today", "title": "Signing of a test agreement",
        "title_ru": "Подписание тестового соглашения", "start": original.isoformat(), "category": "milestone",
        "status": "held", "anniversary": True,
    })
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_two_scheduler_processes_run_each_job_once_and_the_standby_takes_over(
    tmp_path: Path, processes: list[Process]
) -> None:
    data_dir, feeds_dir = tmp_path / "data", tmp_path / "feeds"
    data_dir.mkdir()
    feeds_dir.mkdir()
    dataset = data_dir / "events.yaml"
    _dataset_with_an_anniversary_today(dataset)
    url = f"sqlite:///{data_dir / 'calendar.db'}"
    factory: sessionmaker[Session] = db.make_session_factory(url)
    db.migrate(factory)
    load_dataset(factory, dataset, now=NOW)
    env = {name: value for name, value in os.environ.items() if not name.startswith("CALENDAR_")}
    env.update({
        "CALENDAR_DATA_DIR": str(data_dir), "CALENDAR_FEEDS_DIR": str(feeds_dir), "CALENDAR_DATABASE_URL": url,
        "CALENDAR_CHANGE_POLL_SECONDS": "1", "CALENDAR_LOCK_POLL_SECONDS": "1", "CALENDAR_DAILY_AT": "00:00",
        "CALENDAR_BASE_URL": "https://calendar.example.org", "PYTHONUNBUFFERED": "1",
    })

    def job_runs() -> dict[str, JobRun]:
        with db.transaction(factory) as session:
            return {row.job: row for row in session.scalars(select(JobRun))}

    def notice_count() -> int:
        with db.transaction(factory) as session:
            return session.scalar(select(func.count()).select_from(Notice)) or 0

    first = Process(["scheduler"], env)
    processes.append(first)
    first.wait_for("holding the scheduler lock")
    second = Process(["scheduler"], env)
    processes.append(second)
    second.wait_for("standby: another scheduler holds the lock")

    wait_until(lambda: job_runs().get("anniversaries") is not None
               and job_runs()["anniversaries"].last_result == "ok", "the start-up anniversary sweep")
    wait_until(lambda: job_runs().get("regenerate-on-change") is not None
               and job_runs()["regenerate-on-change"].run_count >= 3, "three polls for store changes")

    # A change to the store is rendered within seconds.
    changed = yaml.safe_load(dataset.read_text(encoding="utf-8"))
    changed["events"][0]["summary"] += " (updated)"
    dataset.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_dataset(factory, dataset, now=NOW + dt.timedelta(hours=1))
    with db.transaction(factory) as session:
        revision = get_store_revision(session)
    wait_until(lambda: read_manifest(feeds_dir).get("revision") == revision, "the change to be rendered",
               timeout=15)

    runs = job_runs()
    assert runs["anniversaries"].run_count == 1
    assert runs["regenerate"].run_count == 0  # every REFRESH_MINUTES: not yet, but scheduled
    assert runs["regenerate"].next_run_dt is not None
    assert all((row.last_holder or "").endswith(f":{first.pid}") for row in runs.values() if row.run_count)
    assert notice_count() == 1
    assert not [line for line in second.drain() if " job " in line or "holding" in line]

    first.popen.send_signal(signal.SIGKILL)  # dies without letting anything go
    first.popen.wait(timeout=TIMEOUT)
    second.wait_for("holding the scheduler lock")
    wait_until(lambda: job_runs()["anniversaries"].run_count == 2
               and job_runs()["anniversaries"].last_result == "ok", "the new holder's start-up sweep")
    wait_until(lambda: (job_runs()["regenerate-on-change"].last_holder or "").endswith(f":{second.pid}"),
               "the new holder to poll for changes")
    runs = job_runs()
    assert runs["anniversaries"].last_holder.endswith(f":{second.pid}")
    assert runs["anniversaries"].last_summary == f"nothing to sweep: every day up to {today_in_moscow()} is done"
    assert notice_count() == 1

    second.popen.send_signal(signal.SIGTERM)
    assert second.popen.wait(timeout=TIMEOUT) == 0
    factory.kw["bind"].dispose()
