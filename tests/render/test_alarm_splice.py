"""Reminders are spliced into cached blocks: the same bytes as a fresh render, the alarm text its entry's title."""

from __future__ import annotations

import datetime as dt

import icalendar
from hypothesis import HealthCheck, given, settings

from calendar_service.render.ical import BlockCache, IcsOptions, add_alarms, render_calendar, render_event_block
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


def test_a_cached_render_with_new_alarms_gives_the_bytes_of_a_fresh_one() -> None:
    events = [_event(number, "Заседание Совета министров иностранных дел ОДКБ, " * 3, "", "", "")
              for number in range(3)]
    cache = BlockCache()
    render_calendar(events, SPEC, cache=cache)  # fills the cache without alarms
    misses = cache.misses
    spliced = render_calendar(events, SPEC, options=ALARMS, cache=cache)
    assert cache.misses == misses  # nothing rendered again
    assert spliced == render_calendar(events, SPEC, options=ALARMS)
