"""Rendered calendar blocks kept in the store: a restarted process renders by concatenation."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.models import CalendarBlock
from calendar_service.publish import build
from calendar_service.publish.build import build_feeds, calendar_blocks
from tests.icshelpers import T0, record, store


def _stored(factory: sessionmaker[Session]) -> list[tuple[str, int]]:
    with transaction(factory) as session:
        rows = session.execute(select(CalendarBlock.uid, CalendarBlock.sequence))
        return sorted((uid, sequence) for uid, sequence in rows)


def test_a_restarted_process_renders_from_the_stored_blocks(app: Flask, factory: sessionmaker[Session]) -> None:
    store(factory, record("a"), record("b"), record("treaty", start=dt.date(1992, 5, 15), anniversary=True))
    first = build_feeds(factory, get_settings(app), now=T0)
    assert _stored(factory)
    build._CALENDAR_BLOCKS.clear()  # a new process: nothing in memory
    # The next day: the calendars are rendered whole again (a build the same day keeps them).
    again = build_feeds(factory, get_settings(app), now=T0 + dt.timedelta(days=1))
    cache = calendar_blocks(factory)
    assert cache.misses == 0
    assert cache.hits > 0
    assert again.manifest["files"] == first.manifest["files"]


def test_a_changed_event_replaces_its_stored_block(app: Flask, factory: sessionmaker[Session]) -> None:
    result = store(factory, record("a"))
    uid = result.created[0]
    build_feeds(factory, get_settings(app), now=T0)
    store(factory, record("a", title="Renamed"), now=T0 + dt.timedelta(hours=1))
    build_feeds(factory, get_settings(app), now=T0 + dt.timedelta(days=1))  # rendered whole: a new day
    sequences = {sequence for stored_uid, sequence in _stored(factory) if stored_uid == uid}
    assert sequences == {1}
    build._CALENDAR_BLOCKS.clear()
    response = app.test_client().get("/calendar.ics?lang=en")
    assert b"SUMMARY:Renamed" in response.data
