"""Settings: one frozen, typed :class:`Settings`, read from ``CALENDAR_*`` environment variables.

Each field of :class:`Settings` carries its default (as it would be written in the environment)
and its meaning; the settings table in docs/settings.md is :func:`settings_table`. Order of
precedence, lowest first: the defaults, the environment (``CALENDAR_REFRESH_MINUTES=5``), then a
mapping passed in code (tests, ``create_app(config)``). :func:`load_settings` checks every value
and returns the settings; both the Flask app and the CLI use it, so they always agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from calendar_service.durations import MAX_LEAD, parse_lead
from calendar_service.errors import ConfigurationError

__all__ = ["ENV_PREFIX", "SETTING_NAMES", "Settings", "SmtpServer", "load_settings", "settings_table"]

ENV_PREFIX = "CALENDAR_"


def _setting(default: str, doc: str, parse: Callable[[Any], Any]) -> Any:
    """Declare a setting: its default as written in the environment, its meaning and its parser."""
    return dataclasses.field(metadata={"default": default, "doc": doc, "parse": parse})


def _text(value: Any) -> str:
    return str(value).strip()


def _path(value: Any) -> Path:
    return Path(str(value))


def _whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"must be a whole number, not {value!r}") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _time_of_day(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value).strip())
    if not match:
        raise ValueError(f"must be a time of day HH:MM, not {value!r}")
    return dt.time(int(match[1]), int(match[2]))


def _zone(value: Any) -> zoneinfo.ZoneInfo:
    if isinstance(value, zoneinfo.ZoneInfo):
        return value
    try:
        return zoneinfo.ZoneInfo(str(value).strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"names an unknown IANA time zone: {value!r}") from None


def _base_url(value: Any) -> str:
    base = str(value).strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"must be an http(s) address, not {base!r}")
    return base


def _log_level(value: Any) -> str:
    if not re.fullmatch(r"[A-Za-z]+", str(value)):
        raise ValueError("must be a level name such as INFO")
    return str(value).upper()


def _flag(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"must be 1 or 0, not {value!r}")


def _tag_authority(value: Any) -> str:
    if not re.fullmatch(r"([A-Za-z0-9._%+-]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?", str(value)):
        raise ValueError("must be a domain name or e-mail address (RFC 4151)")
    return str(value)


def _items(value: Any) -> list[Any]:
    """Return the comma-separated parts of a text, or the items of a list (or the one value) given in code."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value) if isinstance(value, Iterable) else [value]


def _leads(value: Any) -> tuple[int, ...]:
    try:
        leads = sorted({int(part) for part in _items(value)}, reverse=True)
    except (TypeError, ValueError):
        raise ValueError(f"must be whole numbers of days separated by commas, not {value!r}") from None
    if not leads or not all(1 <= lead <= 366 for lead in leads):
        raise ValueError(f"must list days between 1 and 366, not {value!r}")
    return tuple(leads)


def _duration(item: Any) -> dt.timedelta:
    if not isinstance(item, dt.timedelta):
        return parse_lead(str(item))
    if not dt.timedelta(0) < item <= MAX_LEAD:
        raise ValueError(f"{item} must be longer than zero and at most {MAX_LEAD.days} days")
    return item


def _durations(value: Any) -> tuple[dt.timedelta, ...]:
    try:
        leads = {_duration(item) for item in _items(value)}
    except ValueError as error:
        raise ValueError(f"must list ISO 8601 durations such as P7D,P1D: {error}") from None
    if not leads:
        raise ValueError("must list at least one ISO 8601 duration such as P1D")
    return tuple(sorted(leads, reverse=True))


@dataclasses.dataclass(frozen=True)
class SmtpServer:
    """Where email is sent: CALENDAR_SMTP_URL taken apart. ``tls`` is ``none``, ``starttls`` or ``ssl``."""

    host: str
    port: int
    tls: str
    user: str | None = dataclasses.field(default=None, repr=False)
    password: str | None = dataclasses.field(default=None, repr=False)


#: URL scheme -> (TLS mode, default port).
_SMTP_SCHEMES = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}


def _smtp_url(value: Any) -> SmtpServer | None:
    if value is None or isinstance(value, SmtpServer):
        return value
    text = str(value).strip()
    if not text:
        return None
    # The message never repeats the URL: it may carry a password.
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError("is not a URL such as smtp+starttls://user:password@host:587") from None
    if parts.scheme not in _SMTP_SCHEMES or not parts.hostname or parts.path not in {"", "/"} or parts.query:
        raise ValueError("must be smtp://, smtp+starttls:// or smtps:// followed by [user:password@]host[:port]")
    tls, default_port = _SMTP_SCHEMES[parts.scheme]
    return SmtpServer(parts.hostname, port or default_port, tls,
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password is not None else None)


