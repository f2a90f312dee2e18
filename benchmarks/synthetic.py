"""Synthetic events for the rendering benchmarks: one row shape, bulk-inserted into a store.

Each benchmark picks its mix (how many timed, month-only, yearly, how long the descriptions) by
overriding fields of :func:`event_row`; :func:`insert_events` writes the rows in chunks of 10,000.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

TODAY = dt.date(2025, 1, 15)
NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
ZONES = ("Europe/Moscow", "Asia/Almaty", "Europe/Minsk", "Asia/Yerevan", "Asia/Bishkek", "Asia/Dushanbe")
COUNTRIES = ("RU", "KZ", "BY", "AM", "KG", "TJ")
_CHUNK = 10_000


def event_row(number: int, *, timed: bool, **fields: Any) -> dict[str, Any]:
    """Return the columns of synthetic event ``number``: spread over five years around TODAY, in
    turn in each zone, country, category and status; ``fields`` replace any of them."""
    start = TODAY - dt.timedelta(days=700) + dt.timedelta(days=number % 1800)
    row = {
        "uid": f"{number:08d}-5e1c-4b0e-9f0a-000000000000@calendar-service", "key": f"bench-{number}",
        "title": f"Meeting of the CSTO Council of Foreign Ministers, session {number}",
        "title_ru": f"Заседание Совета министров иностранных дел ОДКБ, сессия {number}",
        "summary": "", "summary_ru": None, "start_date": start, "end_date": start + dt.timedelta(days=number % 3),
        "precision": "day", "start_time": dt.time(10, 0) if timed else None,
        "end_time": dt.time(13, 30) if timed else None, "timezone": ZONES[number % len(ZONES)],
        "category": ("meeting", "consultation", "training")[number % 3],
        "status": ("held", "planned", "cancelled", "postponed")[number % 4], "city": "Moscow",
        "country": COUNTRIES[number % len(COUNTRIES)], "countries": [COUNTRIES[(number + 1) % len(COUNTRIES)]],
        "bodies": ["CSTO Secretariat"], "anniversary": False, "year_inferred": False,
        "evidence": f"On {start:%d %B %Y}", "source_url": f"https://en.odkb-csto.org/news/{number}/",
        "published_date": start, "sequence": 0, "created_dt": NOW, "updated_dt": NOW,
    }
    row.update(fields)
    return row


def insert_events(factory: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert ``rows`` into the events table behind ``factory``, in one transaction, 10,000 at a time."""
    from sqlalchemy import insert

    from calendar_service import db
    from calendar_service.models import Event

    with db.transaction(factory) as session:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == _CHUNK:
                session.execute(insert(Event), chunk)
                chunk = []
        if chunk:
            session.execute(insert(Event), chunk)
