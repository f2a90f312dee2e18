"""The iCalendar content-line writer: escaping, parameters and folding (RFC 5545 §3.1, §3.3.11).

A plain writer of bytes, about twenty times faster than building ``icalendar`` components; the
output is checked against ``icalendar``, ``ical`` and ``ical.js`` in the tests. Nothing a user
typed can leave its property: CR and LF are escaped as ``\\n``, ``;``/``,``/``\\`` are escaped in
TEXT values, control characters are dropped, and parameter values lose the DQUOTE they cannot
hold (RFC 5545 §3.2 gives them no escape).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

__all__ = [
    "content_line", "escape_text", "fold", "format_date", "format_duration", "format_local", "format_utc",
    "line_prefix", "plain_text",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_FOLD_AT = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    if "\r" in value:
        value = _NEWLINE.sub("\n", value)
    # isprintable() is false for every control character: the scan for them runs only then.
    if not value.isprintable() and not value.replace("\n", "").isprintable():
        value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def plain_text(value: str) -> str:
    """Write a value of an X-WR property unescaped, on one line.

    Google, ``icalendar`` and ``ical.js`` read ``X-WR-CALNAME``/``X-WR-CALDESC`` verbatim (an
    escaped comma would show as ``\\,``), so only line ends and control characters are removed.
    """
    return _CONTROL.sub("", _NEWLINE.sub(" ", value))


def _parameter_value(value: str) -> str:
    value = _CONTROL.sub("", _NEWLINE.sub(" ", value)).replace('"', "'")
    if any(ch in value for ch in ";:,"):
        return f'"{value}"'
    return value


def fold(line: str) -> bytes:
    """Encode ``line`` as UTF-8 and fold it at 75 octets, never inside a character (§3.1)."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return data + b"\r\n"
    parts = []
    start, limit = 0, _FOLD_AT
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: step back to the character start
            end -= 1
        parts.append(data[start:end])
        start, limit = end, _FOLD_AT - 1  # continuation lines begin with one space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def content_line(name: str, value: str, parameters: dict[str, str] | None = None) -> bytes:
    """Return one folded content line; ``value`` must already be in its value type's syntax."""
    if parameters:
        return fold(line_prefix(name, tuple(parameters.items())) + value)
    return fold(f"{name}:{value}")


@functools.lru_cache(maxsize=1024)
def line_prefix(name: str, parameters: tuple[tuple[str, str], ...] = ()) -> str:
    """Return what a content line holds before its value: ``DTSTART;TZID=Europe/Moscow:``.

    The same few names and parameters start most lines of a calendar: each prefix is written once.
    """
    return name + "".join(f";{key}={_parameter_value(val)}" for key, val in parameters) + ":"


def format_utc(value: dt.datetime) -> str:
    """Write an aware datetime as a UTC DATE-TIME (``20250115T090000Z``)."""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return (f"{value.year:04d}{value.month:02d}{value.day:02d}"
            f"T{value.hour:02d}{value.minute:02d}{value.second:02d}Z")


def format_local(value: dt.datetime) -> str:
    """Write a datetime's wall-clock time without zone, for use with a ``TZID`` parameter."""
    return (f"{value.year:04d}{value.month:02d}{value.day:02d}"
            f"T{value.hour:02d}{value.minute:02d}{value.second:02d}")


def format_date(value: dt.date) -> str:
    """Write a DATE value (``20250115``)."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def format_duration(value: dt.timedelta) -> str:
    """Write a DURATION (§3.3.6) in days, hours, minutes and seconds, signed."""
    sign = "-" if value < dt.timedelta(0) else ""
    seconds = abs(int(value.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    if hours or minutes or seconds or not days:
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if seconds or not (hours or minutes):
            text += f"{seconds}S"
    return text
