"""Proposals: what an import reads against what people made is proposed, never written; reviewers decide."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.cli import main
from calendar_service.db import transaction
from calendar_service.models import Notice, StoreState
from tests.conftest import REPO, TEST_DATA
from tests.storedump import rows

SEED = TEST_DATA / "news" / "csto-news.txt"
REFERENCE = ["--reference-date", "2025-01-15"]
NEW_TEXT = ("On 14 March 2025, the CSTO Council of Foreign Ministers held a meeting in Minsk, Belarus.\n")


@pytest.fixture
def desk(loaded: Flask, make_token: Callable[..., dict[str, str]]) -> dict[str, Any]:
    """The loaded store, a CLI pointed at it, an editor and a reviewer."""
    settings = get_settings(loaded)
    env = {"CALENDAR_DATA_DIR": str(settings.data_dir), "CALENDAR_FEEDS_DIR": str(settings.feeds_dir),
           "CALENDAR_DATABASE_URL": settings.database_url}
    return {"runner": CliRunner(env=env), "client": loaded.test_client(), "editor": make_token("alice", "write"),
            "reviewer": make_token("rev", "review")}


def _events(app: Flask) -> str:
    """A hash of every event row."""
    return hashlib.sha256(repr(rows(get_settings(app).database_url, "SELECT * FROM events ORDER BY id")).encode()
                          ).hexdigest()


def _open(client: FlaskClient, reviewer: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/proposals", headers=reviewer)
    assert response.status_code == 200
    return response.get_json()["proposals"]


def test_the_seed_over_the_dataset_changes_nothing_and_proposes_nothing(
        loaded: Flask, desk: dict[str, Any]) -> None:
    before = _events(loaded)
    result = desk["runner"].invoke(main, ["import", str(SEED), *REFERENCE])
    assert result.exit_code == 0, result.output
    # The dataset holds every fact the seed reads (the 2022 operation's venue, Kazakhstan, included).
    assert f"{SEED}: 12 events: 0 created, 0 updated, 12 unchanged, 0 proposed" in result.output
    assert _events(loaded) == before
    assert _open(desk["client"], desk["reviewer"]) == []
    again = desk["runner"].invoke(main, ["import", str(SEED), *REFERENCE])
    assert " 12 unchanged, 0 proposed" in again.output
    assert _events(loaded) == before


def test_a_new_event_read_is_proposed_then_created_when_accepted(
        loaded: Flask, desk: dict[str, Any], factory: sessionmaker[Session]) -> None:
    client, reviewer = desk["client"], desk["reviewer"]
    count = client.get("/api/events").get_json()["count"]
    response = client.post("/api/import?reference_date=2025-03-20", data=NEW_TEXT.encode(),
                           content_type="text/plain", headers=desk["editor"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["created"] == []
    [proposal] = body["proposed"]
    assert proposal["field"] is None
    assert proposal["proposed"]["start"] == "2025-03-14"
    assert client.get("/api/events").get_json()["count"] == count
    accepted = client.post("/api/proposals/accept", json={"ids": [proposal["id"]]}, headers=reviewer)
    assert accepted.status_code == 200, accepted.get_json()
    [decided] = accepted.get_json()["proposals"]
    assert decided["state"] == "accepted"
    assert decided["decided_by"] == "editor:rev"
    event = client.get(f"/api/events/{decided['event']}").get_json()
    assert event["start"] == "2025-03-14"
    assert event["provenance"]["start"] == {"origin": "editor", "editor": "rev"}
    with transaction(factory) as session:
        kinds = [n.kind for n in session.scalars(select(Notice)) if n.event.uid == decided["event"]]
    assert kinds == ["announced"]
    twice = client.post("/api/proposals/accept", json={"ids": [proposal["id"]]}, headers=reviewer)
    assert twice.status_code == 409


def test_publish_stores_new_events_at_once(desk: dict[str, Any], tmp_path: Path) -> None:
    text = tmp_path / "news.txt"
    text.write_text(NEW_TEXT, encoding="utf-8")
    result = desk["runner"].invoke(main, ["import", str(text), "--reference-date", "2025-03-20", "--publish"])
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated, 0 unchanged, 0 proposed" in result.output


def test_an_editors_value_is_never_overwritten_by_an_import_and_accepting_bumps_the_sequence(
        loaded: Flask, desk: dict[str, Any], factory: sessionmaker[Session]) -> None:
    client, editor = desk["client"], desk["editor"]
    published = client.post("/api/import?reference_date=2025-03-20&publish=true", data=NEW_TEXT.encode(),
                            content_type="text/plain", headers=editor).get_json()
    [uid] = published["created"]
    read = client.get(f"/api/events/{uid}")
    assert read.get_json()["provenance"]["city"]["origin"] == "import"
    edited = client.patch(f"/api/events/{uid}", json={"city": "Moscow", "country": "RU"},
                          headers={**editor, "If-Match": read.headers["ETag"]})
    assert edited.status_code == 200
    before = _events(loaded)
    again = client.post("/api/import?reference_date=2025-03-20", data=NEW_TEXT.encode(),
                        content_type="text/plain", headers=editor).get_json()
    assert again["updated"] == []
    assert _events(loaded) == before
    proposed = {p["field"]: p for p in again["proposed"]}
    assert proposed["city"]["current"] == "Moscow"
    assert proposed["city"]["proposed"] == "Minsk"
    assert proposed["city"]["current_origin"] == "editor:alice"
    with transaction(factory) as session:
        revision = session.get(StoreState, 1).revision
    sequence = client.get(f"/api/events/{uid}").get_json()["sequence"]
    ids = [proposed["city"]["id"], proposed["country"]["id"]]
    accepted = desk["runner"].invoke(main, ["proposals", "accept", *map(str, ids), "--by", "rev"])
    assert accepted.exit_code == 0, accepted.output
    event = client.get(f"/api/events/{uid}").get_json()
    assert (event["location"]["city"], event["location"]["country"]) == ("Minsk", "BY")
    assert event["sequence"] == sequence + 1  # both fields in one change
    with transaction(factory) as session:
        assert session.get(StoreState, 1).revision == revision + 1
        changed = [n for n in session.scalars(select(Notice)) if n.event.uid == uid and n.kind == "changed"]
    assert {n.event_sequence for n in changed} >= {sequence + 1}
    history = client.get(f"/api/events/{uid}/history").get_json()["changes"]
    assert history[-1]["by"] == "editor:rev"
    assert history[-1]["changes"]["city"] == {"before": "Moscow", "after": "Minsk"}


def test_a_rejected_reading_is_not_proposed_again(loaded: Flask, desk: dict[str, Any], tmp_path: Path) -> None:
    runner, client, editor = desk["runner"], desk["client"], desk["editor"]
    text = tmp_path / "news.txt"
    text.write_text(NEW_TEXT, encoding="utf-8")
    read = ["import", str(text), "--reference-date", "2025-03-20"]
    assert "1 created" in runner.invoke(main, [*read, "--publish"]).output
    [event] = [e for e in client.get("/api/events?from=2025-03-14&to=2025-03-14").get_json()["events"]
               if e["start"] == "2025-03-14"]
    current = client.get(f"/api/events/{event['uid']}")
    edited = client.patch(f"/api/events/{event['uid']}", json={"city": "Moscow", "country": "RU"},
                          headers={**editor, "If-Match": current.headers["ETag"]})
    assert edited.status_code == 200
    assert " 2 proposed" in runner.invoke(main, read).output  # the text's Minsk, Belarus against the editor's
    listed = runner.invoke(main, ["proposals"])
    assert "2 open proposals" in listed.output
    proposals = _open(client, desk["reviewer"])
    assert {p["field"] for p in proposals} == {"city", "country"}
    rejected = runner.invoke(main, ["proposals", "reject", *(str(p["id"]) for p in proposals), "--by", "rev"])
    assert rejected.exit_code == 0, rejected.output
    before = _events(loaded)
    again = runner.invoke(main, read)
    assert "0 proposed (2 proposed before)" in again.output
    assert _open(client, desk["reviewer"]) == []
    assert _events(loaded) == before
    assert "rejected" in runner.invoke(main, ["proposals", "--state", "all"]).output
    assert runner.invoke(main, ["proposals", "accept", str(proposals[0]["id"])]).exit_code == 1
    assert runner.invoke(main, ["proposals", "accept", "999"]).exit_code == 1


def test_a_rejected_new_event_is_not_proposed_again(desk: dict[str, Any], tmp_path: Path) -> None:
    runner, client = desk["runner"], desk["client"]
    text = tmp_path / "news.txt"
    text.write_text(NEW_TEXT, encoding="utf-8")
    read = ["import", str(text), "--reference-date", "2025-03-20"]
    assert " 1 proposed" in runner.invoke(main, read).output
    [proposal] = _open(client, desk["reviewer"])
    assert proposal["field"] is None  # a whole new event
    assert runner.invoke(main, ["proposals", "reject", str(proposal["id"]), "--by", "rev"]).exit_code == 0
    again = runner.invoke(main, read)
    assert "0 proposed (1 proposed before)" in again.output, again.output
    assert _open(client, desk["reviewer"]) == []


def test_proposals_want_the_review_scope(desk: dict[str, Any]) -> None:
    client = desk["client"]
    assert client.get("/api/proposals").status_code == 401
    assert client.get("/api/proposals", headers=desk["editor"]).status_code == 403
    assert client.post("/api/proposals/accept", json={"ids": [1]}, headers=desk["editor"]).status_code == 403
    assert client.post("/api/proposals/accept", json={"ids": ["1"]}, headers=desk["reviewer"]).status_code == 400
    assert client.post("/api/proposals/reject", json={"ids": [999]}, headers=desk["reviewer"]).status_code == 404


def test_an_ics_import_over_the_api_creates_and_keeps_what_people_made(desk: dict[str, Any]) -> None:
    client = desk["client"]
    data = (REPO / "tests" / "data" / "ics").glob("*.ics")
    sample = sorted(data)[0].read_bytes()
    response = client.post("/api/import", data=sample, content_type="text/calendar", headers=desk["editor"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["format"] == "ics"
    assert response.get_json()["created"]
    again = client.post("/api/import", data=sample, content_type="text/calendar", headers=desk["editor"])
    assert again.get_json()["created"] == []
    assert client.post("/api/import", data=b"x", content_type="image/png", headers=desk["editor"]).status_code == 415
