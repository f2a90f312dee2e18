"""The scheduler: one process (``serve`` or ``calendar-service scheduler``) that drives the
time-based work. Web workers never start it."""

__all__ = ["ANNIVERSARY_JOB", "DELIVER_JOB", "FETCH_JOB", "JOB_NAMES"]

#: The daily anniversary sweep's job id.
ANNIVERSARY_JOB = "anniversaries"
#: The job that sends the reminders due (the outbox's drain).
DELIVER_JOB = "deliver"
#: The job that reads the watched sources, every CALENDAR_SOURCES_EVERY minutes.
FETCH_JOB = "fetch"
#: Every job the scheduler runs (see :data:`calendar_service.scheduler.jobs.JOBS`), by id:
#: ``run-job``, the ``job_runs`` table and ``/healthz`` know them by these.
JOB_NAMES = (ANNIVERSARY_JOB, DELIVER_JOB, FETCH_JOB, "regenerate", "regenerate-on-change")