def _mail_from(value: Any) -> str:
    from email.utils import parseaddr  # email.utils brings socket, calendar and more: only when read

    text = str(value).strip()
    if text and ("@" not in parseaddr(text)[1] or any(char in text for char in "\r\n")):
        raise ValueError(f"must be an address such as 'CSTO calendar <calendar@example.org>', not {text!r}")
    return text


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """The service's settings, checked and typed; build them with :func:`load_settings`.

    Derive changed settings with :func:`dataclasses.replace` (``replace(settings, base_url=...)``).
    """

    data_dir: Path = _setting(
        "data", "Folder holding the dataset, (by default) the SQLite database and any `gazetteer.yaml` "
        "replacing the shipped one.", _path)
    dataset: str = _setting(
        "events.yaml,reference/*.yaml",
        "Dataset files in DATA_DIR loaded, in one transaction, into an empty store by `serve` and `scheduler`: "
        "comma-separated files, folders or glob patterns.", _text)
    database_url: str = _setting(
        "", "SQLAlchemy URL; empty means `sqlite:///<DATA_DIR>/calendar.db`. Any SQLAlchemy URL works, "
        "e.g. `postgresql+psycopg://user:pass@host/db` (install the driver).", _text)
    feeds_dir: Path = _setting("feeds", "Folder the rendered feed files are written into.", _path)
    fsync: bool = _setting(
        "1", "`1` waits for every write to reach the disk before going on: each published file and its folder "
        "are fsynced before the manifest names them, and a SQLite store commits with `synchronous=FULL`. `0` "
        "skips the waits (a power cut may then lose the last commits and leave feeds to rebuild): for "
        "throwaway stores such as tests and previews. A PostgreSQL store follows the server's `fsync`.", _flag)
    base_url: str = _setting(
        "http://127.0.0.1:8000", "Public address of the service, used for every link in feeds. "
        "Unset, `serve` links to the address it listens on.", _base_url)
    timezone: zoneinfo.ZoneInfo = _setting(
        "Europe/Moscow", 'IANA time zone of the service: default zone of events, of "today".', _zone)
    refresh_minutes: int = _setting(
        "15", "Feeds are re-rendered at least this often; also the feeds' advertised refresh interval.",
        _whole(1, 1440))
    change_poll_seconds: int = _setting(
        "5", "How often the scheduler looks for store changes, to re-render soon after one.", _whole(1, 3600))
    log_level: str = _setting("INFO", "Python logging level of the service's own log lines.", _log_level)
    tag_authority: str = _setting(
        "calendar-service", "Authority of the permanent `tag:` ids of feeds and entries (RFC 4151): "
        "a domain or e-mail address you own. Never change it once feeds are read.", _tag_authority)
    daily_at: dt.time = _setting(
        "06:00", "Local time (in `CALENDAR_TIMEZONE`) of the daily anniversary sweep, `HH:MM`.", _time_of_day)
    anniversary_leads: tuple[int, ...] = _setting(
        "7", 'Comma-separated days ahead at which an "anniversary ahead" notice is issued, e.g. `30,7,1`.', _leads)
    catch_up_days: int = _setting(
        "31", "After downtime, the daily sweep catches up at most this many missed days.", _whole(1, 366))
    lock_poll_seconds: int = _setting(
        "5", "How often a standby scheduler tries to take the scheduler lock over.", _whole(1, 600))
    ics_past_days: int = _setting(
        "730", "Calendars hold events ending at most this many days ago (and all future ones).", _whole(0, 36500))
    anniversary_years_back: int = _setting(
        "3", "Anniversaries in the calendars start this many years before the current one.", _whole(0, 100))
    anniversary_years_ahead: int = _setting(
        "10", "Anniversaries in the calendars run until this many years after the current one.", _whole(0, 100))
    anniversary_alarms: tuple[dt.timedelta, ...] = _setting(
        "P7D,P1D", "Reminders of anniversaries in the calendars: comma-separated ISO 8601 durations before "
        "the day.", _durations)
    anniversary_alarm_time: dt.time = _setting(
        "09:00", "Local time of day at which anniversary reminders ring, `HH:MM`.", _time_of_day)
    smtp_url: SmtpServer | None = _setting(
        "", "Where reminders by email are sent: `smtp://host:25` (plain), `smtp+starttls://user:password@host:587` "
        "or `smtps://user:password@host:465` (TLS from the start); user and password percent-encoded. "
        "Empty: no email subscriptions.", _smtp_url)
    mail_from: str = _setting(
        "", "The `From` of reminder emails, e.g. `CSTO calendar <calendar@example.org>`; empty: "
        "`calendar-service@` and the host of `CALENDAR_BASE_URL`.", _mail_from)
    webhook_allow_private: bool = _setting(
        "0", "`1` lets webhook URLs name private, loopback and link-local addresses (for tests and closed "
        "networks); by default they are refused, after DNS resolution too.", _flag)
    deliver_seconds: int = _setting(
        "30", "How often the scheduler sends the reminders due (the `deliver` job).", _whole(1, 3600))
    subscriptions_per_address: int = _setting(
        "10", "At most this many subscriptions for one email address or webhook URL.", _whole(1, 1000))
    confirmations_per_day: int = _setting(
        "3", "At most this many confirmation requests are emailed to one address in 24 hours.", _whole(1, 100))
    alarm_at: dt.time = _setting(
        "09:00", "Local time of day at which a subscriber's `alarm` rings on an all-day entry "
        "(`P1D`: 09:00 the day before), `HH:MM`.", _time_of_day)
    sources_every: int = _setting(
        "30", "Minutes between two runs of the `fetch` job, which reads the watched news sources.", _whole(1, 1440))
    sources_allow_private: bool = _setting(
        "0", "`1` lets requests to the outside reach private, loopback and link-local addresses "
        "(tests, local setups); `0` refuses them, after DNS resolution too.", _flag)
    sources_timeout: int = _setting(
        "10", "Seconds a request to a source may take to connect, and between two reads.", _whole(1, 300))
    sources_max_bytes: int = _setting(
        "5000000", "Largest feed or page read from a source, in bytes; reading stops past it.",
        _whole(10_000, 100_000_000))
    sources_host_pause: int = _setting(
        "2", "Seconds between two requests to the same host (one request at a time per host).", _whole(0, 600))

    @property
    def anniversary_triggers(self) -> tuple[dt.timedelta, ...]:
        """Return the anniversary reminders relative to the start of the day, earliest first.

        ``P7D,P1D`` at 09:00 gives -P6DT15H and -PT15H: 09:00 seven days and one day before.
        """
        at = _since_midnight(self.anniversary_alarm_time)
        return tuple(sorted({at - lead for lead in self.anniversary_alarms}))

    @property
    def alarm_at_offset(self) -> dt.timedelta:
        """Return ALARM_AT as the time since midnight."""
        return _since_midnight(self.alarm_at)


