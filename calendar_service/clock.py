"""The one clock: every "now" and "today" in calendar-service comes from here.

Tests move time with ``time-machine``, which reaches this module's single call to
:func:`datetime.datetime.now`; nothing else in the package reads the system clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

__all__ = ["now", "today"]


def now() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


def today(timezone: str) -> dt.date:
    """Return today's date in ``timezone`` (an IANA name such as ``Europe/Moscow``)."""
    return now().astimezone(zoneinfo.ZoneInfo(timezone)).date()
