"""What ``/healthz`` says about the scheduled jobs: each job's last run and next run, from ``job_runs``.

Read by the web layer; it never imports APScheduler, as web workers run no scheduler.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from calendar_service.config import Settings
from calendar_service.models import JobRun
from calendar_service.notices.sweep import due_day
from calendar_service.scheduler import ANNIVERSARY_JOB

__all__ = ["judge_jobs"]


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def judge_jobs(
    rows: Sequence[JobRun], settings: Settings, now: dt.datetime
) -> tuple[list[str], dict[str, Any]]:
    """Return the problems found in the jobs' records and a report of every job's runs."""
    problems: list[str] = []
    report: dict[str, Any] = {}
    for row in rows:
        report[row.job] = {
            "runs": row.run_count,
            "last_started": _iso(row.last_started_dt),
            "last_finished": _iso(row.last_finished_dt),
            "last_result": row.last_result,
            "last_summary": row.last_summary,
            "last_error": row.last_error,
            "last_duration_ms": row.last_duration_ms,
            "last_holder": row.last_holder,
            "next_run": _iso(row.next_run_dt),
        }
        if row.job != ANNIVERSARY_JOB:
            continue
        report[row.job]["swept_through"] = _iso(row.watermark_date)
        if row.last_result == "failed":
            problems.append(f"the last anniversary sweep failed: {row.last_error}")
        due = due_day(now, settings.timezone, settings.daily_at)
        if row.watermark_date is not None and row.watermark_date < due - dt.timedelta(days=1):
            problems.append(f"anniversary notices are swept only through {row.watermark_date}; "
                            f"{due} is due (is the scheduler running?)")
    return problems, report
