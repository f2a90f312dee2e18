"""Job runs: the scheduler's durable memory, one row per job, kept in our own tables.

APScheduler's job store lives in memory, so what must survive a restart (each job's last run,
its result, and the anniversary sweep's watermark) lives here, where ``/healthz``, operators and
every scheduler process can read it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from calendar_service.models.base import Base, UTCDateTime

__all__ = ["JobRun"]


class JobRun(Base):
    __tablename__ = "job_runs"

    #: The scheduler's job id ("anniversaries", "regenerate", "regenerate-on-change").
    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: How many runs have started, ever.
    run_count: Mapped[int] = mapped_column(Integer, default=0)
    last_started_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_finished_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: "running", "ok" or "failed"; "running" with no later finish means the run died.
    last_result: Mapped[str | None] = mapped_column(String(16))
    #: What the last run did, in one line ("issued 2 notices for 2025-05-08").
    last_summary: Mapped[str | None] = mapped_column(Text)
    #: The last failure's exception, in one line.
    last_error: Mapped[str | None] = mapped_column(Text)
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    #: Which process ran it last: "host:pid".
    last_holder: Mapped[str | None] = mapped_column(String(255))
    #: When the scheduler that holds the lock will run it next.
    next_run_dt: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The last day (service time zone) whose work is complete: the anniversary sweep resumes after it.
    watermark_date: Mapped[dt.date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<JobRun {self.job} #{self.run_count} {self.last_result}>"
