"""The scheduler's settings: DAILY_AT, ANNIVERSARY_LEADS, CATCH_UP_DAYS, LOCK_POLL_SECONDS."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_service.config import load_settings
from calendar_service.errors import ConfigurationError


def test_defaults() -> None:
    settings = load_settings(environ={})
    assert settings.daily_at == dt.time(6, 0)
    assert settings.anniversary_leads == (7,)
    assert settings.catch_up_days == 31
    assert settings.lock_poll_seconds == 5
    assert settings.timezone.key == "Europe/Moscow"


def test_values_from_the_environment_are_normalized() -> None:
    settings = load_settings(environ={"CALENDAR_DAILY_AT": "7:05", "CALENDAR_ANNIVERSARY_LEADS": " 1, 30,7,7 "})
    assert settings.daily_at == dt.time(7, 5)
    assert settings.anniversary_leads == (30, 7, 1)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("DAILY_AT", "24:00", "CALENDAR_DAILY_AT must be a time of day HH:MM"),
    ("DAILY_AT", "six", "CALENDAR_DAILY_AT must be a time of day HH:MM"),
    ("ANNIVERSARY_LEADS", "7,x", "CALENDAR_ANNIVERSARY_LEADS must be whole numbers of days"),
    ("ANNIVERSARY_LEADS", "0", "CALENDAR_ANNIVERSARY_LEADS must list days between 1 and 366"),
    ("ANNIVERSARY_LEADS", "", "CALENDAR_ANNIVERSARY_LEADS must list days between 1 and 366"),
    ("CATCH_UP_DAYS", "0", "CALENDAR_CATCH_UP_DAYS must be between 1 and 366"),
    ("LOCK_POLL_SECONDS", "soon", "CALENDAR_LOCK_POLL_SECONDS must be a whole number"),
])
def test_bad_values_are_refused_with_the_variable_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_settings(environ={f"CALENDAR_{name}": value})
