"""Fixtures for the feed renderers: a store with notices of every kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import load_settings
from calendar_service.db import transaction
from calendar_service.models import Event, Notice
from calendar_service.store.queries import get_event
from calendar_service.store.records import EventRecord, Status
from calendar_service.store.writer import upsert_records
from tests.conftest import NOW
from tests.notices.test_issue import make_record

SETTINGS = load_settings({"BASE_URL": "https://calendar.example.org", "TIMEZONE": "Europe/Moscow",
                          "REFRESH_MINUTES": 15, "TAG_AUTHORITY": "calendar.example.org"}, environ={})


def add_anniversary_notices(session: Session, uid: str, now: dt.datetime) -> None:
    """Insert what the scheduler's anniversary sweep issues: 7 days ahead, then on the day."""
    event = get_event(session, uid)
    assert event is not None
    for kind, lead, issued in (("anniversary_ahead", 7, now), ("anniversary_today", 0, now + dt.timedelta(days=7))):
        session.add(Notice(
            event=event, kind=kind, occurrence_year=2025, lead_days=lead, event_sequence=0,
            title=("Today marks the 33rd anniversary of the signing of the Collective Security Treaty (15 May 1992)"
                   if lead == 0 else "In 7 days: the 33rd anniversary of the signing of the Collective Security "
                                     "Treaty (15 May 1992)"),
            title_ru="33-я годовщина подписания Договора о коллективной безопасности (15 мая 1992 г.)",
            summary="The Collective Security Treaty was signed in Tashkent on 15 May 1992.",
            details={"number": 33, "ordinal": "33rd", "jubilee": False}, issued_dt=issued, updated_dt=issued))


@pytest.fixture
def notices_store(factory: sessionmaker[Session]) -> Callable[[int], sessionmaker[Session]]:
    """Return a loader: ``n`` announced events, one rescheduled and cancelled, and anniversary notices."""

    def load(count: int = 3) -> sessionmaker[Session]:
        records: list[EventRecord] = [
            make_record(key=f"event-{number}", title=f"Meeting number {number}", source_url=None)
            for number in range(count)
        ]
        treaty = make_record(key="treaty", title="Signing of the Collective Security Treaty", city="Tashkent",
                             country="UZ", start=dt.date(1992, 5, 15), end=dt.date(1992, 5, 15), status=Status.HELD,
                             anniversary=True)
        with transaction(factory) as session:
            upsert_records(session, [*records, treaty], now=NOW)
        with transaction(factory) as session:
            upsert_records(session, [make_record(key="event-0", title="Meeting number 0", source_url=None,
                                                 start=dt.date(2025, 6, 12), end=dt.date(2025, 6, 13))],
                           now=NOW + dt.timedelta(days=1))
        with transaction(factory) as session:
            upsert_records(session, [make_record(key="event-0", title="Meeting number 0", source_url=None,
                                                 start=dt.date(2025, 6, 12), end=dt.date(2025, 6, 13),
                                                 status=Status.CANCELLED)],
                           now=NOW + dt.timedelta(days=2))
        with transaction(factory) as session:
            treaty_uid = session.scalar(select(Event.uid).where(Event.key == "treaty"))
            assert treaty_uid
            add_anniversary_notices(session, treaty_uid, NOW + dt.timedelta(days=100))
        return factory

    return load
