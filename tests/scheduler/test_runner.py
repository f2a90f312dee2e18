"""The scheduler declares its jobs in code, runs only under the lock, and records each run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import zoneinfo
from typing import Any

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db, get_settings
from calendar_service.config import Settings
from calendar_service.job_runs import holder_name
from calendar_service.locks import FileLock
from calendar_service.models import JobRun
from calendar_service.scheduler import jobs
from calendar_service.scheduler.runner import DAILY_GRACE_SECONDS, SchedulerLeader, create_scheduler

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def test_every_job_is_declared_with_an_id_and_the_house_defaults(
    loaded: Flask, factory: sessionmaker[Session]
) -> None:
    assert isinstance(create_scheduler(factory, get_settings(loaded), blocking=True), BlockingScheduler)
    scheduler = create_scheduler(factory, get_settings(loaded), blocking=False)
    assert isinstance(scheduler, BackgroundScheduler)
    assert all(replace for _job, _store, replace in scheduler._pending_jobs)
    scheduler.start(paused=True)  # job defaults are applied as jobs enter the job store
    try:
        declared = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(declared) == {"anniversaries", "deliver", "fetch", "regenerate", "regenerate-on-change"}
    for job in declared.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == (DAILY_GRACE_SECONDS if job.id == "anniversaries" else 300)
        assert job.args[2] == job.id
    assert declared["anniversaries"].misfire_grace_time >= 12 * 3600
    assert isinstance(declared["regenerate"].trigger, IntervalTrigger)
    assert declared["regenerate"].trigger.interval == dt.timedelta(minutes=15)
    assert declared["regenerate-on-change"].trigger.interval == dt.timedelta(seconds=5)
    assert declared["fetch"].trigger.interval == dt.timedelta(minutes=30)  # CALENDAR_SOURCES_EVERY
    assert declared["deliver"].trigger.interval == dt.timedelta(seconds=30)
    with db.transaction(factory) as session:  # the scheduler recorded when each job runs next
        assert {job: session.get(JobRun, job).next_run_dt for job in declared} == {
            job.id: job.next_run_time for job in declared.values()}


def test_the_anniversary_sweep_runs_daily_at_daily_at_in_the_service_time_zone(
    loaded: Flask, factory: sessionmaker[Session]
) -> None:
    scheduler = create_scheduler(factory, get_settings(loaded), blocking=False)
    trigger = scheduler.get_job("anniversaries").trigger
    assert isinstance(trigger, CronTrigger)
    after = dt.datetime(2025, 5, 8, 7, 0, tzinfo=MOSCOW)
    assert trigger.get_next_fire_time(None, after) == dt.datetime(2025, 5, 9, 6, 0, tzinfo=MOSCOW)
    almaty_settings = dataclasses.replace(get_settings(loaded), daily_at=dt.time(9, 15),
                                          timezone=zoneinfo.ZoneInfo("Asia/Almaty"))
    other = create_scheduler(factory, almaty_settings, blocking=False).get_job("anniversaries").trigger
    almaty = zoneinfo.ZoneInfo("Asia/Almaty")
    assert other.get_next_fire_time(None, dt.datetime(2025, 5, 8, 10, tzinfo=almaty)) == dt.datetime(
        2025, 5, 9, 9, 15, tzinfo=almaty)


def test_the_anniversary_sweep_also_runs_at_start_to_catch_up(loaded: Flask, factory: sessionmaker[Session]) -> None:
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=MOSCOW), tick=False):
        scheduler = create_scheduler(factory, get_settings(loaded), blocking=False)
        assert scheduler.get_job("anniversaries").next_run_time == dt.datetime(2025, 5, 8, 6, 0, tzinfo=dt.UTC)
        later = create_scheduler(factory, get_settings(loaded), blocking=False, catch_up=False)
        assert not hasattr(later.get_job("anniversaries"), "next_run_time")


def test_run_job_records_each_run(loaded: Flask, factory: sessionmaker[Session]) -> None:
    with time_machine.travel(dt.datetime(2025, 5, 8, 6, 30, tzinfo=MOSCOW), tick=False):
        jobs.run_job(factory, get_settings(loaded), "anniversaries")
        jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")
    with db.transaction(factory) as session:
        sweep = session.get(JobRun, "anniversaries")
        assert sweep is not None
        assert sweep.run_count == 1
        assert sweep.last_result == "ok"
        assert sweep.last_summary == "swept 2025-05-08: issued 1 of 1 due notice"
        assert sweep.last_started_dt == sweep.last_finished_dt == dt.datetime(2025, 5, 8, 3, 30, tzinfo=dt.UTC)
        assert 0 <= sweep.last_duration_ms < 60_000
        assert sweep.last_holder == holder_name()
        assert sweep.watermark_date == dt.date(2025, 5, 8)
        poll = session.get(JobRun, "regenerate-on-change")
        assert poll is not None
        assert poll.last_summary.startswith("rendered store revision")  # the notice issued is published


def test_a_failed_run_is_recorded_and_raised(
    loaded: Flask, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "build_feeds", broken)
    with pytest.raises(OSError, match="disk full"):
        jobs.run_job(factory, get_settings(loaded), "regenerate")
    with db.transaction(factory) as session:
        row = session.get(JobRun, "regenerate")
        assert row is not None
        assert (row.last_result, row.last_error) == ("failed", "OSError: disk full")


def _leader(factory: sessionmaker[Session], settings: Settings, lock: FileLock,
            said: list[str]) -> SchedulerLeader:
    return SchedulerLeader(factory, dataclasses.replace(settings, lock_poll_seconds=1), lock=lock,
                           on_standby=said.append, on_lead=said.append)


def test_only_the_lock_holder_leads_and_a_standby_takes_over(
    loaded: Flask, factory: sessionmaker[Session], tmp_path: Any
) -> None:
    said: list[str] = []
    first = _leader(factory, get_settings(loaded), FileLock(tmp_path / "s.lock"), said)
    second = _leader(factory, get_settings(loaded), FileLock(tmp_path / "s.lock"), said)
    assert first.try_lead(blocking=False)
    assert not second.try_lead(blocking=False)
    assert second.scheduler is None
    first.stop()
    assert second.try_lead(blocking=False)
    assert second.scheduler is not None
    assert {job.id for job in second.scheduler.get_jobs()} >= {"anniversaries", "regenerate"}
    second.stop()
    assert said[0].startswith("holding the scheduler lock")


def test_a_background_standby_starts_its_scheduler_when_the_holder_goes(
    loaded: Flask, factory: sessionmaker[Session], tmp_path: Any
) -> None:
    said: list[str] = []
    holder = FileLock(tmp_path / "s.lock")
    assert holder.acquire()
    standby = _leader(factory, get_settings(loaded), FileLock(tmp_path / "s.lock"), said)
    standby.start_background()
    try:
        assert standby.scheduler is None
        assert said[0].startswith("standby: another scheduler holds the lock")
        swept = threading.Event()

        def on_lead(message: str) -> None:
            said.append(message)

        standby._on_lead = on_lead
        holder.release()
        # Bounded waits on the standby thread and on the sweep it runs at once when it leads.
        for _ in range(100):
            if standby.scheduler is not None and standby.scheduler.running:
                break
            standby._stop.wait(0.05)
        assert standby.scheduler is not None

        def done(event: JobExecutionEvent) -> None:
            if event.job_id == "anniversaries":
                swept.set()

        standby.scheduler.add_listener(done, EVENT_JOB_EXECUTED)
        with db.transaction(factory) as session:
            row = session.get(JobRun, "anniversaries")
            finished = row is not None and row.last_result == "ok"
        assert finished or swept.wait(timeout=10)
    finally:
        standby.stop()
    assert not standby.lock.is_held()
    assert said[-1].startswith("holding the scheduler lock")


def test_a_stop_asked_from_another_thread_ends_a_blocking_scheduler_and_its_standby_wait(
    loaded: Flask, factory: sessionmaker[Session], tmp_path: Any
) -> None:
    said: list[str] = []
    leader = _leader(factory, get_settings(loaded), FileLock(tmp_path / "s.lock"), said)
    standby = _leader(factory, get_settings(loaded), FileLock(tmp_path / "s.lock"), said)
    runs = [threading.Thread(target=leader.run_blocking), threading.Thread(target=standby.run_blocking)]
    runs[0].start()
    for _ in range(200):  # bounded: the leader's scheduler is running, the standby is waiting
        if leader.scheduler is not None and leader.scheduler.running:
            break
        leader._stop.wait(0.05)
    runs[1].start()
    try:
        assert leader.scheduler is not None
        assert leader.scheduler.running
        # As the SIGTERM handler of `calendar-service scheduler` does: from a thread of its own.
        for who in (standby, leader):
            threading.Thread(target=who.request_stop).start()
        for run in runs:
            run.join(timeout=10)
        assert [run.is_alive() for run in runs] == [False, False]
    finally:
        leader.stop()
        standby.stop()
    assert not leader.lock.is_held()
    assert standby.scheduler is None


def test_a_stop_asked_before_the_scheduler_starts_keeps_it_from_starting(
    loaded: Flask, factory: sessionmaker[Session], tmp_path: Any
) -> None:
    leader = _leader(factory, get_settings(loaded), FileLock(tmp_path / "s.lock"), [])
    leader.request_stop()
    run = threading.Thread(target=leader.run_blocking)
    run.start()
    run.join(timeout=10)
    try:
        assert not run.is_alive()
        assert leader.scheduler is not None
        assert not leader.scheduler.running
    finally:
        leader.stop()
