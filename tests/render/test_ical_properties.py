"""Property-based: arbitrary text in every field still parses and comes back exactly (RFC 5545 §3.3.11)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_service.models import Event
from calendar_service.render import FeedSpec
from calendar_service.render.ical import IcsOptions, render_calendar
from tests.icshelpers import parse_ical, parse_icalendar, parse_icaljs

SPEC = FeedSpec("Calendar, with; awkward\\name", "Line\none", "https://calendar.example.org/calendar.ics",
                "https://calendar.example.org")
STAMP = dt.datetime(2025, 1, 10, 8, 0, tzinfo=dt.UTC)

# What the store accepts (records.validate_record): any Unicode but C0 controls other than
# tab/CR/LF, lone surrogates and the two non-characters.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
    max_size=120,
).filter(lambda text: not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text))
AWKWARD = st.lists(st.sampled_from(["\r\n", "\r", "\n", ",", ";", "\\", ":", '"', "\\n", "END:VEVENT", "é", "𝄞",
                                    " ", "\t", "Москва", "BEGIN:VALARM"]), max_size=12).map("".join)
FIELD = st.one_of(TEXT, AWKWARD, st.tuples(TEXT, AWKWARD, TEXT).map("".join))


def _normal(text: str) -> str:
    """What a TEXT value reads back as: line ends become LF (the form iCalendar can carry)."""
    return re.sub(r"\r\n|\r", "\n", text).replace("\x7f", "")


def _event(number: int, title: str, summary: str, city: str, evidence: str) -> Event:
    return Event(
        uid=f"event-{number}@calendar-service", key=f"k{number}", title=title if title.strip() else "x",
        title_ru=None, summary=summary, summary_ru=None, start_date=dt.date(2025, 3, 20),
        end_date=dt.date(2025, 3, 20), precision="day", start_time=None, end_time=None, timezone="Europe/Moscow",
        category="meeting", status="held", city=city or None, country=None, countries=(), bodies=(),
        is_anniversary=False, is_year_inferred=False, evidence=evidence or None, source_url=None,
        published_date=None, sequence=0, created_dt=STAMP, updated_dt=STAMP,
    )


def _expected(event: Event) -> dict[str, Any]:
    return {"summary": _normal(event.title.strip()), "location": _normal(event.city) if event.city else None}


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=FIELD, summary=FIELD, city=FIELD, evidence=FIELD)
def test_any_text_round_trips_in_icalendar_and_ical(title: str, summary: str, city: str, evidence: str) -> None:
    event = _event(1, title, summary, city, evidence)
    data = render_calendar([event], SPEC, options=IcsOptions(alarms=(dt.timedelta(days=1),)))
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == SPEC.title
    for parse in (parse_icalendar, parse_ical):
        [parsed] = parse(data)
        assert parsed["uid"] == event.uid
        assert parsed["summary"] == _expected(event)["summary"]
        assert parsed["location"] == _expected(event)["location"]
        assert parsed["description"].startswith(_normal(summary.strip()))
        if event.evidence:
            assert f"“{_normal(evidence)}”" in parsed["description"]


@pytest.mark.node
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.lists(st.tuples(FIELD, FIELD, FIELD, FIELD), min_size=1, max_size=25))
def test_any_text_round_trips_in_icaljs(fields: list[tuple[str, str, str, str]]) -> None:
    events = [_event(number, *values) for number, values in enumerate(fields)]
    data = render_calendar(events, SPEC)
    parsed = parse_icaljs(data)
    assert parsed["count"] == len(events)
    seen_by_uid = {seen["uid"]: seen for seen in parsed["events"]}
    for event in events:
        seen = seen_by_uid[event.uid]
        assert seen["summary"] == _expected(event)["summary"]
        assert seen["location"] == _expected(event)["location"]
