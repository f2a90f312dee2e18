"""The calendar URLs: published files, query strings rendered once, 400s that list valid values."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.publish import build as build_module
from calendar_service.publish.build import build_feeds
from calendar_service.store.records import Status
from tests.conftest import NOW
from tests.icshelpers import parse_ical, parse_icalendar, record, store


def _manifest(app: Flask) -> dict[str, object]:
    return json.loads((get_settings(app).feeds_dir / "manifest.json").read_text())


def test_published_calendar_is_served_with_its_manifest_etag(client: FlaskClient, loaded: Flask) -> None:
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    entry = _manifest(loaded)["files"]["calendar.ics"]
    assert response.get_etag() == (entry["etag"], False)  # strong
    assert response.data == (get_settings(loaded).feeds_dir / "calendar.ics").read_bytes()
    assert client.get("/calendar.ics", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    packed = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(packed.data) == response.data
    assert 'webcal://calendar.example.org/calendar.ics' in response.headers["Link"]


def test_serving_a_published_calendar_renders_nothing(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    import calendar_service.web.calendar_queries as web_calendars

    def refuse(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("rendered or hashed on a request for a published file")

    monkeypatch.setattr(web_calendars, "iter_definition", refuse)
    monkeypatch.setattr(hashlib, "sha256", refuse)
    for url in ("/calendar.ics", "/calendars/meetings.ics", "/calendars/anniversaries.ics", "/calendars/kz.ics"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(("url", "name"), [("/calendars/meetings.ics", "CSTO calendar: meetings and consultations"),
                                           ("/calendars/trainings.ics", "CSTO calendar: trainings and exercises"),
                                           ("/calendars/anniversaries.ics", "CSTO calendar: anniversaries"),
                                           ("/calendars/kz.ics", "CSTO calendar: Kazakhstan"),
                                           ("/calendars/KZ.ics", "CSTO calendar: Kazakhstan")])
def test_named_shortcuts_are_published_under_their_names(client: FlaskClient, url: str, name: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    parse_ical(response.data)  # the strict parser accepts it
    assert str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]) == name


def test_the_anniversaries_shortcut_holds_only_anniversaries(client: FlaskClient) -> None:
    response = client.get("/calendars/anniversaries.ics")
    assert response.status_code == 200
    summaries = [event["summary"] for event in parse_ical(response.data)]
    assert summaries
    assert all(" anniversary of " in summary for summary in summaries)


def test_anniversaries_calendar_from_the_dataset(client: FlaskClient) -> None:
    events = parse_icalendar(client.get("/calendars/anniversaries.ics").data)
    titles = {e["start"].year: e["summary"] for e in events}
    assert titles[2025] == "33rd anniversary of the signing of the Collective Security Treaty"
    assert titles[2022] == "30th anniversary of the signing of the Collective Security Treaty (jubilee)"
    assert min(titles) == 2022
    assert max(titles) == 2035


def test_unknown_calendar_is_a_404_listing_the_calendars(client: FlaskClient) -> None:
    response = client.get("/calendars/xx.ics")
    assert response.status_code == 404
    assert "/calendars/meetings.ics" in response.get_json()["detail"]


def test_query_is_rendered_once_and_validated_by_etag(client: FlaskClient) -> None:
    url = "/calendar.ics?category=meeting&category=consultation&alarm=P7D&alarm=PT9H"
    first = client.get(url)
    assert first.status_code == 200
    events = parse_ical(first.data)
    assert events
    for event in events:
        if isinstance(event["start"], dt.datetime):
            assert sorted(event["alarms"]) == [-dt.timedelta(days=7), -dt.timedelta(hours=9)]
        else:  # all-day: 09:00 (ALARM_AT) a week before, and 09:00 on the day for the shorter lead
            assert sorted(event["alarms"]) == [-dt.timedelta(days=6, hours=15), dt.timedelta(hours=9)]
    again = client.get("/calendar.ics?alarm=PT9H&alarm=P7D&category=consultation&category=meeting")
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert "webcal://calendar.example.org/calendar.ics?" in first.headers["Link"]


def test_query_render_follows_a_store_change(loaded: Flask, client: FlaskClient,
                                             factory: sessionmaker[Session]) -> None:
    before = client.get("/calendar.ics?country=BY")
    store(factory, record("new-one"), now=NOW)
    after = client.get("/calendar.ics?country=BY")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Meeting new-one" in [e["summary"] for e in parse_icalendar(after.data)]


@pytest.mark.parametrize(("query", "field", "text"), [
    ("category=meetings", "category", "valid: meeting, consultation"),
    ("country=XX", "country", "unknown ISO 3166-1"),
    ("status=done", "status", "valid: held, planned"),
    ("alarm=P1M", "alarm", "not an ISO 8601 duration"),
    ("alarm=-P1D", "alarm", "not an ISO 8601 duration"),
    ("alarm=PT0S", "alarm", "longer than zero"),
    ("lang=de", "lang", "valid: en, ru"),
    ("approximate=maybe", "approximate", "1 or 0"),
    ("from=2025-13-01", "from", "YYYY-MM-DD"),
    ("colour=red", "colour", "valid: category, country"),
])
def test_bad_parameters_are_400s_that_name_the_valid_values(client: FlaskClient, query: str, field: str,
                                                             text: str) -> None:
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 400
    problems = response.get_json()["problems"]
    assert any(p["field"] == field and text in p["message"] for p in problems), problems


def test_approximate_and_russian(client: FlaskClient) -> None:
    default = parse_icalendar(client.get("/calendar.ics?lang=ru").data)
    approximate = parse_icalendar(client.get("/calendar.ics?approximate=1&lang=ru").data)
    assert len(approximate) > len(default)
    tentative = [e for e in approximate if e["status"] == "TENTATIVE"]
    assert tentative
    assert all("дата приблизительная" in e["summary"] for e in tentative)
    assert any(e["summary"].startswith("33-я годовщина") for e in default)


def test_single_event_file_has_no_calendar_name(client: FlaskClient) -> None:
    uid = client.get("/api/events").get_json()["events"][0]["uid"]
    response = client.get(f"/events/{uid}.ics")
    assert response.status_code == 200
    assert b"X-WR-CALNAME" not in response.data
    assert b"\r\nNAME:" not in response.data
    assert [e["uid"] for e in parse_ical(response.data)] == [uid]
    assert client.get("/events/nope.ics").status_code == 404


def test_index_and_api_offer_webcal_and_google_links(client: FlaskClient) -> None:
    index = client.get("/calendars").get_json()
    main = next(c for c in index["calendars"] if c["name"] == "calendar.ics")
    assert main["webcal"] == "webcal://calendar.example.org/calendar.ics"
    assert main["google"] == ("https://calendar.google.com/calendar/render?cid="
                              "webcal%3A%2F%2Fcalendar.example.org%2Fcalendar.ics")
    assert {"calendars/meetings.ics", "calendars/anniversaries.ics", "calendars/kz.ics"} <= {
        c["name"] for c in index["calendars"]}
    api = client.get("/api/events?country=KZ").get_json()
    assert api["calendar"]["webcal"] == "webcal://calendar.example.org/calendar.ics?country=KZ"


def test_a_subscribed_copy_stays_in_step(app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, record("a"), record("b"))
    build_feeds(factory, get_settings(app), now=NOW)
    client = app.test_client()
    first = client.get("/calendar.ics")
    build_feeds(factory, get_settings(app), now=NOW + dt.timedelta(hours=1))
    second = client.get("/calendar.ics")
    assert (second.data, second.headers["ETag"]) == (first.data, first.headers["ETag"])
    store(factory, record("a", start=dt.date(2025, 3, 21)), record("b", status=Status.CANCELLED),
          now=NOW + dt.timedelta(hours=2))
    build_feeds(factory, get_settings(app), now=NOW + dt.timedelta(hours=2))
    before = {e["uid"]: e for e in parse_ical(first.data)}
    after = {e["uid"]: e for e in parse_ical(client.get("/calendar.ics").data)}
    assert set(after) == set(before)
    assert all(after[uid]["sequence"] == before[uid]["sequence"] + 1 for uid in after)
    assert sorted(e["status"] for e in after.values()) == ["CANCELLED", "CONFIRMED"]


def test_big_feeds_are_reported_in_the_log_and_on_healthz(app: Flask, factory: sessionmaker[Session],
                                                          caplog: pytest.LogCaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # 800 such events pass the real bound (900 KB); a tenth of them pass a tenth of it.
    monkeypatch.setattr(build_module, "SIZE_WARNING_BYTES", build_module.SIZE_WARNING_BYTES // 10)
    first = dt.date(2025, 1, 1)
    store(factory, *(record(f"e{i}", summary="Long text. " * 100, start=first + dt.timedelta(days=i % 300))
                     for i in range(80)))
    result = build_feeds(factory, get_settings(app), now=NOW)
    assert any(w.startswith("calendar.ics is ") for w in result.warnings)
    assert "Google Calendar drops events" in caplog.text
    health = app.test_client().get("/healthz").get_json()
    assert any("calendar.ics" in warning for warning in health["feeds"]["warnings"])


def test_a_shortcut_narrowed_outside_itself_is_a_400(client: FlaskClient) -> None:
    response = client.get("/calendars/meetings.ics?category=training")
    assert response.status_code == 400
    assert response.get_json()["problems"][0] == {
        "field": "category", "message": "/calendars/meetings.ics holds only category meeting, consultation"}
    assert client.get("/calendars/meetings.ics?category=meeting").status_code == 200


def test_rendered_queries_are_bounded_in_bytes() -> None:
    from calendar_service.web.responses import BoundedCache, Document

    rendered: BoundedCache[Document] = BoundedCache(max_entries=10, max_bytes=5000, size=lambda doc: doc.size)
    for number in range(5):
        rendered.put((number,), Document(bytes(range(256)) * 4, "text/calendar", None))  # 1 KB, twin counted as 1 KB
    kept = [number for number in range(5) if rendered.get((number,)) is not None]
    assert kept == [3, 4]
    assert rendered.nbytes == 4096


def test_single_event_file_takes_alarms_and_language(client: FlaskClient) -> None:
    uid = client.get("/api/events").get_json()["events"][0]["uid"]
    response = client.get(f"/events/{uid}.ics?alarm=P1D&lang=ru")
    [event] = parse_ical(response.data)
    assert event["alarms"] == [-dt.timedelta(hours=15)]  # an all-day event: 09:00 (ALARM_AT) the day before
    assert client.get(f"/events/{uid}.ics?alarm=soon").status_code == 400
    links = client.get(f"/api/events/{uid}").get_json()["calendar"]
    assert links["webcal"] == f"webcal://calendar.example.org/events/{uid}.ics"
