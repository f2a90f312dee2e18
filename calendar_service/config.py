"""Settings: one documented mapping of defaults, overridden by ``CALENDAR_*`` environment variables.

The settings table in docs/settings.md follows :data:`DEFAULTS`. Order of precedence, lowest first: the
defaults, the environment (``CALENDAR_REFRESH_MINUTES=5``), then a mapping passed in code (tests,
``create_app(config)``). :func:`load_settings` returns the merged, checked result; both the Flask
app and the CLI use it, so they always agree.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from calendar_service.durations import parse_triggers
from calendar_service.errors import ConfigurationError

__all__ = ["DEFAULTS", "ENV_PREFIX", "load_settings", "resolve_database_url"]

ENV_PREFIX = "CALENDAR_"

#: Every setting, its default and what it means. Environment variables carry the ``CALENDAR_`` prefix.
DEFAULTS: dict[str, tuple[Any, str]] = {
    "DATA_DIR": ("data", "Folder holding the dataset, the gazetteer and (by default) the SQLite database."),
    "DATASET": ("events.yaml,reference/*.yaml", "Dataset files in DATA_DIR loaded, in one transaction, into an empty "
                "store by `serve` and `scheduler`: comma-separated files, folders or glob patterns."),
    "DATABASE_URL": ("", "SQLAlchemy URL; empty means `sqlite:///<DATA_DIR>/calendar.db`."),
    "FEEDS_DIR": ("feeds", "Folder the rendered feed files are written into."),
    "BASE_URL": ("http://127.0.0.1:8000", "Public address of the service, used for every link in feeds."),
    "TIMEZONE": ("Europe/Moscow", "IANA time zone of the service: default zone of events, of 'today'."),
    "REFRESH_MINUTES": (15, "Feeds are re-rendered at least this often; also the feeds' advertised refresh."),
    "CHANGE_POLL_SECONDS": (5, "How often the scheduler looks for store changes to re-render soon after."),
    "LOG_LEVEL": ("INFO", "Python logging level of the service's own log lines."),
    "DAILY_AT": ("06:00", "Local time (in TIMEZONE) of the daily anniversary sweep, HH:MM."),
    "ANNIVERSARY_LEADS": ("7", "Comma-separated days ahead at which an 'anniversary ahead' notice is issued."),
    "CATCH_UP_DAYS": (31, "After downtime, the daily sweep catches up at most this many missed days."),
    "LOCK_POLL_SECONDS": (5, "How often a standby scheduler tries to take the scheduler lock over."),
    "TAG_AUTHORITY": ("calendar-service", "Authority of the permanent `tag:` ids of feeds and entries (RFC 4151): "
                      "a domain or e-mail address you own. Never change it once feeds are read."),
    "ICS_PAST_DAYS": (730, "The iCalendar feeds hold events ending at most this many days ago (and all future ones)."),
    "ANNIVERSARY_YEARS_BACK": (3, "Anniversaries in the calendars start this many years before the current one."),
    "ANNIVERSARY_YEARS_AHEAD": (10, "Anniversaries in the calendars run until this many years after the current one."),
    "ANNIVERSARY_ALARMS": ("P7D,P1D", "Reminders of anniversaries in the calendars: days before, comma-separated."),
    "ANNIVERSARY_ALARM_TIME": ("09:00", "Local time of day at which anniversary reminders ring."),
    "ALARM_AT": ("09:00", "Local time of day at which a subscriber's `?alarm=P1D` rings on an all-day entry "
                 "(09:00 the day before), HH:MM."),
}

_INT_SETTINGS = {"REFRESH_MINUTES": (1, 1440), "CHANGE_POLL_SECONDS": (1, 3600), "CATCH_UP_DAYS": (1, 366),
                 "LOCK_POLL_SECONDS": (1, 600), "ICS_PAST_DAYS": (0, 36500),
                 "ANNIVERSARY_YEARS_BACK": (0, 100), "ANNIVERSARY_YEARS_AHEAD": (0, 100)}


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in environ.items():
        if name.startswith(ENV_PREFIX):
            key = name[len(ENV_PREFIX):]
            if key in DEFAULTS:
                found[key] = value
    return found


def _daily_at(value: Any, name: str = "DAILY_AT") -> str:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value).strip())
    if not match:
        raise ConfigurationError(f"{ENV_PREFIX}{name} must be a time of day HH:MM, not {value!r}")
    return f"{int(match[1]):02d}:{match[2]}"


def _leads(value: Any) -> tuple[int, ...]:
    parts = str(value).split(",") if isinstance(value, str) else list(value)
    try:
        leads = sorted({int(str(part).strip()) for part in parts if str(part).strip()}, reverse=True)
    except ValueError:
        raise ConfigurationError(
            f"{ENV_PREFIX}ANNIVERSARY_LEADS must be whole numbers of days separated by commas, not {value!r}"
        ) from None
    if not leads or not all(1 <= lead <= 366 for lead in leads):
        raise ConfigurationError(f"{ENV_PREFIX}ANNIVERSARY_LEADS must list days between 1 and 366, not {value!r}")
    return tuple(leads)


def resolve_database_url(settings: Mapping[str, Any]) -> str:
    """Return the database URL the settings name, defaulting to a SQLite file in DATA_DIR."""
    url = str(settings.get("DATABASE_URL") or "").strip()
    if url:
        return url
    return f"sqlite:///{Path(settings['DATA_DIR']).resolve() / 'calendar.db'}"


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Merge defaults, environment and ``overrides``, check every value and return the settings.

    Raises:
        ConfigurationError: a value is unusable; the message names the variable.
    """
    settings: dict[str, Any] = {key: default for key, (default, _) in DEFAULTS.items()}
    settings.update(_from_environment(os.environ if environ is None else environ))
    if overrides:
        settings.update({key: value for key, value in overrides.items() if key in DEFAULTS})
    extra = {key: value for key, value in (overrides or {}).items() if key not in DEFAULTS}

    for key, (low, high) in _INT_SETTINGS.items():
        try:
            settings[key] = int(settings[key])
        except (TypeError, ValueError):
            raise ConfigurationError(f"{ENV_PREFIX}{key} must be a whole number, not {settings[key]!r}") from None
        if not low <= settings[key] <= high:
            raise ConfigurationError(f"{ENV_PREFIX}{key} must be between {low} and {high}")
    try:
        zoneinfo.ZoneInfo(str(settings["TIMEZONE"]))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{ENV_PREFIX}TIMEZONE: unknown IANA time zone {settings['TIMEZONE']!r}"
        ) from None
    base = str(settings["BASE_URL"]).rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(f"{ENV_PREFIX}BASE_URL must be an http(s) address, not {base!r}")
    settings["BASE_URL"] = base
    if not re.fullmatch(r"[A-Za-z]+", str(settings["LOG_LEVEL"])):
        raise ConfigurationError(f"{ENV_PREFIX}LOG_LEVEL must be a level name such as INFO")
    settings["LOG_LEVEL"] = str(settings["LOG_LEVEL"]).upper()
    settings["DAILY_AT"] = _daily_at(settings["DAILY_AT"])
    settings["ALARM_AT"] = _daily_at(settings["ALARM_AT"], "ALARM_AT")
    settings["ANNIVERSARY_LEADS"] = _leads(settings["ANNIVERSARY_LEADS"])
    if not re.fullmatch(r"([A-Za-z0-9._%+-]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?",
                        str(settings["TAG_AUTHORITY"])):
        raise ConfigurationError(f"{ENV_PREFIX}TAG_AUTHORITY must be a domain name or e-mail address (RFC 4151)")
    settings["DATA_DIR"] = str(settings["DATA_DIR"])
    settings["FEEDS_DIR"] = str(settings["FEEDS_DIR"])
    settings["DATABASE_URL"] = resolve_database_url(settings)
    try:
        parse_triggers(str(settings["ANNIVERSARY_ALARMS"]), str(settings["ANNIVERSARY_ALARM_TIME"]))
    except ValueError as error:
        raise ConfigurationError(
            f"{ENV_PREFIX}ANNIVERSARY_ALARMS / {ENV_PREFIX}ANNIVERSARY_ALARM_TIME: {error}"
        ) from None
    settings.update(extra)
    return settings
