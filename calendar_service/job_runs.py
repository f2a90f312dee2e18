"""The one writer of ``job_runs``: each job's runs (start, finish, result, duration, what it did,
next run) and the anniversary sweep's watermark.

Every run, whether started by the scheduler or by ``run-job``, goes through :func:`run_recorded`,
so ``/healthz`` and operators see the same history, and each run is logged with its duration
and summary. A failure is recorded and then raised again: the scheduler's own error handling
(its job-error event and log line) still sees it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import clock
from calendar_service.db import transaction
from calendar_service.models import JobRun

__all__ = ["advance_watermark", "claim_job_row", "ensure_job_row", "holder_name", "list_job_runs", "record_next_run",
           "run_recorded"]

log = logging.getLogger(__name__)

T = TypeVar("T")
_MAX_TEXT = 2000


def ensure_job_row(factory: sessionmaker[Session], job: str) -> None:
    """Create the job's ``job_runs`` row unless it exists (safe from many processes at once)."""
    with transaction(factory) as session:
        if session.get(JobRun, job) is not None:
            return
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            session.execute(sqlite_insert(JobRun).values(job=job, run_count=0)
                            .on_conflict_do_nothing(index_elements=["job"]))
        elif dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as postgresql_insert

            session.execute(postgresql_insert(JobRun).values(job=job, run_count=0)
                            .on_conflict_do_nothing(index_elements=["job"]))
        else:
            session.add(JobRun(job=job, run_count=0))


def claim_job_row(session: Session, job: str) -> JobRun:
    """Lock ``job``'s row for this transaction and return it as stored now (:func:`ensure_job_row` first).

    Writing first makes this transaction the only writer of the job until it commits: SQLite takes
    its write lock now (waiting out busy_timeout) instead of failing a read-to-write upgrade later,
    and PostgreSQL locks the row, so the watermark read next is current.
    """
    session.execute(update(JobRun).where(JobRun.job == job).values(job=JobRun.job)
                    .execution_options(synchronize_session=False))
    row = session.get(JobRun, job, populate_existing=True)
    if row is None:
        raise LookupError(f"job {job!r} has no job_runs row: ensure_job_row runs first")
    return row


def advance_watermark(row: JobRun, day: dt.date) -> None:
    """Move the job's watermark (its last completed day) forward to ``day``; never back."""
    if row.watermark_date is None or day > row.watermark_date:
        row.watermark_date = day


def holder_name() -> str:
    """Name this process the way ``job_runs.last_holder`` records it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_recorded(
    factory: sessionmaker[Session],
    job: str,
    function: Callable[[], T],
    describe: Callable[[T], str],
    *,
    is_idle: Callable[[T], bool] | None = None,
) -> T:
    """Run ``function`` as a run of ``job``, recording its start and its outcome in ``job_runs``.

    ``describe`` says in one line what the run did, from what ``function`` returned; a run that
    ``is_idle`` says found nothing to do is logged at DEBUG (a poll every few seconds would
    otherwise fill the log), and recorded all the same.
    """
    ensure_job_row(factory, job)
    started_dt = clock.now()
    with transaction(factory) as session:
        row = session.get(JobRun, job, populate_existing=True)
        assert row is not None
        row.run_count += 1
        row.last_started_dt = started_dt
        row.last_result = "running"
        row.last_holder = holder_name()
    started = time.perf_counter()
    try:
        value = function()
    except BaseException as error:
        elapsed = time.perf_counter() - started
        _finish(factory, job, result="failed", summary="failed", error=f"{type(error).__name__}: {error}",
                elapsed=elapsed)
        log.error("job %s failed after %.2f s: %s: %s", job, elapsed, type(error).__name__, error)
        raise
    elapsed = time.perf_counter() - started
    summary = describe(value)[:_MAX_TEXT]
    _finish(factory, job, result="ok", summary=summary, error=None, elapsed=elapsed)
    level = logging.DEBUG if is_idle is not None and is_idle(value) else logging.INFO
    log.log(level, "job %s done in %.2f s: %s", job, elapsed, summary)
    return value


def _finish(
    factory: sessionmaker[Session], job: str, *, result: str, summary: str | None, error: str | None, elapsed: float
) -> None:
    with transaction(factory) as session:
        row = session.get(JobRun, job, populate_existing=True)
        assert row is not None
        row.last_finished_dt = clock.now()
        row.last_result = result
        row.last_duration_ms = round(elapsed * 1000)
        if summary is not None:
            row.last_summary = summary
        row.last_error = None if error is None else error[:_MAX_TEXT]


def record_next_run(factory: sessionmaker[Session], job: str, next_run_dt: dt.datetime | None) -> None:
    """Record when the scheduler will run ``job`` next (None: not scheduled)."""
    ensure_job_row(factory, job)
    with transaction(factory) as session:
        row = session.get(JobRun, job, populate_existing=True)
        assert row is not None
        row.next_run_dt = next_run_dt


def list_job_runs(session: Session) -> Sequence[JobRun]:
    """Return every job's row, by job id."""
    return session.scalars(select(JobRun).order_by(JobRun.job)).all()
