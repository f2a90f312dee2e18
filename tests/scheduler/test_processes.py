"""Two real ``calendar-service scheduler`` processes on one database: only the lock holder runs
jobs, and the standby takes over when the holder is killed. Each process starts its clock at a
given moment with time-machine (then it runs on, in real time), so the notices for 15 May are
seen issued on 8 and 15 May. Every wait is for something a process says (a job's "done" line is
logged after its run is committed), never for a timer; the database is read once it has spoken."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import sys
import urllib.request
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.ingest.dataset import load_dataset
from calendar_service.locks import ADVISORY_KEYS
from calendar_service.models import JobRun, Notice
from calendar_service.publish.files import read_manifest
from calendar_service.store.queries import get_store_revision
from tests.conftest import DATASET, NOW
from tests.pg import Engines, engines
from tests.process import SAY_SECONDS, Process, wait_for_any
from tests.warm import Warm

ANNIVERSARY_NOTICE = Notice.kind.in_(("anniversary_ahead", "anniversary_today"))  # not announced/changed

pytestmark = pytest.mark.slow

LEADING = "holding the scheduler lock"
STANDING_BY = "standby: another scheduler holds the lock"
SWEPT = "job anniversaries done"
POLLED = "job regenerate-on-change done"


def service_process(warm: Warm, args: list[str], env: dict[str, str], *, at: dt.datetime | None = None
                    ) -> Process:
    """Start ``calendar-service ARGS`` from ``warm``, its clock set to ``at`` (then ticking) when given."""
    clock = "" if at is None else (
        "import datetime, time_machine\n"
        f"time_machine.travel(datetime.datetime.fromisoformat({at.isoformat()!r}), tick=True).start()\n")
    return Process([sys.executable, "-c", clock + "from calendar_service.cli import main; main()", *args], env,
                   warm=warm)


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
MAY_8 = dt.datetime(2025, 5, 8, 6, 0, 1, tzinfo=MOSCOW)
MAY_15 = dt.datetime(2025, 5, 15, 6, 0, 1, tzinfo=MOSCOW)


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite),
                        pytest.param("postgresql", marks=pytest.mark.postgresql)])
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
        "CALENDAR_LOG_LEVEL": "DEBUG",  # a run that found nothing to do says so only at DEBUG
    })
    with engines() as opened:
        yield env, opened.session_factory(url), data_dir


def _job_runs(factory: sessionmaker[Session]) -> dict[str, JobRun]:
    with db.transaction(factory) as session:
        return {row.job: row for row in session.scalars(select(JobRun))}


def _notices(factory: sessionmaker[Session]) -> list[tuple[str, int, int, dt.date]]:
    with db.transaction(factory) as session:
        rows = session.scalars(select(Notice).where(ANNIVERSARY_NOTICE).order_by(Notice.id)).all()
        return [(row.kind, row.occurrence_year, row.lead_days, row.issued_dt.astimezone(MOSCOW).date())
                for row in rows]


AHEAD = ("anniversary_ahead", 2025, 7, dt.date(2025, 5, 8))
TODAY = ("anniversary_today", 2025, 0, dt.date(2025, 5, 15))


def _holder(row: JobRun) -> int:
    """The process id of the holder that last ran the job (``host:pid``)."""
    return int((row.last_holder or ":0").rsplit(":", 1)[1])


def test_two_scheduler_processes_run_each_job_once_and_the_standby_takes_over(
    service: tuple[dict[str, str], sessionmaker[Session], Path], processes: list[Process], warm: Warm
) -> None:
    env, factory, data_dir = service
    # 8 May, just after 06:00 in Moscow: two schedulers started together on a fresh database
    # (both migrate and find the store empty).
    processes.extend([service_process(warm, ["scheduler"], env, at=MAY_8) for _ in range(2)])
    first = wait_for_any(processes, SWEPT)
    [second] = [process for process in processes if process is not first]
    first.wait_for(LEADING)
    second.wait_for(STANDING_BY)
    sweep = _job_runs(factory)["anniversaries"]
    assert (sweep.run_count, sweep.last_result, _holder(sweep)) == (1, "ok", first.pid)
    assert sweep.last_summary == "swept 2025-05-08: issued 1 of 1 due notice"
    first.wait_for(POLLED, times=3)

    # A change to the store is rendered within seconds.
    dataset = data_dir / "events.yaml"
    changed = yaml.safe_load(dataset.read_text(encoding="utf-8"))
    changed["events"][0]["summary"] += " (updated)"
    dataset.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_dataset(factory, dataset, now=NOW + dt.timedelta(hours=1))
    with db.transaction(factory) as session:
        revision = get_store_revision(session)
    first.wait_for(f"regenerate: store revision {revision},")
    feeds_dir = Path(env["CALENDAR_FEEDS_DIR"])
    assert read_manifest(feeds_dir)["revision"] == revision

    runs = _job_runs(factory)
    assert runs["anniversaries"].run_count == 1
    assert runs["regenerate"].run_count == 0  # every REFRESH_MINUTES (15): not yet, but scheduled
    refresh = dt.timedelta(minutes=15)
    assert MAY_8 + refresh <= runs["regenerate"].next_run_dt <= MAY_8 + refresh + dt.timedelta(seconds=SAY_SECONDS)
    assert runs["anniversaries"].next_run_dt == dt.datetime(2025, 5, 9, 3, 0, tzinfo=dt.UTC)  # 06:00 Moscow
    assert {_holder(row) for row in runs.values() if row.run_count} == {first.pid}
    assert _notices(factory) == [AHEAD]
    assert not [line for line in second.lines if " job " in line or LEADING in line]

    first.popen.send_signal(signal.SIGKILL)  # dies without letting anything go
    first.popen.wait(timeout=SAY_SECONDS)
    second.wait_for(LEADING)
    second.wait_for(SWEPT)
    sweep = _job_runs(factory)["anniversaries"]
    assert (sweep.run_count, sweep.last_result, _holder(sweep)) == (2, "ok", second.pid)
    assert sweep.last_summary == "nothing to sweep: every day up to 2025-05-08 is done"
    second.wait_for(POLLED)
    assert _holder(_job_runs(factory)["regenerate-on-change"]) == second.pid
    assert _notices(factory) == [AHEAD]
    assert second.terminate() == 0

    # The service was down from 8 May to 15 May, 06:00: restarted, it catches up and issues the
    # day's notice; the 8 May notice is not issued again.
    again = [service_process(warm, ["scheduler"], env, at=MAY_15) for _ in range(2)]
    processes.extend(again)
    leader = wait_for_any(again, SWEPT)
    [standby] = [process for process in again if process is not leader]
    sweep = _job_runs(factory)["anniversaries"]
    assert (sweep.run_count, _holder(sweep)) == (3, leader.pid)
    assert sweep.last_summary == "swept 2025-05-09..2025-05-15: issued 1 of 1 due notice"
    assert _notices(factory) == [AHEAD, TODAY]
    leader.wait_for(LEADING)
    standby.wait_for(STANDING_BY)
    # The standby goes first: stopped after the leader, it could take the lock over and sweep again.
    assert standby.terminate() == 0
    assert leader.terminate() == 0
    assert not standby.said(LEADING)
    assert _job_runs(factory)["anniversaries"].run_count == 3
    assert _notices(factory) == [AHEAD, TODAY]


def test_serve_beside_a_running_scheduler_serves_and_stands_by(
    service: tuple[dict[str, str], sessionmaker[Session], Path], processes: list[Process], warm: Warm
) -> None:
    env, factory, _ = service
    clock_process = service_process(warm, ["scheduler"], env, at=MAY_15)
    processes.append(clock_process)
    clock_process.wait_for(LEADING)
    clock_process.wait_for(SWEPT)
    web = service_process(warm, ["serve", "--port", "0"], env, at=MAY_15)
    processes.append(web)
    web.wait_for(STANDING_BY)
    port = re.search(r"http://127\.0\.0\.1:(\d+)/", web.wait_for("http://127.0.0.1:"))
    assert port is not None
    with urllib.request.urlopen(f"http://127.0.0.1:{port[1]}/healthz", timeout=SAY_SECONDS) as response:
        health = json.load(response)
    assert health["jobs"]["anniversaries"]["last_holder"].endswith(f":{clock_process.pid}")
    assert health["jobs"]["anniversaries"]["swept_through"] == "2025-05-15"
    assert health["jobs"]["anniversaries"]["last_result"] == "ok"

    clock_process.popen.send_signal(signal.SIGKILL)
    clock_process.popen.wait(timeout=SAY_SECONDS)
    web.wait_for(LEADING)
    web.wait_for(SWEPT)
    sweep = _job_runs(factory)["anniversaries"]
    assert (sweep.run_count, sweep.last_result, _holder(sweep)) == (2, "ok", web.pid)
    assert _notices(factory) == [TODAY]
    assert web.terminate() == 0


@pytest.mark.postgresql
def test_a_scheduler_that_loses_its_advisory_lock_stops(postgres_url: str, tmp_path: Path, pg_engines: Engines,
                                                        processes: list[Process], warm: Warm) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "feeds").mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CALENDAR_")}
    env.update({"CALENDAR_DATA_DIR": str(tmp_path / "data"), "CALENDAR_FEEDS_DIR": str(tmp_path / "feeds"),
                "CALENDAR_DATABASE_URL": postgres_url, "CALENDAR_LOCK_POLL_SECONDS": "1", "PYTHONUNBUFFERED": "1"})
    scheduler = service_process(warm, ["scheduler"], env)
    processes.append(scheduler)
    scheduler.wait_for(LEADING)
    # The lock's connection dies, as when the network goes.
    with pg_engines.engine(postgres_url).connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                                "AND objid = :key AND database = (SELECT oid FROM pg_database "
                                "WHERE datname = current_database())"), {"key": ADVISORY_KEYS["scheduler"]})
        connection.commit()
    scheduler.wait_for("the scheduler lost its lock and stopped")
    assert scheduler.popen.wait(timeout=SAY_SECONDS) == 1
