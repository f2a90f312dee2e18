"""What a first-time user meets at the doors: every calendar offered is valid and says what it holds."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import icalendar
import pytest
import time_machine
from flask.testing import FlaskClient

from tests.conftest import NOW
from tests.icshelpers import parse_ical, parse_icalendar, parse_icaljs, parse_icaljs_many


@pytest.fixture(autouse=True)
def _at_build_time() -> Iterator[None]:
    """Answer as on the day the feeds were built, so query renders and counts share its window."""
    with time_machine.travel(NOW, tick=False):
        yield


def _calendars(client: FlaskClient) -> list[dict[str, Any]]:
    return client.get("/calendars").get_json()["calendars"]


def _offered_urls(client: FlaskClient) -> list[tuple[str, int]]:
    """Return every calendar URL the listing offers, with the number of events it says the URL holds."""
    offered = []
    for calendar in _calendars(client):
        offered.append((calendar["url"], calendar["events"]))
        if "approximate_url" in calendar:
            offered.append((calendar["approximate_url"], calendar["events"] + calendar["approximate_events"]))
    return offered


def _path(url: str) -> str:
    return url.removeprefix("https://calendar.example.org")


def test_every_offered_calendar_holds_what_the_listing_says(client: FlaskClient) -> None:
    offered = _offered_urls(client)
    assert {"/calendars/kz.ics", "/calendars/kz.ics?approximate=1"} <= {_path(url) for url, _ in offered}
    for url, count in offered:
        data = client.get(_path(url)).data
        by_icalendar, by_ical = parse_icalendar(data), parse_ical(data)
        assert len(by_icalendar) == len(by_ical) == count, url
        assert sorted(e["uid"] for e in by_icalendar) == sorted(e["uid"] for e in by_ical)


@pytest.mark.node
def test_every_offered_calendar_parses_with_icaljs(client: FlaskClient) -> None:
    offered = _offered_urls(client)
    parsed = parse_icaljs_many([client.get(_path(url)).data for url, _ in offered])
    for (url, count), seen in zip(offered, parsed, strict=True):
        assert seen["count"] == count, url


@pytest.mark.parametrize("code", ["kz", "kg", "tj"])
def test_an_empty_country_calendar_is_still_valid_rfc_5545(client: FlaskClient, code: str) -> None:
    data = client.get(f"/calendars/{code}.ics").data
    calendar = icalendar.Calendar.from_ical(data)
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert str(calendar.subcomponents[0]["TZID"]) == str(calendar["X-WR-TIMEZONE"]) == "Europe/Moscow"
    assert parse_icalendar(data) == parse_ical(data) == []


@pytest.mark.node
@pytest.mark.parametrize("code", ["kz", "kg", "tj"])
def test_an_empty_country_calendar_parses_with_icaljs(client: FlaskClient, code: str) -> None:
    assert parse_icaljs(client.get(f"/calendars/{code}.ics").data)["count"] == 0


def test_the_listing_is_served_with_validators(client: FlaskClient) -> None:
    first = client.get("/calendars")
    assert first.content_type == "application/json"
    assert first.headers["Last-Modified"]
    assert client.get("/calendars", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert gzip.decompress(client.get("/calendars", headers={"Accept-Encoding": "gzip"}).data) == first.data


def test_the_listing_never_offers_google_for_an_empty_calendar_without_saying_so(client: FlaskClient) -> None:
    calendars = {c["name"]: c for c in _calendars(client)}
    kazakhstan = calendars["calendars/kz.ics"]
    assert kazakhstan["events"] == 0
    assert kazakhstan["empty"] is True
    assert "google" not in kazakhstan
    assert "?approximate=1" in kazakhstan["note"]
    assert kazakhstan["approximate_events"] == 4
    main = calendars["calendar.ics"]
    assert main["events"] > 0
    assert "empty" not in main
    assert main["google"].startswith("https://calendar.google.com/calendar/render?cid=webcal")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.hrefs: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
            self.hrefs.append([])
        elif tag == "a" and self.hrefs:
            self.hrefs[-1].append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        if self.rows:
            self.rows[-1].append(data)


def test_the_subscribe_page_counts_and_marks_empty_calendars(client: FlaskClient) -> None:
    response = client.get("/subscribe")
    assert response.status_code == 200
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert client.get("/subscribe", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    page = _Links()
    page.feed(response.get_data(as_text=True))
    rows = {" ".join(" ".join(row).split()): hrefs for row, hrefs in zip(page.rows, page.hrefs, strict=True)}
    kazakhstan = next(text for text in rows if text.startswith("CSTO calendar: Kazakhstan 0"))
    assert "empty now: 4 events with an approximate date" in kazakhstan
    assert not any("calendar.google.com" in href for href in rows[kazakhstan])
    assert "https://calendar.example.org/calendars/kz.ics?approximate=1" in rows[kazakhstan]
    main = next(text for text in rows if text.startswith("CSTO calendar 19 "))
    assert any("calendar.google.com" in href for href in rows[main])
    assert any(text.startswith("CSTO calendar: notices 12 ") for text in rows)


def test_an_event_known_only_to_the_month_can_be_added_to_a_calendar(client: FlaskClient) -> None:
    event = next(e for e in client.get("/api/events").get_json()["events"] if e["precision"] == "month")
    response = client.get(f"/events/{event['uid']}.ics")
    assert response.status_code == 200
    for parse in (parse_icalendar, parse_ical):
        [parsed] = parse(response.data)
        assert parsed["status"] == "TENTATIVE"
        assert "approximate date" in parsed["summary"]
        assert type(parsed["start"]) is dt.date
        assert parsed["start"].isoformat().startswith(event["start"])  # the first day of its month
    assert response.headers["Last-Modified"]
    assert client.get(f"/events/{event['uid']}.ics", headers={"If-None-Match": response.headers["ETag"]}
                      ).status_code == 304
    packed = client.get(f"/events/{event['uid']}.ics", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(packed.data) == response.data
    assert client.get(f"/events/{event['uid']}.ics?colour=red").status_code == 400


@pytest.mark.node
def test_an_approximate_event_file_parses_with_icaljs(client: FlaskClient) -> None:
    event = next(e for e in client.get("/api/events").get_json()["events"] if e["precision"] != "day")
    [parsed] = parse_icaljs(client.get(f"/events/{event['uid']}.ics").data)["events"]
    assert parsed["status"] == "TENTATIVE"
    assert parsed["isDate"] is True


@pytest.mark.parametrize("url", ["/calendar.ics?category=meeting", "/calendars/kz.ics?approximate=1",
                                 "/feed.atom?country=KZ", "/feeds/kz.rss?category=meeting"])
def test_every_query_answer_carries_validators_and_gzip(client: FlaskClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"].startswith('"')
    modified = first.headers["Last-Modified"]
    assert dt.datetime.strptime(modified, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC) <= NOW
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == first.data


@pytest.mark.node
def test_a_calendar_with_spliced_reminders_parses_alike_everywhere(client: FlaskClient) -> None:
    data = client.get("/calendar.ics?alarm=P1D&alarm=PT9H&lang=ru&approximate=1").data
    by_icalendar, by_ical, by_icaljs = parse_icalendar(data), parse_ical(data), parse_icaljs(data)["events"]
    assert len(by_icalendar) == len(by_ical) == len(by_icaljs) > 0
    # A timed event rings a day and nine hours before it; an all-day entry at ALARM_AT (09:00) the
    # day before, and on the day itself for the lead shorter than a day.
    timed, all_day = [-dt.timedelta(days=1), -dt.timedelta(hours=9)], [-dt.timedelta(hours=15), dt.timedelta(hours=9)]
    assert all(sorted(e["alarms"]) == (timed if isinstance(e["start"], dt.datetime) else all_day)
               for e in by_icalendar)
    assert all(sorted(e["alarms"]) == (timed if isinstance(e["start"], dt.datetime) else all_day) for e in by_ical)
    assert all(sorted(e["alarms"]) == (["-P1D", "-PT9H"] if not e["isDate"] else ["-PT15H", "PT9H"])
               for e in by_icaljs)
