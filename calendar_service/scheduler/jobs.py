"""Scheduled jobs: thin, idempotent sweeps over the store. Durable state lives in our tables and
the feeds manifest, never in the scheduler, so any job run catches up by itself."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service import clock
from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.delivery.drain import DeliverResult, deliver_due
from calendar_service.delivery.outbox import queue_issued
from calendar_service.errors import NotFound
from calendar_service.job_runs import run_recorded
from calendar_service.notices.sweep import SweepResult, sweep_anniversaries
from calendar_service.publish.build import BuildResult, build_feeds
from calendar_service.publish.files import read_manifest
from calendar_service.scheduler import ANNIVERSARY_JOB, DELIVER_JOB, FETCH_JOB
from calendar_service.store.queries import get_store_revision
from calendar_service.store.writer import mark_changed

if TYPE_CHECKING:
    from calendar_service.ingest.sources.watch import FetchReport

__all__ = ["JOBS", "anniversaries", "deliver", "describe_build", "fetch", "regenerate", "regenerate_if_changed",
           "run_job"]

log = logging.getLogger(__name__)


def regenerate(factory: sessionmaker[Session], settings: Settings) -> BuildResult:
    """Re-render and publish every feed."""
    started = time.perf_counter()
    result = build_feeds(factory, settings, now=clock.now())
    log.info("regenerate: store revision %s, %d files, %.2f s", result.revision,
             len(result.manifest["files"]), time.perf_counter() - started)
    return result


def regenerate_if_changed(factory: sessionmaker[Session], settings: Settings) -> BuildResult | None:
    """Re-render only if the store changed since the feeds were last published.

    Polled every few seconds, this debounces bursts: a thousand writes between two polls cost
    one render.
    """
    with transaction(factory) as session:
        revision = get_store_revision(session)
    if read_manifest(settings.feeds_dir).get("revision") == revision:
        return None
    return regenerate(factory, settings)


def anniversaries(
    factory: sessionmaker[Session], settings: Settings, *, today: dt.date | None = None
) -> SweepResult:
    """Issue the anniversary notices of every day due and not swept yet (see :mod:`..notices`).

    A notice changes what is published: the store's revision is bumped in the transaction that
    issues it, so the change poll (``regenerate-on-change``) re-renders the feeds seconds later,
    not at the next periodic render. ``run-job``, with no scheduler polling, renders at once. Its
    deliveries to subscribers are added to the outbox in that same transaction.
    """
    now = clock.now()

    def on_issued(session: Session, ids: Sequence[int]) -> None:
        mark_changed(session, now)
        queue_issued(session, ids, now=now)

    return sweep_anniversaries(factory, settings, now=now, today=today, on_issued=on_issued)


def deliver(factory: sessionmaker[Session], settings: Settings) -> DeliverResult:
    """Send the reminders due: emails and webhooks (see :mod:`calendar_service.delivery.drain`)."""
    return deliver_due(factory, settings)


def fetch(factory: sessionmaker[Session], settings: Settings) -> FetchReport:
    """Read the watched sources that are due (see :mod:`calendar_service.ingest.sources.watch`).

    Events it creates bump the store's revision, so the change poll re-renders the feeds seconds later.
    """
    from calendar_service.ingest.sources.watch import fetch_sources  # the article reader loads in 0.4 s

    return fetch_sources(factory, settings, now=clock.now())


#: Every job the scheduler runs, by id; ``run-job`` and ``/healthz`` know them by these ids.
JOBS: dict[str, Callable[..., Any]] = {
    ANNIVERSARY_JOB: anniversaries,
    FETCH_JOB: fetch,
    DELIVER_JOB: deliver,
    "regenerate": regenerate,
    "regenerate-on-change": regenerate_if_changed,
}


def run_job(
    factory: sessionmaker[Session], settings: Settings, job: str, *, today: dt.date | None = None
) -> Any:
    """Run one job now, recorded in ``job_runs`` and logged with its duration and summary.

    Raises:
        NotFound: no job has that id.
    """
    if job not in JOBS:
        raise NotFound(f"no job {job!r}; the jobs are {', '.join(sorted(JOBS))}")
    if job == ANNIVERSARY_JOB:
        return run_recorded(factory, job, lambda: anniversaries(factory, settings, today=today), SweepResult.summary,
                            is_idle=lambda result: not result.issued and not result.skipped)
    if job == FETCH_JOB:
        return run_recorded(factory, job, lambda: fetch(factory, settings), lambda report: report.summary(),
                            is_idle=lambda report: report.is_idle)
    if job == DELIVER_JOB:
        return run_recorded(factory, job, lambda: deliver(factory, settings), DeliverResult.summary,
                            is_idle=lambda result: not (result.sent or result.retrying or result.failed))
    return run_recorded(factory, job, lambda: JOBS[job](factory, settings), describe_build,
                        is_idle=lambda result: result is None)


def describe_build(result: BuildResult | None) -> str:
    """Say in one line what a regenerate run did."""
    if result is None:
        return "store unchanged since the last render"
    text = f"rendered store revision {result.revision} into {len(result.manifest['files'])} files"
    return text + "".join(f"; warning: {warning}" for warning in result.warnings)