def _since_midnight(time_of_day: dt.time) -> dt.timedelta:
    return dt.timedelta(hours=time_of_day.hour, minutes=time_of_day.minute)


_FIELDS = {field.name.upper(): field for field in dataclasses.fields(Settings)}

#: The names of every setting, as in the environment without the ``CALENDAR_`` prefix.
SETTING_NAMES: tuple[str, ...] = tuple(_FIELDS)


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
    """Merge defaults, environment and ``overrides`` (keyed by the names of the settings table) and check them.

    Raises:
        ConfigurationError: a value is unusable, or ``overrides`` names no setting; the message
            names the variable.
    """
    unknown = sorted(set(overrides or {}) - set(_FIELDS))
    if unknown:
        raise ConfigurationError(f"no such setting: {', '.join(unknown)} (see docs/settings.md)")
    values: dict[str, Any] = {}
    for name, field in _FIELDS.items():
        raw: Any = field.metadata["default"]
        raw = environ.get(ENV_PREFIX + name, raw)
        if overrides is not None and name in overrides:
            raw = overrides[name]
        try:
            values[field.name] = field.metadata["parse"](raw)
        except ValueError as error:
            raise ConfigurationError(f"{ENV_PREFIX}{name} {error}") from None
    if not values["database_url"]:
        values["database_url"] = f"sqlite:///{values['data_dir'].resolve() / 'calendar.db'}"
    return Settings(**values)


def settings_table() -> str:
    """Return the Markdown table of every setting, its default and meaning (docs/settings.md)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in _FIELDS.items():
        default = f"`{field.metadata['default']}`" if field.metadata["default"] else "*(empty)*"
        rows.append(f"| `{ENV_PREFIX}{name}` | {default} | {field.metadata['doc']} |")
    return "\n".join(rows) + "\n"
