"""The write API over real HTTP (Flask's test client): create, change, cancel, purge, history, ETags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import icalendar
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.models import Notice, StoreState
from calendar_service.publish.build import build_feeds
from tests.conftest import NOW

NEW = {"title": "Consultations of the CSTO deputy foreign ministers", "start": "2025-03-12", "end": "2025-03-13",
       "category": "consultation", "status": "planned", "city": "Minsk", "country": "BY",
       "countries": ["BY", "RU"], "bodies": ["CSTO Secretariat"]}


@pytest.fixture
def http(loaded: Flask) -> FlaskClient:
    return loaded.test_client()


def _create(http: FlaskClient, editor: dict[str, str], **changes: Any) -> Any:
    response = http.post("/api/events", json={**NEW, **changes}, headers=editor)
    assert response.status_code == 201, response.get_json()
    return response


def test_an_editor_creates_an_event_that_is_theirs_and_announced(
        http: FlaskClient, editor: dict[str, str], factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        revision = session.get(StoreState, 1).revision
    response = _create(http, editor)
    body = response.get_json()
    assert body["start"] == "2025-03-12"
    assert body["end"] == "2025-03-13"
    assert body["location"]["city"] == "Minsk"
    assert body["provenance"]["start"] == {"origin": "editor", "editor": "alice"}
    assert body["provenance"]["title"] == {"origin": "editor", "editor": "alice"}
    assert response.headers["ETag"] == f'"v{body["version"]}"'
    assert response.headers["Location"].endswith(f"/api/events/{body['uid']}")
    read = http.get(f"/api/events/{body['uid']}")
    assert read.get_json()["title"] == NEW["title"]
    assert read.headers["ETag"] == response.headers["ETag"]
    with transaction(factory) as session:
        assert session.get(StoreState, 1).revision == revision + 1  # the scheduler re-renders soon
        kinds = [n.kind for n in session.scalars(select(Notice)) if n.event.uid == body["uid"]]
    assert kinds == ["announced"]
    history = http.get(f"/api/events/{body['uid']}/history").get_json()
    assert [change["action"] for change in history["changes"]] == ["created"]
    assert history["changes"][0]["by"] == "editor:alice"
    assert history["changes"][0]["changes"]["start"] == {"before": None, "after": "2025-03-12"}


def test_a_change_needs_the_current_etag_and_bumps_the_sequence(
        http: FlaskClient, editor: dict[str, str], loaded: Flask, factory: sessionmaker[Session]) -> None:
    created = _create(http, editor)
    uid, etag = created.get_json()["uid"], created.headers["ETag"]
    missing = http.patch(f"/api/events/{uid}", json={"status": "postponed"}, headers=editor)
    assert missing.status_code == 428
    with time_machine.travel(NOW.replace(hour=12), tick=False):
        changed = http.patch(f"/api/events/{uid}", json={"start": "2025-03-19", "end": "2025-03-20"},
                             headers={**editor, "If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["sequence"] == 1
    assert changed.headers["ETag"] != etag
    stale = http.patch(f"/api/events/{uid}", json={"status": "cancelled"}, headers={**editor, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    assert http.get(f"/api/events/{uid}").get_json()["status"] == "planned"  # nothing changed
    history = http.get(f"/api/events/{uid}/history").get_json()["changes"]
    assert history[-1]["action"] == "updated"
    assert history[-1]["changes"] == {"start": {"before": "2025-03-12", "after": "2025-03-19"},
                                      "end": {"before": "2025-03-13", "after": "2025-03-20"}}
    with transaction(factory) as session:
        notices = [(n.kind, n.event_sequence) for n in session.scalars(select(Notice)) if n.event.uid == uid]
    assert ("changed", 1) in notices
    # The calendar rendered after the change carries the new dates and SEQUENCE.
    build_feeds(factory, get_settings(loaded), now=NOW.replace(hour=13))
    calendar = icalendar.Calendar.from_ical(http.get(f"/events/{uid}.ics").data)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["DTSTART"].dt) == "2025-03-19"
    assert int(vevent["SEQUENCE"]) == 1


def test_an_editors_value_is_kept_by_the_next_dataset_load_of_the_same_event(
        http: FlaskClient, editor: dict[str, str]) -> None:
    events = http.get("/api/events?category=milestone").get_json()["events"]
    target = events[0]
    read = http.get(f"/api/events/{target['uid']}")
    changed = http.patch(f"/api/events/{target['uid']}", json={"summary": "Rewritten by the desk."},
                         headers={**editor, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.get_json()["provenance"]["summary"] == {"origin": "editor", "editor": "alice"}
    assert changed.get_json()["provenance"]["title"]["origin"] == "dataset"


def test_delete_cancels_and_the_event_stays_visible(
        http: FlaskClient, editor: dict[str, str], loaded: Flask, factory: sessionmaker[Session]) -> None:
    created = _create(http, editor)
    uid = created.get_json()["uid"]
    cancelled = http.delete(f"/api/events/{uid}", headers={**editor, "If-Match": created.headers["ETag"]})
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    build_feeds(factory, get_settings(loaded), now=NOW.replace(hour=13))
    [vevent] = icalendar.Calendar.from_ical(http.get(f"/events/{uid}.ics").data).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert http.get(f"/api/events/{uid}/history").get_json()["changes"][-1]["action"] == "cancelled"


def test_purge_wants_the_admin_scope_and_removes_the_event_for_good(
        http: FlaskClient, editor: dict[str, str], make_token: Callable[..., dict[str, str]]) -> None:
    created = _create(http, editor)
    uid = created.get_json()["uid"]
    etag = {"If-Match": created.headers["ETag"]}
    refused = http.delete(f"/api/events/{uid}?purge=1", headers={**editor, **etag})
    assert refused.status_code == 403
    assert http.get(f"/api/events/{uid}").status_code == 200
    admin = make_token("root", "admin")
    assert http.delete(f"/api/events/{uid}?purge=1", headers={**admin, **etag}).status_code == 204
    assert http.get(f"/api/events/{uid}").status_code == 404
    history = http.get(f"/api/events/{uid}/history").get_json()["changes"]
    assert [change["action"] for change in history] == ["created", "purged"]
    assert history[-1]["by"] == "editor:root"


def test_a_review_token_cannot_write(http: FlaskClient, make_token: Callable[..., dict[str, str]]) -> None:
    reviewer = make_token("rev", "review")
    response = http.post("/api/events", json=NEW, headers=reviewer)
    assert response.status_code == 403
    assert "'write'" in response.get_json()["detail"]
    assert http.post("/api/events", json=NEW).status_code == 401


def test_history_of_an_unknown_event_is_404(http: FlaskClient) -> None:
    assert http.get("/api/events/nope/history").status_code == 404
