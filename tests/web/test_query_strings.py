"""Query strings mean the same on every calendar and feed, are checked strictly, and cost a bounded amount."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import feedparser
import icalendar
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.publish.build import build_feeds
from calendar_service.render.ical import BlockCache
from calendar_service.render.paging import PAGE_SIZE
from calendar_service.web.rendered import RenderedFiles
from calendar_service.web.responses import GATE
from tests.conftest import NOW
from tests.icshelpers import record, store


@pytest.fixture(autouse=True)
def _at_build_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _problems(client: FlaskClient, url: str, status: int = 400) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == status, (url, response.data)
    assert response.content_type == "application/problem+json"
    return response.get_json().get("problems", [])


@pytest.mark.parametrize(("url", "field", "text"), [
    ("/feed.atom?foo=1", "foo", "valid: category, country, body, status, from, to, page"),
    ("/feed.atom?category=nonsense", "category", "valid: meeting, consultation"),
    ("/feeds/kz.atom?alarm=P1D", "alarm", "unknown parameter"),
    ("/feed.atom?page=²", "page", "whole number"),
    ("/feed.atom?page=١", "page", "whole number"),
    ("/feed.atom?page=99999999999999999999", "page", "whole number"),
    ("/calendar.ics?alarm=P٣D", "alarm", "ISO 8601 duration"),
    ("/calendar.ics?from=２０２５-01-01", "from", "YYYY-MM-DD"),
    ("/calendar.ics?from=20250101", "from", "YYYY-MM-DD"),
    ("/calendar.ics?to=9999-12-31", "to", "between 1900 and 2200"),
    ("/calendar.ics?country=kź", "country", "ISO 3166-1"),
    ("/api/events?colour=red", "colour", "valid: category"),
])
def test_a_bad_query_is_a_400_naming_the_parameter(client: FlaskClient, url: str, field: str, text: str) -> None:
    problems = _problems(client, url)
    assert any(p["field"] == field and text in p["message"] for p in problems), problems


def test_an_archive_page_takes_no_parameters(app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, *(record(f"e{number}") for number in range(PAGE_SIZE)))
    build_feeds(factory, get_settings(app), now=NOW)
    client = app.test_client()
    assert client.get("/feeds/archive/all/1.atom").status_code == 200
    [problem] = _problems(client, "/feeds/archive/all/1.atom?category=meeting")
    assert problem["field"] == "category"
    assert "takes no parameters" in problem["message"]


def test_a_page_past_the_last_is_a_404(client: FlaskClient) -> None:
    assert client.get("/feed.atom?page=1").status_code == 200
    for url in ("/feed.atom?page=99", "/feeds/kz.atom?category=meeting&page=2", "/feed.json?country=KZ&page=3"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "page" in response.get_json()["detail"]


def test_a_filter_narrows_a_named_feed_and_gives_it_its_own_title_and_id(client: FlaskClient) -> None:
    whole = feedparser.parse(client.get("/feeds/kz.atom").data)
    narrowed = feedparser.parse(client.get("/feeds/kz.atom?category=meeting").data)
    assert narrowed.bozo == 0
    assert narrowed.feed.title == "CSTO calendar: meetings, Kazakhstan"
    assert narrowed.feed.id != whole.feed.id
    assert narrowed.feed.id.endswith("feeds/kz.atom?category=meeting")
    assert {entry.id for entry in narrowed.entries} < {entry.id for entry in whole.entries}
    assert all("meeting" in {tag.term for tag in entry.tags} for entry in narrowed.entries)
    elsewhere = feedparser.parse(client.get("/feed.atom?category=meeting").data)
    assert len(elsewhere.entries) > len(narrowed.entries)


def test_a_filter_contradicting_a_named_feed_is_a_400(client: FlaskClient) -> None:
    [problem] = _problems(client, "/feeds/meetings.atom?category=training")
    assert problem == {"field": "category", "message": "/feeds/meetings.atom holds only category meeting"}
    assert _problems(client, "/feeds/nowhere.atom?category=meeting", status=404) == []


def test_a_filtered_calendar_gets_its_own_title_in_both_languages(client: FlaskClient) -> None:
    english = icalendar.Calendar.from_ical(client.get("/calendars/kz.ics?category=meeting&approximate=1").data)
    assert str(english["X-WR-CALNAME"]) == "CSTO calendar: meetings, Kazakhstan"
    assert str(english["SOURCE"]).endswith("/calendars/kz.ics?category=meeting&approximate=1")
    russian = icalendar.Calendar.from_ical(client.get("/calendars/kz.ics?category=meeting&lang=ru").data)
    assert str(russian["X-WR-CALNAME"]) == "Календарь ОДКБ: заседания, Казахстан"
    plain = icalendar.Calendar.from_ical(client.get("/calendars/kz.ics?approximate=1").data)
    assert str(plain["X-WR-CALNAME"]) == "CSTO calendar: Kazakhstan"


def test_equivalent_spellings_share_one_cache_entry(client: FlaskClient, loaded: Flask) -> None:
    rendered = loaded.extensions["calendar_service.rendered_calendars"]
    spellings = ["/calendar.ics?alarm=P1W&country=kz&lang=EN&approximate=yes",
                 "/calendar.ics?alarm=P7D&country=KZ&approximate=1",
                 "/calendar.ics?approximate=true&alarm=PT168H&alarm=P1W&country=KZ&country=kz&lang=en"]
    answers = [client.get(url) for url in spellings]
    assert len({answer.headers["ETag"] for answer in answers}) == 1
    assert len(rendered) == 1
    assert "country=KZ&alarm=P7D&approximate=1" in answers[0].headers["Link"]


@pytest.mark.slow
def test_many_distinct_queries_stay_within_the_caches_bounds(client: FlaskClient, loaded: Flask) -> None:
    rendered: RenderedFiles = loaded.extensions["calendar_service.rendered_calendars"]
    blocks: BlockCache = loaded.extensions["calendar_service.calendar_blocks"]
    rendered.max_entries = 6
    first = client.get("/calendar.ics?alarm=PT1M")
    rendered_blocks = blocks.misses
    for minutes in range(2, 2 + rendered.max_entries + 4):
        answer = client.get(f"/calendar.ics?alarm=PT{minutes}M")
        assert answer.status_code == 200
        assert answer.headers["ETag"] == f'"{hashlib.sha256(answer.data).hexdigest()[:32]}"'
    # A small store's blocks are kept and alarms spliced into them: no new query rendered a block again.
    assert blocks.misses == rendered_blocks
    assert len(rendered) == rendered.max_entries
    assert rendered.nbytes <= rendered.max_bytes
    # The least recently used went first; asked again, it is rendered again, to the same bytes.
    again = client.get("/calendar.ics?alarm=PT1M")
    assert (again.data, again.headers["ETag"]) == (first.data, first.headers["ETag"])
    for language in ("en", "ru"):
        for approximate in ("0", "1"):
            client.get(f"/calendar.ics?lang={language}&approximate={approximate}&alarm=P2D")
    assert len(blocks._tables) <= 4  # one table per language and approximate flag, whatever the alarms
    feeds = loaded.extensions["calendar_service.syndication_cache"]
    for day in range(feeds.max_entries + 10):
        start = dt.date(2024, 1, 1) + dt.timedelta(days=day)
        assert client.get(f"/feed.json?from={start.isoformat()}").status_code == 200
    assert len(feeds) == feeds.max_entries


def test_the_web_modules_import_no_cycle() -> None:
    web = Path(__file__).resolve().parents[2] / "calendar_service" / "web"
    imports: dict[str, set[str]] = {}
    for path in web.glob("*.py"):
        tree = ast.parse(path.read_text())
        imports[path.stem] = {node.module.rsplit(".", 1)[-1] for node in ast.walk(tree)
                              if isinstance(node, ast.ImportFrom) and node.module
                              and node.module.startswith("calendar_service.web.")}

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(name == goal or (name not in seen and reaches(name, goal, seen | {name}))
                   for name in imports.get(start, ()))

    for name in ("published", "calendar_queries", "feed_queries", "responses", "filters"):
        assert not reaches(name, name), name
    assert "responses" in imports["published"] & imports["calendar_queries"] & imports["feed_queries"]


def test_a_query_waiting_too_long_for_the_render_gate_is_told_to_retry(client: FlaskClient, loaded: Flask) -> None:
    gate = loaded.extensions[GATE]
    cached = client.get("/calendar.ics?category=training")
    gate.wait_seconds = 0
    with gate.held() as open_:  # another render is running
        assert open_
        for url in ("/calendar.ics?category=meeting", "/feed.atom?category=meeting"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response.headers["Retry-After"] == "5"
        # what needs no render is answered meanwhile
        assert client.get("/calendar.ics?category=training").data == cached.data
        assert client.get("/calendar.ics", headers={"If-None-Match": client.get("/calendar.ics").headers["ETag"]}
                          ).status_code == 304
    assert client.get("/calendar.ics?category=meeting").status_code == 200
