"""``/healthz`` reports each job's last and next run, and fails when the anniversary sweep does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.notices import sweep as notices
from calendar_service.scheduler import jobs
from tests.conftest import NOW


def test_health_reports_each_jobs_runs(loaded: Flask, factory: sessionmaker[Session], client: FlaskClient) -> None:
    with time_machine.travel(NOW, tick=False):
        jobs.run_job(factory, get_settings(loaded), "anniversaries")
        jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")
        response = client.get("/healthz")
    assert response.status_code == 200, response.json
    report = response.json["jobs"]
    assert set(report) == {"anniversaries", "regenerate-on-change"}
    assert report["anniversaries"]["last_result"] == "ok"
    assert report["anniversaries"]["last_finished"] == NOW.isoformat()
    assert report["anniversaries"]["swept_through"] == "2025-01-15"
    assert report["anniversaries"]["runs"] == 1
    assert report["regenerate-on-change"]["last_summary"] == "store unchanged since the last render"
    assert {"next_run", "last_duration_ms", "last_holder", "last_error"} <= set(report["anniversaries"])


def test_a_failed_anniversary_sweep_makes_health_fail(
    loaded: Flask, factory: sessionmaker[Session], client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("boom")

    with time_machine.travel(NOW, tick=False):
        with monkeypatch.context() as patch:
            patch.setattr(notices, "advance_watermark", broken)
            with pytest.raises(RuntimeError):
                jobs.run_job(factory, get_settings(loaded), "anniversaries")
        failing = client.get("/healthz")
        jobs.run_job(factory, get_settings(loaded), "anniversaries")
        healed = client.get("/healthz")
    assert failing.status_code == 503
    assert "the last anniversary sweep failed: RuntimeError: boom" in failing.json["problems"]
    assert failing.json["jobs"]["anniversaries"]["last_result"] == "failed"
    assert healed.status_code == 200


def test_a_sweep_days_behind_makes_health_fail(loaded: Flask, factory: sessionmaker[Session],
                                               client: FlaskClient) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        jobs.run_job(factory, get_settings(loaded), "anniversaries")
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert any("swept only through 2025-01-12" in problem for problem in response.json["problems"])


def test_stale_feeds_still_make_health_fail(loaded: Flask, client: FlaskClient) -> None:
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        assert client.get("/healthz").status_code == 503
    with time_machine.travel(NOW + dt.timedelta(minutes=29), tick=False):
        assert client.get("/healthz").status_code == 200
