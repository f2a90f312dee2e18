"""The notice feeds over HTTP: published files, named streams, filters, paging, validators, gzip."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import create_app, db, get_settings
from calendar_service.db import transaction
from calendar_service.publish.build import build_feeds
from calendar_service.store.writer import derive_uid, upsert_records
from tests.conftest import NOW
from tests.notices.test_issue import make_record
from tests.render.test_syndication_formats import check_jsonfeed

FEEDS = ["/feed.atom", "/feed.rss", "/feeds/meetings.atom", "/feeds/meetings.rss", "/feeds/kz.atom",
         "/feeds/anniversaries.atom", "/feeds/changes.rss", "/feed.atom?category=meeting",
         "/feed.rss?country=KZ&status=held", "/feed.atom?from=2024-12-01&to=2024-12-31"]


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    for entry in parsed.entries:
        assert entry.id.startswith("tag:calendar-service,2025:notice/")
        assert entry.title
        assert "updated" in entry or "published" in entry
        assert entry.link.startswith("https://calendar.example.org/events/")


def test_the_whole_feed_carries_one_announcement_per_event(client: FlaskClient) -> None:
    response = client.get("/feed.atom")
    assert response.content_type == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.data)
    assert len(parsed.entries) == 12
    assert {tag.term for entry in parsed.entries for tag in entry.tags} >= {"announced", "meeting"}


@pytest.mark.parametrize("url", ["/feed.json", "/feeds/meetings.json", "/feed.json?country=KZ"])
def test_json_feeds_follow_version_1_1(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.content_type == "application/feed+json; charset=utf-8"
    check_jsonfeed(json.loads(response.data))


def test_a_filter_selects_notices_by_their_events(client: FlaskClient) -> None:
    parsed = feedparser.parse(client.get("/feed.atom?category=training").data)
    assert parsed.entries
    assert all("training" in {tag.term for tag in entry.tags} for entry in parsed.entries)
    assert parsed.feed.links[0].href == "https://calendar.example.org/feed.atom?category=training"


def test_a_bad_filter_is_a_problem_naming_the_valid_values(client: FlaskClient) -> None:
    response = client.get("/feed.atom?category=party")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    [problem] = response.json["problems"]
    assert problem["field"] == "category"
    assert "meeting" in problem["message"]


@pytest.mark.parametrize("page", ["0", "-1", "x", "10001"])
def test_a_bad_page_is_a_problem(client: FlaskClient, page: str) -> None:
    response = client.get(f"/feed.json?page={page}")
    assert response.status_code == 400
    assert response.json["problems"][0]["field"] == "page"


def test_an_unknown_named_feed_is_not_found(client: FlaskClient) -> None:
    assert client.get("/feeds/parties.atom").status_code == 404
    assert client.get("/feeds/archive/all/9.atom").status_code == 404


@pytest.mark.parametrize("url", ["/feed.atom", "/feeds/kz.json", "/feed.rss?category=meeting"])
def test_conditional_get_answers_304_and_gzip_when_accepted(client: FlaskClient, url: str) -> None:
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url).headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == first.data
    assert packed.headers["ETag"] != etag


def _fresh_app(settings: dict[str, Any]) -> Flask:
    application = create_app(settings)
    application.config["TESTING"] = True
    return application


def test_ids_and_updated_hold_across_re_renders_and_restarts(client: FlaskClient, settings: dict[str, Any],
                                                            factory: sessionmaker[Session]) -> None:
    before = {url: client.get(url).data for url in FEEDS}
    restarted = _fresh_app(settings)
    build_feeds(db.get_session_factory(restarted), get_settings(restarted), now=NOW + dt.timedelta(days=3))
    after = {url: restarted.test_client().get(url).data for url in FEEDS}
    assert after == before


def test_a_change_is_a_new_entry_and_the_old_ones_stay(client: FlaskClient, loaded: Flask,
                                                      factory: sessionmaker[Session]) -> None:
    old = {entry.id: entry.updated for entry in feedparser.parse(client.get("/feed.atom").data).entries}
    with transaction(factory) as session:
        upsert_records(session, [make_record()], now=NOW + dt.timedelta(days=1))
    with transaction(factory) as session:
        upsert_records(session, [make_record(status="cancelled")], now=NOW + dt.timedelta(days=2))
    build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=2))
    entries = feedparser.parse(client.get("/feed.atom").data).entries
    assert entries[0].title.startswith("Cancelled: Session of the CSTO Collective Security Council")
    assert {entry.id: entry.updated for entry in entries if entry.id in old} == old


def test_a_long_stream_is_archived_and_served(loaded: Flask, factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        upsert_records(session, [make_record(key=f"extra-{n}", title=f"Extra meeting {n}") for n in range(100)],
                       now=NOW + dt.timedelta(days=1))
    build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=1))
    client = loaded.test_client()
    current = feedparser.parse(client.get("/feed.atom").data)
    assert len(current.entries) == 50
    links = {link.rel: link.href for link in current.feed.links}
    archive = client.get(links["prev-archive"].removeprefix("https://calendar.example.org"))
    assert archive.status_code == 200
    assert feedparser.parse(archive.data).bozo == 0
    second = feedparser.parse(client.get("/feed.atom?status=planned&page=2").data)
    links = {link.rel: link.href for link in second.feed.links}
    assert links["first"] == "https://calendar.example.org/feed.atom?status=planned"
    assert links["previous"] == links["first"]
    assert links["self"] == "https://calendar.example.org/feed.atom?status=planned&page=2"
    assert len(second.entries) == 50


def test_the_index_page_lets_readers_discover_every_format(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for media_type, href in (("application/atom+xml", "/feed.atom"), ("application/rss+xml", "/feed.rss"),
                             ("application/feed+json", "/feed.json"), ("text/calendar", "/calendar.ics")):
        assert f'<link rel="alternate" type="{media_type}"' in page
        assert f'href="https://calendar.example.org{href}"' in page
    assert "/feeds/anniversaries.atom" in page


def test_the_event_page_is_the_entries_alternate(client: FlaskClient) -> None:
    entry = feedparser.parse(client.get("/feed.atom").data).entries[0]
    page = client.get(entry.link.removeprefix("https://calendar.example.org"))
    assert page.status_code == 200
    assert "Add to calendar (.ics)" in page.get_data(as_text=True)
    assert client.get("/events/no-such-event").status_code == 404


def test_entry_ids_survive_a_rebuilt_store(client: FlaskClient, make_settings: Any, make_database_url: Any,
                                           tmp_path: Any) -> None:
    from calendar_service.ingest.dataset import load_dataset
    from tests.conftest import DATASET

    ids = [entry.id for entry in feedparser.parse(client.get("/feed.atom").data).entries]
    (tmp_path / "feeds2").mkdir()
    rebuilt = _fresh_app(make_settings(DATABASE_URL=make_database_url("rebuilt.db"),
                                       FEEDS_DIR=str(tmp_path / "feeds2")))
    factory = db.get_session_factory(rebuilt)
    db.migrate(factory)
    load_dataset(factory, DATASET, now=NOW + dt.timedelta(days=30))
    build_feeds(factory, get_settings(rebuilt), now=NOW + dt.timedelta(days=30))
    assert sorted(entry.id for entry in feedparser.parse(rebuilt.test_client().get("/feed.atom").data).entries) \
        == sorted(ids)


def test_unchanged_archive_pages_are_reused_not_rendered(loaded: Flask, factory: sessionmaker[Session],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from calendar_service.publish import streams as syndication

    with transaction(factory) as session:
        upsert_records(session, [make_record(key=f"extra-{n}", title=f"Extra meeting {n}") for n in range(100)],
                       now=NOW + dt.timedelta(days=1))
    first = build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=1))
    archives = sorted(name for name in first.manifest["files"] if name.startswith("feeds/archive/"))
    assert archives
    rendered: list[str] = []
    original = syndication.ArchiveReuse.load

    def spy(self: syndication.ArchiveReuse, name: str, key: str) -> bytes | None:
        data = original(self, name, key)
        if data is None:
            rendered.append(name)
        return data

    monkeypatch.setattr(syndication.ArchiveReuse, "load", spy)
    again = build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=2))
    assert rendered == []
    assert again.manifest["files"] == first.manifest["files"]
    # a file that no longer matches its manifest entry is rendered again, not trusted
    damaged = get_settings(loaded).feeds_dir / archives[0]
    damaged.unlink()  # a file of its own: the loaded feeds are links to the template's files
    damaged.write_bytes(b"damaged")
    build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=3))
    assert rendered == [archives[0]]


def test_feeds_and_pages_forbid_script(client: FlaskClient) -> None:
    for url in ("/feed.atom", "/feed.json?country=KZ", "/feeds/meetings.rss"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
    # The pages run only the site's own script (the copy buttons), never an inline or foreign one.
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.slow
def test_a_back_dated_notice_leaves_full_archive_pages_as_they_were(loaded: Flask,
                                                                     factory: sessionmaker[Session]) -> None:
    from calendar_service.store.queries import get_event
    from tests.render.conftest import add_anniversary_notices

    with transaction(factory) as session:
        upsert_records(session, [make_record(key=f"extra-{n}", title=f"Extra meeting {n}") for n in range(100)],
                       now=NOW + dt.timedelta(days=1))
    first = build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=1))
    with transaction(factory) as session:  # a sweep catching up after downtime dates its notices in the past
        uid = get_event(session, derive_uid("extra-7"))
        assert uid is not None
        add_anniversary_notices(session, uid.uid, NOW - dt.timedelta(days=400))
    again = build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=2))
    archives = [name for name in first.manifest["files"] if name.startswith("feeds/archive/all/")]
    assert archives
    assert all(again.manifest["files"][name] == first.manifest["files"][name] for name in archives)
    newest = feedparser.parse(loaded.test_client().get("/feed.atom").data).entries[0]
    assert newest.title.startswith("Today marks the 33rd anniversary")


@pytest.mark.slow
def test_every_published_feed_and_archive_page_parses(loaded: Flask, factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        upsert_records(session, [make_record(key=f"extra-{n}", title=f"Extra meeting {n}") for n in range(60)],
                       now=NOW + dt.timedelta(days=1))
    result = build_feeds(factory, get_settings(loaded), now=NOW + dt.timedelta(days=1))
    client = loaded.test_client()
    names = sorted(name for name in result.manifest["files"] if name.endswith((".atom", ".rss", ".json")))
    assert any(name.startswith("feeds/archive/kz/") for name in names)
    for name in names:
        response = client.get(f"/{name}")
        assert response.status_code == 200, name
        if name.endswith(".json"):
            check_jsonfeed(json.loads(response.data))
            continue
        parsed = feedparser.parse(response.data)
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert all(entry.id and entry.title and entry.link for entry in parsed.entries), name
