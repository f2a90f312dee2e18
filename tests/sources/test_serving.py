"""Sources over the editors' API, an event's items in the API and on its page, failing sources on /healthz."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.ingest.sources.watch import FetchReport
from calendar_service.models import Event
from calendar_service.store.tokens import create_token
from tests.httpserver import Reply, Site
from tests.sources.conftest import EN_DEFENCE, READ_AT, article, rss

pytestmark = pytest.mark.server


@pytest.fixture
def editor(factory: sessionmaker[Session]) -> dict[str, str]:
    with transaction(factory) as session:
        _, secret = create_token(session, "alice", ("write",), now=READ_AT)
    return {"Authorization": f"Bearer {secret}"}


def test_sources_are_added_listed_and_removed_over_the_api(app: Flask, editor: dict[str, str]) -> None:
    client = app.test_client()
    body: dict[str, Any] = {"name": "csto-ru", "url": "HTTP://127.0.0.1:9/news#top", "kind": "html",
                            "selector": "a.news", "language": "ru", "policy": "publish", "trust": "high"}
    assert client.post("/api/sources", json=body).status_code == 401
    created = client.post("/api/sources", json=body, headers=editor)
    assert created.status_code == 201, created.json
    assert created.json["url"] == "http://127.0.0.1:9/news"  # normalised
    assert client.post("/api/sources", json=body, headers=editor).status_code == 400  # the name is taken
    bad = client.post("/api/sources", json={**body, "name": "x", "url": "http://u:p@127.0.0.1/"}, headers=editor)
    assert bad.status_code == 400
    assert bad.json["problems"][0]["field"] == "url"
    assert bad.mimetype == "application/problem+json"
    no_selector = client.post("/api/sources", json={**body, "name": "y", "selector": None}, headers=editor)
    assert no_selector.status_code == 400
    listed = client.get("/api/sources", headers=editor).json
    assert [source["name"] for source in listed["sources"]] == ["csto-ru"]
    assert listed["sources"][0]["failing"] is False
    assert client.delete("/api/sources/csto-ru", headers=editor).status_code == 204
    assert client.delete("/api/sources/csto-ru", headers=editor).status_code == 404
    assert client.get("/api/sources", headers=editor).json["count"] == 0


def test_an_event_links_to_the_items_it_came_from_in_the_api_and_on_its_page(
        app: Flask, site: Site, add: Callable[..., None], fetch: Callable[..., FetchReport],
        factory: sessionmaker[Session]) -> None:
    site.put("/a", Reply(200, article("Defence ministers to meet in Minsk", EN_DEFENCE)))
    site.put("/feed", Reply(200, rss([("a", site.url("/a"), "Defence ministers to meet in Minsk",
                                       "Mon, 09 Feb 2026 08:00:00 GMT")])))
    site.put("/down", Reply(503))
    add("agency", site.url("/feed"))
    add("down", site.url("/down"))
    fetch()
    with transaction(factory) as session:
        uid = session.scalars(select(Event.uid)).one()
    client = app.test_client()

    record = client.get(f"/api/events/{uid}").json
    items = client.get(record["links"]["sources"].removeprefix("https://calendar.example.org")).json
    assert items["count"] == 1
    [item] = items["items"]
    assert (item["source"], item["url"], item["published"], item["action"]) == (
        "agency", site.url("/a"), "2026-02-09", "created")
    assert client.get("/api/events/no-such-uid/sources").status_code == 404

    page = client.get(f"/events/{uid}").get_data(as_text=True)
    assert f'href="{site.url("/a")}"' in page
    assert "Defence ministers to meet in Minsk</a> (agency" in page

    health = client.get("/healthz").json["sources"]
    assert (health["count"], health["enabled"]) == (2, 2)
    [failing] = health["failing"]
    assert failing["name"] == "down"
    assert "HTTP 503" in failing["last_error"]
    assert failing["retry_after"] is not None
