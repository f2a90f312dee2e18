"""Build and run the APScheduler 3.x scheduler with every job declared in code, under the lock.

APScheduler's job stores cannot be shared between processes, so jobs live in memory, declared
here with explicit ids; what must survive a restart lives in the service's own tables
(``notices``, ``job_runs``). Only the process holding the scheduler lock
(:mod:`calendar_service.locks`) starts a scheduler; another waits as a standby and takes over when the holder
dies. ``serve`` runs a background scheduler beside the web server, ``calendar-service scheduler``
a blocking one; web workers never start one.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    EVENT_SCHEDULER_STARTED,
    JobEvent,
    SchedulerEvent,
)
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import clock
from calendar_service.config import Settings
from calendar_service.job_runs import record_next_run
from calendar_service.locks import Lock, database_lock
from calendar_service.scheduler import ANNIVERSARY_JOB, DELIVER_JOB, FETCH_JOB, jobs

__all__ = ["SchedulerLeader", "create_scheduler"]

log = logging.getLogger(__name__)

#: A daily sweep that misfired (the machine slept through DAILY_AT) still runs when it can; a
#: later day's run catches up through the watermark anyway.
DAILY_GRACE_SECONDS = 20 * 3600
_LOCK_WATCH = "scheduler-lock-watch"


def create_scheduler(
    factory: sessionmaker[Session], settings: Settings, *, blocking: bool, catch_up: bool = True
) -> BaseScheduler:
    """Return a scheduler (not started) with every job declared.

    Args:
        catch_up: run the anniversary sweep at once on start, so a service that was down at
            DAILY_AT issues that day's notices (and any missed day's) without waiting a day.
    """
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(
        jobs.run_job,
        CronTrigger(hour=settings.daily_at.hour, minute=settings.daily_at.minute, timezone=settings.timezone),
        args=(factory, settings, ANNIVERSARY_JOB),
        id=ANNIVERSARY_JOB,
        name="issue the day's anniversary notices",
        replace_existing=True,
        misfire_grace_time=DAILY_GRACE_SECONDS,
        **({"next_run_time": clock.now()} if catch_up else {}),
    )
    scheduler.add_job(
        jobs.run_job,
        "interval",
        minutes=settings.refresh_minutes,
        args=(factory, settings, "regenerate"),
        id="regenerate",
        name="re-render every feed",
        replace_existing=True,
        next_run_time=clock.now() + dt.timedelta(minutes=settings.refresh_minutes),
    )
    scheduler.add_job(
        jobs.run_job,
        "interval",
        minutes=settings.sources_every,
        args=(factory, settings, FETCH_JOB),
        id=FETCH_JOB,
        name="read the watched sources",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.run_job,
        "interval",
        seconds=settings.change_poll_seconds,
        args=(factory, settings, "regenerate-on-change"),
        id="regenerate-on-change",
        name="re-render soon after the store changes",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.run_job,
        "interval",
        seconds=settings.deliver_seconds,
        args=(factory, settings, DELIVER_JOB),
        id=DELIVER_JOB,
        name="send the reminders due (email, webhooks)",
        replace_existing=True,
    )
    _record_next_runs(scheduler, factory)
    return scheduler


def _record_next_runs(scheduler: BaseScheduler, factory: sessionmaker[Session]) -> None:
    def record(job_id: str) -> None:
        if job_id not in jobs.JOBS:
            return
        job = scheduler.get_job(job_id)
        record_next_run(factory, job_id, None if job is None else job.next_run_time)

    def on_event(event: SchedulerEvent) -> None:
        if isinstance(event, JobEvent):
            record(event.job_id)
        else:
            for job in scheduler.get_jobs():
                record(job.id)

    scheduler.add_listener(on_event, EVENT_SCHEDULER_STARTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)


class _JobsInFlight:
    """Tell when a scheduler's running jobs have all ended, so that stopping can wait for them.

    APScheduler 3's ``shutdown(wait=True)`` holds the job stores' lock while it waits, and a job
    that ends meanwhile hands its event to listeners that need that lock (the next-run record):
    they would wait for each other forever. So a scheduler is shut down without waiting, then
    waited for here. Counted per job, as a short run's end can be dispatched before its start.
    """

    def __init__(self, scheduler: BaseScheduler) -> None:
        self._submitted: dict[str, int] = {}
        self._ended: dict[str, int] = {}
        self._changed = threading.Condition()
        scheduler.add_listener(self._on_submitted, EVENT_JOB_SUBMITTED)
        scheduler.add_listener(self._on_ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _on_submitted(self, event: JobEvent) -> None:
        with self._changed:
            self._submitted[event.job_id] = self._submitted.get(event.job_id, 0) + 1

    def _on_ended(self, event: JobEvent) -> None:
        with self._changed:
            self._ended[event.job_id] = self._ended.get(event.job_id, 0) + 1
            self._changed.notify_all()

    def _idle(self) -> bool:
        return all(self._ended.get(job, 0) >= count for job, count in self._submitted.items())

    def wait(self) -> None:
        """Wait until every job submitted so far has ended."""
        with self._changed:
            self._changed.wait_for(self._idle)


class SchedulerLeader:
    """Run the scheduler only while this process holds the scheduler lock.

    ``start_background`` (for ``serve``) returns at once: it starts the scheduler now if the lock
    is free, or leaves a standby thread polling for it. ``run_blocking`` (for the ``scheduler``
    command) waits for the lock, then runs the scheduler in the foreground.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        settings: Settings,
        *,
        lock: Lock | None = None,
        on_standby: Callable[[str], None] | None = None,
        on_lead: Callable[[str], None] | None = None,
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.lock = lock if lock is not None else database_lock(factory.kw["bind"], "scheduler")
        self.scheduler: BaseScheduler | None = None
        self.lost_lock = False
        self._stop = threading.Event()
        self._on_standby = on_standby or (lambda message: log.info("%s", message))
        self._on_lead = on_lead or (lambda message: log.info("%s", message))
        self._thread: threading.Thread | None = None
        self._in_flight: list[_JobsInFlight] = []
        self._background = False

    @property
    def poll_seconds(self) -> int:
        return self.settings.lock_poll_seconds

    def try_lead(self, *, blocking: bool) -> bool:
        """Take the lock if it is free and create (not start) the scheduler; return whether leading."""
        if self.scheduler is not None:
            return True
        if not self.lock.acquire():
            return False
        self._on_lead(f"holding the scheduler lock ({self.lock.description}): running the jobs")
        self.scheduler = create_scheduler(self.factory, self.settings, blocking=blocking)
        self._in_flight.append(_JobsInFlight(self.scheduler))
        self.scheduler.add_job(self._watch_lock, "interval", seconds=self.poll_seconds, id=_LOCK_WATCH,
                               name="check the scheduler lock is still held", replace_existing=True)
        return True

    def _watch_lock(self) -> None:
        if self._stop.is_set():
            # A stop asked for while the scheduler was starting: it found nothing running to shut down.
            self.request_stop()
            return
        # A PostgreSQL lock goes with its connection; a holder that lost it must stop at once,
        # as a standby may already be running the jobs.
        if self.lock.is_held():
            return
        log.error("lost the scheduler lock (%s); stopping the scheduler", self.lock.description)
        self.lost_lock = True
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)  # stop() waits for its jobs still running
        if self._background and not self._stop.is_set():
            # serve keeps serving: its scheduler stands by again until it holds the lock.
            self._on_standby(self._standby_message())
            self._start_standby_thread()

    def _standby_message(self) -> str:
        return (f"standby: another scheduler holds the lock ({self.lock.description}); "
                f"trying again every {self.poll_seconds} s")

    def start_background(self) -> None:
        """Start the scheduler in the background now, or as soon as the lock is free."""
        self._background = True
        if self.try_lead(blocking=False):
            assert self.scheduler is not None
            self.scheduler.start()
            return
        self._on_standby(self._standby_message())
        self._start_standby_thread()

    def _start_standby_thread(self) -> None:
        def wait() -> None:
            while not self._stop.wait(self.poll_seconds):
                if self.try_lead(blocking=False):
                    assert self.scheduler is not None
                    self.scheduler.start()
                    return

        self._thread = threading.Thread(target=wait, name="scheduler-standby", daemon=True)
        self._thread.start()

    def run_blocking(self) -> None:
        """Wait for the lock, then run the scheduler until it is shut down or interrupted."""
        if not self.try_lead(blocking=True):
            self._on_standby(self._standby_message())
            while not self.try_lead(blocking=True):
                if self._stop.wait(self.poll_seconds):
                    return
        assert self.scheduler is not None
        if not self._stop.is_set():
            self.scheduler.start()

    def request_stop(self) -> None:
        """Ask the scheduler (or the standby wait) to stop, from any thread; :meth:`stop` finishes."""
        self._stop.set()
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    def stop(self) -> None:
        """Stop the scheduler (or the standby wait) and let the lock go."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_seconds + 1)
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        # The jobs still running use the database, which the caller may close next.
        for jobs_in_flight in self._in_flight:
            jobs_in_flight.wait()
        self.lock.release()
