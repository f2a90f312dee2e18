from __future__ import annotations

import datetime as dt

import time_machine
from flask import Flask

from tests.conftest import NOW


def test_healthy_after_a_build(loaded: Flask) -> None:
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        response = loaded.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "events": 12, "revision": 1}
    assert set(body["feeds"]["files"]) >= {"calendar.ics", "feed.atom"}
    assert body["feeds"]["revision"] == 1


def test_stale_feeds_answer_503(loaded: Flask) -> None:
    # refresh is 15 minutes: older than twice that is unhealthy
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        response = loaded.test_client().get("/healthz")
    assert response.status_code == 503
    assert "31 minutes old" in response.json["problems"][0]


def test_nothing_published_answers_503(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["problems"] == ["no feeds published yet"]
