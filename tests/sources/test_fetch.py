"""The fetch job reading feeds and news lists served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.ingest.sources.watch import FetchReport
from calendar_service.models import Event, Proposal, Source, SourceItem, SourceItemEvent
from calendar_service.store.writer import edit_event
from tests.httpserver import Reply, Site
from tests.sources.conftest import EN_DEFENCE, EN_EXERCISE, READ_AT, RU_FOREIGN, article, atom, rss

pytestmark = pytest.mark.server

Fetch = Callable[..., FetchReport]
Add = Callable[..., None]


def _events(factory: sessionmaker[Session]) -> dict[dt.date, Event]:
    with transaction(factory) as session:
        rows = list(session.scalars(select(Event)))
        session.expunge_all()
    return {row.start_date: row for row in rows}


def _items(factory: sessionmaker[Session]) -> list[SourceItem]:
    with transaction(factory) as session:
        rows = list(session.scalars(select(SourceItem).order_by(SourceItem.id)))
        session.expunge_all()
    return rows


def test_rss_atom_and_an_html_list_in_english_and_russian_become_events(
        site: Site, add: Add, fetch: Fetch, factory: sessionmaker[Session]) -> None:
    site.put("/en/defence", Reply(200, article("Defence ministers to meet in Minsk", EN_DEFENCE)))
    site.put("/rss", Reply(200, rss([("en-1", site.url("/en/defence"), "Defence ministers to meet in Minsk",
                                      "Mon, 09 Feb 2026 08:00:00 GMT")]), {"Content-Type": "application/rss+xml"}))
    site.put("/ru/smid", Reply(200, article("Заседание СМИД ОДКБ", RU_FOREIGN)))
    site.put("/atom", Reply(200, atom([("urn:ru:1", site.url("/ru/smid"), "Заседание СМИД ОДКБ",
                                        "2026-02-06T12:00:00+03:00")]), {"Content-Type": "application/atom+xml"}))
    # An HTML news list and its article, both in windows-1251: the list says so in a header, the
    # article only in its <meta charset>; the article's date is in its metadata.
    listing = ('<html><head><meta charset="windows-1251"></head><body><ul class="news">'
               '<li><a href="/cp/exercise">Учения «Взаимодействие-2026»</a></li></ul>'
               '<a href="/about">О нас</a></body></html>').encode("cp1251")
    site.put("/list", Reply(200, listing, {"Content-Type": "text/html; charset=windows-1251"}))
    site.put("/cp/exercise", Reply(200, article("Interaction-2026", EN_EXERCISE + " Учения пройдут в Казахстане.",
                                                charset="windows-1251", published="2026-02-03T10:00:00+03:00"),
                                   {"Content-Type": "text/html"}))
    add("en-rss", site.url("/rss"))
    add("ru-atom", site.url("/atom"), language="ru")
    add("cp-list", site.url("/list"), kind="html", selector="ul.news a")

    report = fetch()

    assert [source.error for source in report.sources] == [None, None, None]
    events = _events(factory)
    assert set(events) == {dt.date(2026, 3, 12), dt.date(2026, 4, 20), dt.date(2026, 9, 14)}
    assert events[dt.date(2026, 3, 12)].city == "Minsk"
    assert events[dt.date(2026, 4, 20)].city == "Bishkek"
    assert events[dt.date(2026, 9, 14)].end_date == dt.date(2026, 9, 18)
    assert {event.origin for event in events.values()} == {"source"}
    # The publication date is the reader's reference: from the feed, else the page's metadata.
    assert events[dt.date(2026, 3, 12)].published_date == dt.date(2026, 2, 9)
    assert events[dt.date(2026, 4, 20)].published_date == dt.date(2026, 2, 6)
    assert events[dt.date(2026, 9, 14)].published_date == dt.date(2026, 2, 3)
    items = {item.source_name: item for item in _items(factory)}
    assert items["cp-list"].title == "Учения «Взаимодействие-2026»"  # windows-1251 decoded
    assert items["cp-list"].url == site.url("/cp/exercise")  # the selector skipped "/about"
    assert {item.outcome for item in items.values()} == {"events"}
    assert site.requests_to("/about") == []
    agents = {seen.headers["user-agent"] for seen in site.seen}
    assert all(agent.startswith("calendar-service/") for agent in agents)


def test_a_second_fetch_with_nothing_new_is_one_conditional_request_answered_304(
        site: Site, add: Add, fetch: Fetch, factory: sessionmaker[Session]) -> None:
    feed = rss([("g1", site.url("/a1"), "Defence ministers", "Mon, 09 Feb 2026 08:00:00 GMT")])

    def conditional(seen: object) -> Reply:
        if getattr(seen, "headers", {}).get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, feed, {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    site.put("/feed", conditional)
    site.put("/a1", Reply(200, article("Defence ministers", EN_DEFENCE)))
    add("feed", site.url("/feed"))
    assert fetch().sources[0].items == 1
    with transaction(factory) as session:
        revision = session.scalar(select(Source.etag))
    assert revision == '"v1"'
    before = len(site.seen)

    second = fetch(READ_AT + dt.timedelta(minutes=30))

    assert second.sources[0].not_modified
    assert second.is_idle
    assert [(seen.path, seen.headers.get("if-none-match")) for seen in site.seen[before:]] == [("/feed", '"v1"')]
    assert len(_items(factory)) == 1


def test_broken_sources_fail_alone_and_back_off(site: Site, add: Add, fetch: Fetch,
                                                factory: sessionmaker[Session]) -> None:
    site.put("/good", Reply(200, rss([("ok", site.url("/ok"), "Ministers", "Mon, 09 Feb 2026 08:00:00 GMT")])))
    site.put("/ok", Reply(200, article("Ministers", EN_DEFENCE)))
    site.put("/500", Reply(500, b"oops"))
    site.put("/silent", Reply(hold=True))
    site.put("/huge", Reply(200, (b"<item>" * 10_000 for _ in range(800)), {"Content-Type": "application/rss+xml"}))
    site.put("/loop", Reply(302, headers={"Location": "/loop"}))
    site.put("/invalid", Reply(200, b"<?xml version='1.0'?><rss><channel><item><title>x</ti", {
        "Content-Type": "application/rss+xml"}))
    for name in ("a-500", "b-silent", "c-huge", "d-loop", "e-invalid"):
        add(name, site.url("/" + name.split("-")[1]))
    add("z-good", site.url("/good"))

    report = fetch()

    errors = {source.name: source.error for source in report.sources}
    assert errors.pop("z-good") is None
    assert "HTTP 500" in errors["a-500"]
    assert "timed out" in errors["b-silent"]
    assert "cap" in errors["c-huge"]
    assert "too many redirects" in errors["d-loop"]
    assert "not a readable feed" in errors["e-invalid"]
    assert set(_events(factory)) == {dt.date(2026, 3, 12)}  # the good source was read all the same
    with transaction(factory) as session:
        failing = {row.name: (row.failures, row.retry_dt) for row in session.scalars(select(Source))}
    assert failing["a-500"] == (1, READ_AT + dt.timedelta(minutes=30))
    assert failing["z-good"] == (0, None)

    # Half an interval later nothing failing is due; one interval later they are, and fail again:
    # the next wait doubles.
    assert fetch(READ_AT + dt.timedelta(minutes=15)).sources[0].name == "z-good"
    later = READ_AT + dt.timedelta(minutes=30)
    site.put("/silent", Reply(500))  # not held again: the test stays short
    fetch(later)
    with transaction(factory) as session:
        row = session.scalar(select(Source).where(Source.name == "a-500"))
        assert (row.failures, row.retry_dt) == (2, later + dt.timedelta(minutes=60))
        assert "HTTP 500" in (row.last_error or "")


def test_robots_txt_that_disallows_is_obeyed(site: Site, add: Add, fetch: Fetch) -> None:
    site.put("/robots.txt", Reply(200, b"User-agent: calendar-service\nDisallow: /private/\n"))
    site.put("/private/feed", Reply(200, rss([])))
    add("private", site.url("/private/feed"))

    report = fetch()

    assert "robots.txt does not allow it" in (report.sources[0].error or "")
    assert site.requests_to("/private/feed") == []


def test_an_html_page_with_no_article_is_kept_as_such(site: Site, add: Add, fetch: Fetch,
                                                      factory: sessionmaker[Session]) -> None:
    site.put("/list", Reply(200, b'<html><body><div class="n"><a href="/empty">Empty</a></div></body></html>'))
    site.put("/empty", Reply(200, b"<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    add("list", site.url("/list"), kind="html", selector=".n a")

    assert fetch().sources[0].error is None

    [item] = _items(factory)
    assert (item.outcome, item.note) == ("no-text", "no article text found on the page")
    assert _events(factory) == {}


def test_a_re_published_item_with_a_new_guid_is_not_read_twice(site: Site, add: Add, fetch: Fetch,
                                                                factory: sessionmaker[Session]) -> None:
    site.put("/first", Reply(200, article("Ministers", EN_DEFENCE)))
    site.put("/feed", Reply(200, rss([("old", site.url("/first"), "Ministers", "Mon, 09 Feb 2026 08:00:00 GMT")])))
    add("feed", site.url("/feed"), policy="review")
    fetch()
    site.put("/again", Reply(200, article("Ministers", EN_DEFENCE)))  # the same article, moved
    site.put("/feed", Reply(200, rss([("new", site.url("/again"), "Ministers", "Wed, 11 Feb 2026 08:00:00 GMT"),
                                      ("old", site.url("/first"), "Ministers", "Mon, 09 Feb 2026 08:00:00 GMT")])))

    report = fetch(READ_AT + dt.timedelta(minutes=30))

    first, again = _items(factory)
    assert (again.guid.rsplit("/", 1)[-1], again.outcome, again.repeat_of) == ("new", "repeat", first.id)
    assert again.content_hash == first.content_hash
    assert report.sources[0].proposed == 0
    with transaction(factory) as session:
        assert len(list(session.scalars(select(Proposal)))) == 1
        assert len(list(session.scalars(select(SourceItemEvent)))) == 1  # the repeat gave nothing


def test_review_policy_proposes_and_a_source_never_overwrites_an_editor(
        site: Site, add: Add, fetch: Fetch, factory: sessionmaker[Session]) -> None:
    site.put("/a", Reply(200, article("Ministers", EN_DEFENCE)))
    site.put("/feed", Reply(200, rss([("a", site.url("/a"), "Ministers", "Mon, 09 Feb 2026 08:00:00 GMT")])))
    add("careful", site.url("/feed"), policy="review", trust="high")
    fetch()
    with transaction(factory) as session:
        [proposal] = session.scalars(select(Proposal))
        assert (proposal.field, proposal.origin, proposal.event_uid) == (None, "source", None)
        assert proposal.confidence is not None
        [link] = session.scalars(select(SourceItemEvent))
        assert (link.event_key, link.action) == (proposal.event_key, "proposed")
        key = proposal.event_key

    # Published by a trusted source, then moved by an editor; a later item reads the old date again.
    site.put("/b", Reply(200, article("Ministers meet", EN_DEFENCE.replace("regular", "next regular"))))
    with transaction(factory) as session:
        session.scalars(select(Source).where(Source.name == "careful")).one().policy = "publish"
    site.put("/feed", Reply(200, rss([("b", site.url("/b"), "Ministers", "Tue, 10 Feb 2026 08:00:00 GMT")])))
    fetch(READ_AT + dt.timedelta(minutes=30))
    with transaction(factory) as session:
        event = session.scalar(select(Event).where(Event.key == key))
        assert event is not None
        assert event.start_date == dt.date(2026, 3, 12)
        edit_event(session, event.uid, {"start": dt.date(2026, 3, 13), "end": dt.date(2026, 3, 13)},
                   now=READ_AT + dt.timedelta(hours=1), actor="editor:alice")
    site.put("/c", Reply(200, article("Ministers in Minsk", EN_DEFENCE.replace("regular", "annual"))))
    site.put("/feed", Reply(200, rss([("c", site.url("/c"), "Ministers", "Wed, 11 Feb 2026 08:00:00 GMT")])))
    fetch(READ_AT + dt.timedelta(hours=2))
    with transaction(factory) as session:
        event = session.scalar(select(Event).where(Event.key == key))
        assert event is not None
        assert event.start_date == dt.date(2026, 3, 13)
        proposed = {(row.field, str(row.proposed.get("value"))) for row in session.scalars(
            select(Proposal).where(Proposal.state == "open", Proposal.field.is_not(None)))}
        assert ("start", "2026-03-12") in proposed
