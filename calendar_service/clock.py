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


def today(timezone: zoneinfo.ZoneInfo) -> dt.date:
    """Return today's date in ``timezone`` (the service's, CALENDAR_TIMEZONE)."""
    return now().astimezone(timezone).date()
