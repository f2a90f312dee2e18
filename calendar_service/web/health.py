"""``/healthz``: can the service answer, and are its feeds fresh?"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from calendar_service import clock, get_settings
from calendar_service.config import Settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.delivery.outbox import report_deliveries
from calendar_service.errors import ConfigurationError
from calendar_service.job_runs import list_job_runs
from calendar_service.publish.files import read_manifest
from calendar_service.scheduler.status import judge_jobs
from calendar_service.store.queries import count_events, get_store_revision
from calendar_service.store.sources import list_sources

__all__ = ["blueprint", "health_report"]

blueprint = Blueprint("health", __name__)


def health_report(
    settings: Settings, database: dict[str, Any], now: dt.datetime, jobs: dict[str, Any] | None = None,
    sources: dict[str, Any] | None = None,
    deliveries: dict[str, Any] | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Judge the service's health from the database facts, the published manifest and the jobs' runs.

    ``jobs`` is what :func:`calendar_service.scheduler.status.judge_jobs` found: its problems and report;
    ``deliveries`` what :func:`calendar_service.delivery.outbox.report_deliveries` found. Failing
    subscriptions are shown, not counted as a problem: a subscriber's receiver being down does not
    make the service unhealthy.
    """
    manifest = read_manifest(settings.feeds_dir)
    problems: list[str] = []
    if not database.get("ok"):
        problems.append("database unreachable")
    published_at = manifest.get("published_at")
    age = None
    if published_at is None:
        problems.append("no feeds published yet")
    else:
        age = (now - dt.datetime.fromisoformat(published_at)).total_seconds()
        if age > 2 * 60 * settings.refresh_minutes:
            problems.append(f"feeds are {int(age // 60)} minutes old; the refresh interval is "
                            f"{settings.refresh_minutes} minutes (is the scheduler running?)")
    report = {
        "status": "ok" if not problems else "unhealthy",
        "problems": problems,
        "database": database,
        "feeds": {
            "published_at": published_at,
            "age_seconds": None if age is None else int(age),
            "revision": manifest.get("revision"),
            "warnings": manifest.get("warnings", []),
            "files": {name: {"size": entry["size"], "last_modified": entry["last_modified"]}
                      for name, entry in sorted(manifest["files"].items())},
        },
        "jobs": (jobs or {}).get("report", {}),
        # A failing source is the source's trouble, not the service's: reported, not made a problem.
        "sources": sources or {"count": 0, "failing": []},
        "deliveries": (deliveries or {}).get("report", {}),
    }
    problems.extend((jobs or {}).get("problems", []))
    problems.extend((deliveries or {}).get("problems", []))
    report["status"] = "ok" if not problems else "unhealthy"
    return not problems, report


def _sources_report(session: Session) -> dict[str, Any]:
    """Return how many sources are watched, and each failing one with its error and next try."""
    rows = list_sources(session)
    failing = [{"name": row.name, "failures": row.failures, "last_error": row.last_error,
                "last_success": row.last_success_dt.isoformat() if row.last_success_dt else None,
                "retry_after": row.retry_dt.isoformat() if row.retry_dt else None}
               for row in rows if row.is_enabled and row.failures]
    return {"count": len(rows), "enabled": sum(1 for row in rows if row.is_enabled), "failing": failing}


@blueprint.get("/healthz")
def healthz() -> Response:
    database: dict[str, Any]
    jobs: dict[str, Any] = {}
    sources: dict[str, Any] | None = None
    deliveries: dict[str, Any] = {}
    now = clock.now()
    try:
        with transaction(get_session_factory(current_app)) as session:
            database = {"ok": True, "events": count_events(session), "revision": get_store_revision(session)}
            job_problems, job_report = judge_jobs(list_job_runs(session), get_settings(current_app), now)
            jobs = {"problems": job_problems, "report": job_report}
            sources = _sources_report(session)
            delivery_problems, delivery_report = report_deliveries(session, now=now)
            deliveries = {"problems": delivery_problems, "report": delivery_report}
    except (ConfigurationError, SQLAlchemyError) as error:
        database = {"ok": False, "error": type(error).__name__}
    healthy, report = health_report(get_settings(current_app), database, now, jobs, sources, deliveries)
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
