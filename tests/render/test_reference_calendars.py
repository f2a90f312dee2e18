"""The calendars built from the full shipped data (seed plus reference) pass the real-client checks.

The same three parsers as tests/render/test_ical_parsers.py (``icalendar``, ``ical``, ``ical.js``),
and the anniversary calendar names every commemorated act with the right ordinal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask

from calendar_service import db, get_settings
from calendar_service.ingest.dataset import load_datasets
from calendar_service.publish.build import build_feeds
from tests.conftest import DATASET, REPO, Template, shared_app
from tests.icshelpers import parse_icalendar
from tests.render.test_ical_parsers import _documents, _same_events, _same_events_in_icaljs

#: The module builds the shipped store once and takes seconds: all of it runs among the first (tests/conftest.py).
pytestmark = pytest.mark.slow

FILES = [DATASET, *sorted((REPO / "data" / "reference").glob("*.yaml"))]
TODAY = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
#: 2027: the Treaty's 35th year since signing and 33rd in force, the Charter's 25th and 24th.
ANNIVERSARIES_2027 = {
    dt.date(2027, 4, 20): ("33rd anniversary of the entry into force of the Collective Security Treaty",
                           "33-я годовщина вступления в силу Договора о коллективной безопасности"),
    dt.date(2027, 5, 15): ("35th anniversary of the signing of the Collective Security Treaty (jubilee)",
                           "35-я годовщина подписания Договора о коллективной безопасности"),
    dt.date(2027, 9, 18): ("24th anniversary of the entry into force of the CSTO Charter",
                           "24-я годовщина вступления в силу Устава ОДКБ"),
    dt.date(2027, 10, 7): ("25th anniversary of the signing of the CSTO Charter and of the Agreement on the legal "
                           "status of the CSTO (jubilee)",
                           "25-я годовщина подписания Устава ОДКБ и Соглашения о правовом статусе ОДКБ"),
}


@pytest.fixture
def today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(scope="module")
def shipped_store(tmp_path_factory: pytest.TempPathFactory, migrated_template: Template) -> Iterator[Flask]:
    """Every shipped file loaded and the feeds built on TODAY, once for the module: its tests only read."""
    with shared_app(tmp_path_factory.mktemp("shipped"), migrated_template) as app:
        with time_machine.travel(TODAY, tick=False):
            factory = db.get_session_factory(app)
            load_datasets(factory, FILES, now=TODAY)
            build_feeds(factory, get_settings(app), now=TODAY)
        yield app


@pytest.fixture
def shipped(today: None, shipped_store: Flask) -> Flask:
    """The shipped store, read on TODAY."""
    return shipped_store


def test_every_calendar_of_the_shipped_data_parses_alike_in_icalendar_and_ical(shipped: Flask) -> None:
    documents = _documents(shipped.test_client(), get_settings(shipped).feeds_dir)
    assert {"calendar.ics", "calendars/anniversaries.ics", "calendars/meetings.ics", "calendars/trainings.ics",
            "calendars/am.ics", "calendars/kz.ics", "calendars/kg.ics", "calendars/tj.ics"} <= set(documents)
    counts = {name: _same_events(name, data) for name, data in documents.items()}
    assert counts["calendars/anniversaries.ics"] == 4 * 14  # four founding acts, 3 years back to 10 ahead
    assert counts["calendar.ics"] > 60


@pytest.mark.node
def test_every_calendar_of_the_shipped_data_parses_alike_in_icaljs(shipped: Flask) -> None:
    _same_events_in_icaljs(_documents(shipped.test_client(), get_settings(shipped).feeds_dir))


def test_the_anniversary_calendar_names_every_founding_act_with_its_ordinal(shipped: Flask) -> None:
    for language, query in enumerate(("", "?lang=ru")):
        data = shipped.test_client().get(f"/calendars/anniversaries.ics{query}").data
        in_2027 = {e["start"]: e["summary"] for e in parse_icalendar(data) if e["start"].year == 2027}
        assert set(in_2027) == set(ANNIVERSARIES_2027)
        for day, names in ANNIVERSARIES_2027.items():
            assert in_2027[day].startswith(names[language]), (day, in_2027[day])
