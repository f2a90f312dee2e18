"""Every format parses with independent parsers, carries what readers need, and renders the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
import time_machine
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.notices.selection import list_notices
from calendar_service.publish.streams import list_streams, render_stream
from calendar_service.render.paging import PAGE_SIZE
from tests.render.conftest import SETTINGS

Loader = Callable[[int], sessionmaker[Session]]


def _documents(factory: sessionmaker[Session]) -> dict[str, bytes]:
    with transaction(factory) as session:
        stream = list_streams(())[0]
        return render_stream(stream, list_notices(session), SETTINGS)


def check_jsonfeed(document: dict[str, Any]) -> None:
    """Check a document against the JSON Feed 1.1 fields (https://www.jsonfeed.org/version/1.1/)."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str)
    assert document["title"]
    for key in ("home_page_url", "feed_url", "icon", "favicon", "next_url"):
        assert key not in document or document[key].startswith("https://")
    assert all(isinstance(author["name"], str) for author in document["authors"])
    assert isinstance(document["items"], list)
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids))
    for item in document["items"]:
        assert isinstance(item["id"], str)
        assert item["id"]
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            assert item[key][10] == "T"
            assert item[key].endswith("+00:00")
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        for attachment in item.get("attachments", []):
            assert attachment["url"]
            assert attachment["mime_type"]
        assert all(key.startswith("_") or key in {
            "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
            "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments"}
            for key in item)


@pytest.mark.parametrize("extension", ["atom", "rss"])
def test_every_entry_parses_with_id_title_updated_and_link(notices_store: Loader, extension: str) -> None:
    documents = _documents(notices_store(3))
    parsed = feedparser.parse(documents[f"feed.{extension}"])
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    # 4 announced, 2 changed, 2 anniversary notices
    assert len(parsed.entries) == 8
    for entry in parsed.entries:
        assert entry.id.startswith("tag:calendar.example.org,2025:notice/")
        assert entry.title
        assert entry.updated_parsed if extension != "rss" else entry.published_parsed
        assert entry.link.startswith("https://calendar.example.org/events/")
    assert parsed.entries[0].title.startswith("Today marks the 33rd anniversary")
    titles = [entry.title for entry in parsed.entries]
    assert "Cancelled: Meeting number 0 (12–13 June 2025)" in titles
    assert "Rescheduled: Meeting number 0, now 12–13 June 2025, was 5 June 2025" in titles


def test_atom_entries_carry_the_issue_links_and_dates(notices_store: Loader) -> None:
    document = _documents(notices_store(1))["feed.atom"]
    parsed = feedparser.parse(document)
    feed = parsed.feed
    assert feed.id == "tag:calendar.example.org,2025:feed/feed.atom"
    # The newest notice's, ordered within its load by microseconds (no two entries share one instant).
    assert feed.updated.startswith("2025-05-02T09:00:00.")
    assert feed.icon == "https://calendar.example.org/static/icon.png"
    assert b"<logo>https://calendar.example.org/static/icon.png</logo>" in document
    assert feed.generator == "calendar-service"
    assert {link.rel for link in feed.links} == {"self", "alternate"}
    changed = next(e for e in parsed.entries if e.title.startswith("Rescheduled"))
    assert changed.published == "2025-01-16T09:00:00+00:00"
    assert changed.updated.startswith("2025-01-16T09:00:00.")
    assert {(link.rel, link.type) for link in changed.links} == {
        ("alternate", "text/html"), ("alternate", "application/json"), ("alternate", "text/calendar")}
    anniversary = parsed.entries[0]
    assert ("related", "https://odkb-csto.org/news/1") in {(link.rel, link.href) for link in anniversary.links}
    assert {tag.term for tag in changed.tags} == {"changed", "meeting"}
    assert "Dates: now 12–13 June 2025, was 5 June 2025." in changed.content[0].value


def test_jsonfeed_follows_version_1_1(notices_store: Loader) -> None:
    document = json.loads(_documents(notices_store(2))["feed.json"])
    check_jsonfeed(document)
    anniversary = document["items"][0]
    assert anniversary["tags"] == ["anniversary_today", "meeting"]
    assert anniversary["attachments"][0]["mime_type"] == "text/calendar"
    assert anniversary["_calendar_service"]["title_ru"].startswith("33-я годовщина")


def test_the_same_notices_render_the_same_bytes_whatever_the_clock(notices_store: Loader) -> None:
    factory = notices_store(3)
    with time_machine.travel(dt.datetime(2031, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        later = _documents(factory)
    documents = _documents(factory)
    assert later == documents  # nothing in the bytes comes from "now"
    entries = feedparser.parse(documents["feed.atom"]).entries
    assert len(entries) == len(json.loads(documents["feed.json"])["items"]) == len(
        feedparser.parse(documents["feed.rss"]).entries)
    assert [number for number in range(3) if any(f"Meeting number {number}" in entry.title for entry in entries)] == [
        0, 1, 2]


def test_a_long_stream_is_archived_in_full_pages(notices_store: Loader) -> None:
    documents = _documents(notices_store(120))  # 121 announced + 2 changed + 2 anniversaries = 125
    assert sorted(name for name in documents if name.endswith(".atom")) == [
        "feed.atom", "feeds/archive/all/1.atom", "feeds/archive/all/2.atom"]
    current = feedparser.parse(documents["feed.atom"])
    assert len(current.entries) == PAGE_SIZE
    links = {link.rel: link.href for link in current.feed.links}
    assert links["prev-archive"] == "https://calendar.example.org/feeds/archive/all/2.atom"
    newest_archive = feedparser.parse(documents["feeds/archive/all/2.atom"])
    assert newest_archive.bozo == 0
    assert b"<fh:archive/>" in documents["feeds/archive/all/2.atom"]
    links = {link.rel: link.href for link in newest_archive.feed.links}
    assert links["current"] == "https://calendar.example.org/feed.atom"
    assert links["prev-archive"] == "https://calendar.example.org/feeds/archive/all/1.atom"
    assert "next-archive" not in links
    assert newest_archive.feed.id == current.feed.id
    ids: set[str] = set()
    for name in ("feed.atom", "feeds/archive/all/1.atom", "feeds/archive/all/2.atom"):
        ids.update(entry.id for entry in feedparser.parse(documents[name]).entries)
    assert len(ids) == 125  # a reader back-filling through the archives sees every notice
    assert json.loads(documents["feed.json"])["next_url"].endswith("/feeds/archive/all/2.json")
    assert b'rel="prev-archive"' in documents["feed.rss"]
