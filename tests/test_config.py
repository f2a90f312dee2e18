from __future__ import annotations

import pytest

from calendar_service.config import DEFAULTS, load_settings
from calendar_service.errors import ConfigurationError


def test_defaults_environment_then_overrides() -> None:
    settings = load_settings(environ={})
    assert settings["REFRESH_MINUTES"] == 15
    assert settings["TIMEZONE"] == "Europe/Moscow"
    assert settings["DATABASE_URL"].startswith("sqlite:///")
    assert settings["DATABASE_URL"].endswith("/calendar.db")
    from_env = load_settings(environ={"CALENDAR_REFRESH_MINUTES": "5", "CALENDAR_BASE_URL": "https://x.org/"})
    assert from_env["REFRESH_MINUTES"] == 5
    assert from_env["BASE_URL"] == "https://x.org"
    overridden = load_settings({"REFRESH_MINUTES": 7}, environ={"CALENDAR_REFRESH_MINUTES": "5"})
    assert overridden["REFRESH_MINUTES"] == 7


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


def test_every_default_is_documented() -> None:
    assert all(description for _, description in DEFAULTS.values())
