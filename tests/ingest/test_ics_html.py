"""Google exports write HTML into DESCRIPTION: it becomes text; markup the store refuses is found in the file."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.ingest.htmltext import html_to_text
from calendar_service.ingest.ics import import_ics, read_ics
from calendar_service.store.queries import get_event
from tests.conftest import TEST_DATA
from tests.icshelpers import parse_ical, parse_icalendar

GOOGLE = TEST_DATA / "ics" / "google-series-html-descriptions.ics"
NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def _summaries() -> dict[str, str]:
    return {record.key: record.summary for record in read_ics(GOOGLE.read_bytes(), today=NOW.date())}


def test_paragraphs_lists_and_line_breaks_become_lines() -> None:
    text = _summaries()["ics:5q1bq2r6u3m9kq0v7c8l4s2d1e@google.com"]
    assert text.splitlines() == [
        "Weekly briefing of the Secretariat.", "", "Agenda:", "", "  * Situation reports",
        "  * Preparations for the next session", "", "Join by video: https://meet.google.com/abc-defg-hij",
    ]


def test_links_keep_their_address_and_google_redirects_are_undone() -> None:
    text = _summaries()["ics:0h7o9kqg2t5b3cplr1d8m6e4fa@google.com"]
    assert "Contact: protocol@example.org" in text
    assert "[consultation notes](https://example.org/osce/consultations?year=2025&lang=en)" in text
    assert "google.com/url" not in text
    assert "&amp;" not in text
    assert "<" not in text


def test_plain_descriptions_are_left_as_written() -> None:
    text = _summaries()["ics:2c4e6g8i0k1m3o5q7s9u1w3y5a@google.com"]
    assert text == "Two days of staff training, each spring; an extra autumn session in 2025."
    assert html_to_text("R&amp;D for a < b") == "R&D for a < b"


def test_the_text_is_stored_and_published_as_text(app: Flask, factory: sessionmaker[Session]) -> None:
    import_ics(factory, GOOGLE, get_settings(app), now=NOW)
    with transaction(factory) as session:
        event = get_event(session, "7r2t4v6x8z0b2d4f6h8j0l2n4p@google.com")
        assert event is not None
        assert event.summary.splitlines()[0] == "Meeting of the Committee of Secretaries of Security Councils."
    data = app.test_client().get("/events/7r2t4v6x8z0b2d4f6h8j0l2n4p@google.com.ics").data
    for parsed in (parse_icalendar(data), parse_ical(data)):
        [published] = parsed
        assert "Documents: [2025-03 package](https://example.org/docs/2025-03)\nDress code: business" \
            in published["description"]


def _refused(data: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_ics(data.replace("\n", "\r\n").encode(), source="google.ics", today=NOW.date())
    return caught.value


EVENT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
BEGIN:VEVENT
UID:m1@google.com
DTSTART:20250320T070000Z
DTEND:20250320T090000Z
DESCRIPTION:<p>Fine</p>
SUMMARY:{summary}
LOCATION:{location}
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize(("summary", "location", "field", "line"), [
    ("Talks on <b>security</b>", "Minsk", "SUMMARY", 9),
    ("Talks", "<span>Minsk</span>", "LOCATION", 10),
])
def test_markup_in_a_field_kept_as_plain_text_is_refused_with_its_property_and_line(
    summary: str, location: str, field: str, line: int
) -> None:
    error = _refused(EVENT.format(summary=summary, location=location))
    [problem] = error.problems
    assert (problem.field, problem.line, problem.record) == (field, line, "ics:m1@google.com")
    assert "contains markup" in problem.message
    assert str(error).startswith(f"google.ics:{line}, record ics:m1@google.com, field '{field}': contains markup")


def test_markup_that_survives_the_html_is_refused_on_the_description_line() -> None:
    data = EVENT.format(summary="Talks", location="Minsk").replace(
        "DESCRIPTION:<p>Fine</p>", "DESCRIPTION:<p>Write &lt;b&gt;bold&lt;/b&gt; here</p>")
    [problem] = _refused(data).problems
    assert (problem.field, problem.line) == ("DESCRIPTION", 8)


def test_a_folded_summary_is_reported_on_the_line_it_starts() -> None:
    data = EVENT.format(summary="Talks on a long subject that goes on and on and on and on and\n  <i>on</i>",
                        location="Minsk")
    [problem] = _refused(data).problems
    assert (problem.field, problem.line) == ("SUMMARY", 9)
