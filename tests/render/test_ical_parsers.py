"""Every calendar the service produces parses, with the same events, in three independent parsers.

``icalendar`` (lenient), ``ical`` (strict) and Mozilla's ``ical.js`` (the parser inside Thunderbird).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db, get_settings
from calendar_service.dates import Precision
from calendar_service.ingest.dataset import load_dataset
from calendar_service.publish.build import build_feeds
from calendar_service.store.records import Category, Status
from tests.conftest import DATASET, NOW, Template, shared_app
from tests.icshelpers import parse_ical, parse_icalendar, parse_icaljs, parse_icaljs_many, record, store

QUERIES = (
    "/calendar.ics?category=meeting&category=consultation&country=KZ",
    "/calendar.ics?alarm=P7D&alarm=PT9H",
    "/calendar.ics?lang=ru",
    "/calendar.ics?approximate=1&lang=ru&alarm=P1D",
    "/calendar.ics?status=cancelled",
    "/calendar.ics?from=2025-01-01&to=2025-12-31",
    "/calendars/anniversaries.ics?alarm=P2D",
    "/calendars/by.ics?approximate=1",
)


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory, migrated_template: Template) -> Iterator[Flask]:
    """The dataset plus events exercising every shape: zones, statuses, precisions, awkward text.

    Built once for the module: its tests only read.
    """
    with shared_app(tmp_path_factory.mktemp("rich"), migrated_template) as app:
        factory = db.get_session_factory(app)
        _fill(factory)
        build_feeds(factory, get_settings(app), now=NOW)
        yield app


def _fill(factory: sessionmaker[Session]) -> None:
    load_dataset(factory, DATASET, now=NOW)
    store(
        factory,
        record("timed-minsk", start_time=dt.time(10, 0), end_time=dt.time(18, 0), timezone="Europe/Minsk"),
        record("timed-overnight", start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 2), start_time=dt.time(22, 0),
               end_time=dt.time(2, 0), timezone="Asia/Yerevan", country="AM"),
        record("timed-utc", start_time=dt.time(6, 30), timezone="UTC", status=Status.PLANNED),
        record("cancelled", status=Status.CANCELLED, title="Cancelled; sorry, really\\cancelled"),
        record("postponed", status=Status.POSTPONED, country="TJ"),
        record("multi-day", start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 7), category=Category.TRAINING),
        record("year-only", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), precision=Precision.YEAR,
               evidence="next year"),
        record("leap", start=dt.date(2000, 2, 29), anniversary=True, category=Category.MILESTONE,
               title="Leap-day founding", title_ru="Основание в високосный день"),
        record("awkward", title="One line, comma; semi\\colon “quotes” END:VEVENT", summary="a\r\nb\rc",
               city="Бишкек", country="KG", title_ru="Заседание: «СКО»", summary_ru="Текст, с; знаками\\"),
        now=NOW,
    )


def _documents(client: FlaskClient, feeds_dir: Path) -> dict[str, bytes]:
    documents = {str(path.relative_to(feeds_dir)): path.read_bytes() for path in sorted(feeds_dir.rglob("*.ics"))}
    for url in QUERIES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_json())
        documents[url] = response.data
    return documents


#: icalendar's reading of each document, kept for the module's other tests of the same bytes.
_lenient = functools.cache(parse_icalendar)


def _same_events(name: str, data: bytes) -> int:
    """Check that icalendar and ical read the same events in ``data``; return how many."""
    lenient = _lenient(data)
    strict = parse_ical(data)
    assert [e["uid"] for e in lenient] == [e["uid"] for e in strict], name
    assert [e["summary"] for e in lenient] == [e["summary"] for e in strict], name
    assert [e["description"] for e in lenient] == [e["description"] for e in strict], name
    assert [e["start"] for e in lenient] == [e["start"] for e in strict], name
    return len(lenient)


def _same_events_in_icaljs(documents: dict[str, bytes]) -> None:
    """Check that ical.js reads the events icalendar reads in each document (one node process for all)."""
    for (name, data), mozilla in zip(documents.items(), parse_icaljs_many(list(documents.values())), strict=True):
        lenient = _lenient(data)
        assert mozilla["count"] == len(lenient), name
        assert [e["uid"] for e in mozilla["events"]] == [e["uid"] for e in lenient], name
        assert [e["summary"] for e in mozilla["events"]] == [e["summary"] for e in lenient], name
        assert [e["description"] for e in mozilla["events"]] == [e["description"] for e in lenient], name


def test_every_feed_parses_alike_in_icalendar_and_ical(rich: Flask) -> None:
    documents = _documents(rich.test_client(), get_settings(rich).feeds_dir)
    assert {"calendar.ics", "calendars/anniversaries.ics", "calendars/meetings.ics", "calendars/trainings.ics",
            "calendars/kz.ics", "calendars/by.ics", "calendars/kg.ics"} <= set(documents)
    counts = {name: _same_events(name, data) for name, data in documents.items()}
    assert counts["calendar.ics"] > 20
    assert counts["calendars/anniversaries.ics"] == 28  # two founding events, 14 years each


@pytest.mark.node
def test_every_feed_parses_alike_in_icaljs(rich: Flask) -> None:
    _same_events_in_icaljs(_documents(rich.test_client(), get_settings(rich).feeds_dir))


@pytest.mark.node
def test_icaljs_sees_zones_all_day_events_and_alarms(rich: Flask) -> None:
    data = rich.test_client().get("/calendar.ics?alarm=P7D&alarm=PT9H").data
    events = {e["summary"]: e for e in parse_icaljs(data)["events"]}
    minsk = events["Meeting timed-minsk"]
    assert (minsk["start"], minsk["zone"], minsk["isDate"]) == ("2025-03-20T10:00:00", "Europe/Minsk", False)
    week = events["Meeting multi-day"]
    assert (week["start"], week["end"], week["isDate"]) == ("2025-06-01", "2025-06-08", True)
    assert sorted(minsk["alarms"]) == ["-P7D", "-PT9H"]
    assert events["Cancelled; sorry, really\\cancelled"]["status"] == "CANCELLED"
