"""Feed text: composed fields never form markup, RSS titles are plain text, entries of one load are
ordered, and the Russian feeds speak Russian."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from collections.abc import Callable

import feedparser
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.notices.selection import list_notices
from calendar_service.publish.build import build_feeds
from calendar_service.publish.streams import list_streams, render_stream
from calendar_service.store.writer import upsert_records
from tests.conftest import NOW
from tests.notices.test_issue import make_record
from tests.render.conftest import SETTINGS

Loader = Callable[[int], sessionmaker[Session]]
ATOM = "{http://www.w3.org/2005/Atom}"


def _documents(factory: sessionmaker[Session]) -> dict[str, bytes]:
    with transaction(factory) as session:
        stream = list_streams(())[0]
        return render_stream(stream, list_notices(session), SETTINGS)


def _shown(detail: dict[str, str]) -> str:
    """Return the text a reader shows for a feedparser ``*_detail``: HTML is rendered, text is as is."""
    return html.unescape(detail["value"]) if detail["type"] == "text/html" else detail["value"]


def test_two_fields_cannot_compose_a_tag_in_a_notice(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        upsert_records(session, [make_record(title="Summit <img src=x onerror=alert(1)", city="Minsk>")], now=NOW)
    documents = _documents(factory)
    rss = feedparser.parse(documents["feed.rss"])
    atom = feedparser.parse(documents["feed.atom"])
    assert rss.bozo == 0
    assert atom.bozo == 0
    for parsed in (rss, atom):
        (entry,) = parsed.entries
        # What a reader shows: the text survives, and no tag forms whether it reads HTML or text.
        assert _shown(entry.title_detail).startswith("Summit ‹img src=x onerror=alert(1) (5 June 2025, Minsk>")
        assert "<img" not in entry.title
        assert "<img" not in _shown(entry.title_detail)
        assert "<img" not in entry.summary
    # An XML parser reads the RSS title as text that holds no tag at all.
    channel = ET.fromstring(documents["feed.rss"]).find("channel")
    assert channel is not None
    title = channel.find("item/title")
    assert title is not None
    assert title.text is not None
    assert "<" not in title.text.replace("&lt;", "")


def test_an_rss_title_is_plain_text_escaped_as_readers_expect(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        upsert_records(session, [make_record(title="Council: A & B <meet in Q1")], now=NOW)
    document = _documents(factory)["feed.rss"]
    title = ET.fromstring(document).find("channel/item/title")
    assert title is not None
    # Escaped once more, as the description is: an HTML-reading reader shows the text, not markup.
    assert title.text == "Council: A &amp; B ‹meet in Q1 (5 June 2025, Almaty, Kazakhstan)"
    shown = _shown(feedparser.parse(document).entries[0].title_detail)
    assert shown == "Council: A & B ‹meet in Q1 (5 June 2025, Almaty, Kazakhstan)"


def test_entries_issued_in_one_load_have_distinct_ordered_updated(notices_store: Loader) -> None:
    factory = notices_store(5)
    first = _documents(factory)["feed.atom"]
    entries = ET.fromstring(first).findall(f"{ATOM}entry")
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert len(updated) == len(set(updated)), updated  # no DuplicateUpdated
    loaded = [dt.datetime.fromisoformat(value) for value in updated if value and value.startswith("2025-01-15")]
    assert len(loaded) == 6  # five meetings and the treaty, stored in one load
    assert loaded == sorted(loaded, reverse=True)  # the newest issued first, the order they were issued in
    assert max(loaded) - min(loaded) < dt.timedelta(seconds=1)
    assert _documents(factory)["feed.atom"] == first  # the same on every render: from stored data only


def test_a_russian_feed_speaks_russian(app: Flask, notices_store: Loader) -> None:
    client = app.test_client()
    factory = notices_store(2)
    build_feeds(factory, get_settings(app), now=NOW + dt.timedelta(days=10))
    for url in ("/feed.atom?lang=ru", "/feed.rss?lang=ru", "/feeds/anniversaries.atom?lang=ru",
                "/feeds/changes.rss?lang=ru"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True))
        parsed = feedparser.parse(response.data)
        assert parsed.bozo == 0
        assert parsed.feed.title.startswith("Календарь ОДКБ")
        assert parsed.feed.language == "ru"
        assert parsed.entries
        for entry in parsed.entries:
            assert not any(word.isascii() and word.isalpha() for word in entry.title.split()), entry.title
    assert client.get("/feed.atom?lang=de").status_code == 400
    english = feedparser.parse(client.get("/feed.atom").data)
    assert english.feed.language == "en"


def test_a_russian_feed_with_filters_keeps_lang_in_its_links(app: Flask, notices_store: Loader) -> None:
    notices_store(2)
    parsed = feedparser.parse(app.test_client().get("/feed.atom?lang=ru&category=meeting").data)
    assert parsed.feed.language == "ru"
    assert any("lang=ru" in link.href for link in parsed.feed.links if link.rel == "self")
