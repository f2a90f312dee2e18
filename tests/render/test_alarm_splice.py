"""Reminders spliced into a block: the alarm text is its entry's title, and the bytes those of a render with them."""

from __future__ import annotations

import datetime as dt

import icalendar
from hypothesis import HealthCheck, given, settings

from calendar_service.render.ical import IcsOptions, add_alarms, event_triggers, render_calendar, render_event_block
from tests.render.test_ical_properties import FIELD, SPEC, _event

ALARMS = IcsOptions(alarms=(dt.timedelta(days=7), dt.timedelta(hours=9)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=FIELD)
def test_the_alarm_text_is_the_summary_however_it_is_folded(title: str) -> None:
    block = add_alarms(render_event_block(_event(1, title, "", "", ""), SPEC.base_url),
                       [-lead for lead in ALARMS.alarms])
    event = icalendar.Event.from_ical(block)
    alarms = event.walk("VALARM")
    assert [alarm["TRIGGER"].dt for alarm in alarms] == [-dt.timedelta(days=7), -dt.timedelta(hours=9)]
    assert all(str(alarm["DESCRIPTION"]) == str(event["SUMMARY"]) for alarm in alarms)
    assert all(len(line) <= 75 for line in block.split(b"\r\n"))


def test_a_spliced_block_gives_the_bytes_of_a_render_with_the_alarms() -> None:
    events = [_event(number, "Заседание Совета министров иностранных дел ОДКБ, " * 3, "", "", "")
              for number in range(3)]
    alarmed = render_calendar(events, SPEC, options=ALARMS)
    plain = render_calendar(events, SPEC)
    spliced = b"".join(add_alarms(render_event_block(event, SPEC.base_url), event_triggers(event, ALARMS))
                       for event in events)
    assert spliced in alarmed
    assert spliced not in plain
    assert alarmed.count(b"BEGIN:VALARM") == 6
