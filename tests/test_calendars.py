"""Calendar settings: anniversary reminders and windows, checked when the settings load."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_service.config import load_settings
from calendar_service.durations import parse_lead
from calendar_service.errors import ConfigurationError
from calendar_service.publish.calendars import anniversary_window


def test_default_reminders_ring_at_nine_seven_days_and_one_day_before() -> None:
    assert load_settings(environ={}).anniversary_triggers == (-dt.timedelta(days=6, hours=15),
                                                             -dt.timedelta(hours=15))


def test_reminders_follow_the_settings() -> None:
    settings = load_settings({"ANNIVERSARY_ALARMS": "P14D, PT2H", "ANNIVERSARY_ALARM_TIME": "18:30"}, environ={})
    assert settings.anniversary_triggers == (-dt.timedelta(days=13, hours=5, minutes=30),
                                            dt.timedelta(hours=16, minutes=30))


@pytest.mark.parametrize(("overrides", "variable"), [
    ({"ANNIVERSARY_ALARMS": "P1M"}, "CALENDAR_ANNIVERSARY_ALARMS"),
    ({"ANNIVERSARY_ALARM_TIME": "25:00"}, "CALENDAR_ANNIVERSARY_ALARM_TIME"),
    ({"ICS_PAST_DAYS": "-1"}, "CALENDAR_ICS_PAST_DAYS"),
])
def test_bad_calendar_settings_are_refused_naming_the_variable(overrides: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        load_settings(overrides, environ={})


def test_anniversary_window_runs_from_a_few_years_back_to_ten_ahead() -> None:
    window = anniversary_window(load_settings(environ={}), dt.date(2025, 6, 1))
    assert (window.first, window.last) == (dt.date(2022, 1, 1), dt.date(2035, 12, 31))


@pytest.mark.parametrize(("text", "lead"), [
    ("P7D", dt.timedelta(days=7)), ("PT9H", dt.timedelta(hours=9)), ("P1W", dt.timedelta(weeks=1)),
    ("p1dt30m", dt.timedelta(days=1, minutes=30)), ("PT90S", dt.timedelta(seconds=90)),
])
def test_parse_lead(text: str, lead: dt.timedelta) -> None:
    assert parse_lead(text) == lead


@pytest.mark.parametrize("text", ["", "P", "PT", "7D", "P1M", "P1Y", "-P1D", "P1DT", "PT0S", "P400D", "P1.5D"])
def test_parse_lead_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"ISO 8601|longer than zero"):
        parse_lead(text)
