"""Build and run the APScheduler 3.x scheduler with every job declared in code.

APScheduler's job stores cannot be shared between processes, so jobs live in memory, declared
here with explicit ids; what must survive a restart lives in the service's own tables.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from .. import clock
from . import jobs

__all__ = ["create_scheduler"]

log = logging.getLogger(__name__)


def create_scheduler(
    factory: sessionmaker[Session], settings: Mapping[str, Any], *, blocking: bool
) -> BaseScheduler:
    """Return a scheduler (not started) with the regenerate jobs declared."""
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        timezone=settings["TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(
        jobs.regenerate,
        "interval",
        minutes=settings["REFRESH_MINUTES"],
        args=(factory, settings),
        id="regenerate",
        name="re-render every feed",
        replace_existing=True,
        next_run_time=clock.now() + dt.timedelta(minutes=settings["REFRESH_MINUTES"]),
    )
    scheduler.add_job(
        jobs.regenerate_if_changed,
        "interval",
        seconds=settings["CHANGE_POLL_SECONDS"],
        args=(factory, settings),
        id="regenerate-on-change",
        name="re-render soon after the store changes",
        replace_existing=True,
    )
    return scheduler
