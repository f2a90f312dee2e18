from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from calendar_service.config import SETTING_NAMES, Settings, load_settings
from calendar_service.errors import ConfigurationError


def test_defaults_environment_then_overrides() -> None:
    settings = load_settings(environ={})
    assert settings.refresh_minutes == 15
    assert settings.timezone == zoneinfo.ZoneInfo("Europe/Moscow")
    assert settings.data_dir == Path("data")
    assert settings.database_url == f"sqlite:///{Path('data').resolve() / 'calendar.db'}"
    from_env = load_settings(environ={"CALENDAR_REFRESH_MINUTES": "5", "CALENDAR_BASE_URL": "https://x.org/"})
    assert from_env.refresh_minutes == 5
    assert from_env.base_url == "https://x.org"
    overridden = load_settings({"REFRESH_MINUTES": 7}, environ={"CALENDAR_REFRESH_MINUTES": "5"})
    assert overridden.refresh_minutes == 7


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("TIMEZONE", "Mars/Olympus", "unknown IANA time zone"),
        ("REFRESH_MINUTES", "0", "between 1 and 1440"),
        ("BASE_URL", "ftp://x", "http(s) address"),
    ],
)
def test_bad_values_are_named(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"CALENDAR_{name}") as caught:
        load_settings(environ={f"CALENDAR_{name}": value})
    assert words in str(caught.value)


def test_every_setting_has_a_default_and_a_meaning() -> None:
    fields = dataclasses.fields(Settings)
    assert [field.name.upper() for field in fields] == list(SETTING_NAMES)
    assert all(isinstance(field.metadata["default"], str) and field.metadata["doc"] for field in fields)


def test_settings_are_frozen_and_changed_by_replace() -> None:
    settings = load_settings(environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.refresh_minutes = 1  # type: ignore[misc]
    changed = dataclasses.replace(settings, refresh_minutes=1)
    assert (changed.refresh_minutes, settings.refresh_minutes) == (1, 15)


def test_typed_values_from_the_environment() -> None:
    settings = load_settings(environ={"CALENDAR_DATA_DIR": "/srv/calendar", "CALENDAR_FEEDS_DIR": "/srv/feeds",
                                      "CALENDAR_ALARM_AT": "8:30", "CALENDAR_ANNIVERSARY_ALARMS": "P1D, PT2H"})
    assert settings.data_dir == Path("/srv/calendar")
    assert settings.feeds_dir == Path("/srv/feeds")
    assert settings.database_url == "sqlite:////srv/calendar/calendar.db"
    assert settings.alarm_at == dt.time(8, 30)
    assert settings.alarm_at_offset == dt.timedelta(hours=8, minutes=30)
    assert settings.anniversary_alarms == (dt.timedelta(days=1), dt.timedelta(hours=2))


def test_overrides_in_code_take_typed_values_too() -> None:
    settings = load_settings({"TIMEZONE": zoneinfo.ZoneInfo("Asia/Almaty"), "DAILY_AT": dt.time(9, 15),
                              "ANNIVERSARY_LEADS": [1, 30], "REFRESH_MINUTES": 7}, environ={})
    assert (settings.timezone.key, settings.daily_at, settings.anniversary_leads, settings.refresh_minutes) == (
        "Asia/Almaty", dt.time(9, 15), (30, 1), 7)
    alarms = load_settings({"ANNIVERSARY_ALARMS": [dt.timedelta(days=200), dt.timedelta(hours=2)]}, environ={})
    assert alarms.anniversary_alarms == (dt.timedelta(days=200), dt.timedelta(hours=2))
    with pytest.raises(ConfigurationError, match=r"CALENDAR_ANNIVERSARY_ALARMS .* at most 366 days"):
        load_settings({"ANNIVERSARY_ALARMS": dt.timedelta(days=400)}, environ={})


def test_an_unknown_setting_in_code_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match="no such setting: REFRESH_MINUTE"):
        load_settings({"REFRESH_MINUTE": 5}, environ={})


def test_unknown_environment_variables_are_ignored() -> None:
    assert load_settings(environ={"CALENDAR_NOTHING": "x"}) == load_settings(environ={})
