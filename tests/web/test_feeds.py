"""The published feeds over real HTTP (Flask's test client), checked with independent parsers."""

from __future__ import annotations

import datetime as dt
import gzip

import feedparser
import icalendar
from flask.testing import FlaskClient

from calendar_service.ingest.dataset import read_dataset
from tests.conftest import DATASET


def _calendar(client: FlaskClient) -> icalendar.Calendar:
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.data)


def test_calendar_holds_every_day_precision_event_with_its_dates(client: FlaskClient) -> None:
    response = client.get("/calendar.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"\n" not in response.data.replace(b"\r\n", b"")  # CRLF line ends only
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT") if not str(e["UID"]).startswith("anniversary-")}
    # the default window: two years back from the build (NOW, 2025-01-15) to all of the future
    expected = [r for r in read_dataset(DATASET) if r.precision == "day" and r.end >= dt.date(2023, 1, 15)]
    assert len(events) == len(expected) == 5
    for record in expected:
        vevent = events[record.title]
        # all-day: VALUE=DATE, exclusive DTEND
        assert vevent["DTSTART"].params.get("VALUE") == "DATE"
        assert vevent.decoded("DTSTART") == record.start
        assert vevent.decoded("DTEND") == record.end + dt.timedelta(days=1)
        assert type(vevent.decoded("DTSTART")) is dt.date
    consultations = events["Videoconference consultations on the CSTO's joint training activities in 2026"]
    assert consultations.decoded("DTEND") == dt.date(2024, 12, 12)


def test_month_and_year_events_are_not_presented_as_days(client: FlaskClient) -> None:
    summaries = {str(e["SUMMARY"]) for e in _calendar(client).walk("VEVENT")}
    assert "Meeting of the CSTO Council of Foreign Ministers" not in summaries
    assert not any("2002" in s for s in summaries)


def test_atom_feed_parses_without_errors(client: FlaskClient) -> None:
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title
    assert len(parsed.entries) > 0
    for entry in parsed.entries:
        assert entry.id.startswith("tag:")
        assert entry.title
        assert entry.updated_parsed
        alternates = [link.href for link in entry.links if link.rel == "alternate"]
        assert alternates
        assert all(href.startswith("https://calendar.example.org/") for href in alternates)


def test_a_second_request_with_the_etag_gets_304(client: FlaskClient) -> None:
    for path in ("/calendar.ics", "/feed.atom"):
        first = client.get(path)
        etag = first.headers["ETag"]
        assert etag.startswith('"')  # strong
        assert first.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.data == b""
        since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304
        stale = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200


def test_gzip_when_the_client_accepts_it(client: FlaskClient) -> None:
    plain = client.get("/calendar.ics")
    packed = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/calendar.ics", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
                      ).status_code == 304


def test_feeds_are_unavailable_until_rendered(app: object) -> None:
    response = app.test_client().get("/calendar.ics")  # type: ignore[attr-defined]
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json["title"] == "Service Unavailable"


def test_single_event_download_carries_no_calendar_name(client: FlaskClient) -> None:
    uid = next(str(e["UID"]) for e in _calendar(client).walk("VEVENT") if not str(e["UID"]).startswith("anniversary-"))
    response = client.get(f"/events/{uid}.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    assert "X-WR-CALNAME" not in calendar
    assert "NAME" not in calendar
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid]
    assert client.get("/events/nope.ics").status_code == 404
