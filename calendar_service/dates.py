"""Partial dates: the day, month or year an event is known to, and anniversary arithmetic.

Everything downstream of extraction sees an event's dates as an inclusive ``start``/``end`` pair
of :class:`datetime.date` plus a ``precision``. A date known only to the month is stored as the
first (``start``) or last (``end``) day of that month, and is always *written* back at its
precision (``2024-05``), so a guessed day is never presented as a known one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum

__all__ = [
    "Precision",
    "anniversary_date",
    "format_at_precision",
    "parse_at_precision",
    "period_bounds",
]


class Precision(StrEnum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_FORMS = {
    Precision.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    Precision.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    Precision.YEAR: re.compile(r"^(\d{4})$"),
}


def period_bounds(year: int, month: int | None = None, day: int | None = None) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the period a partial date names.

    Raises:
        ValueError: the date does not exist (``2024-02-30``, month 13).
    """
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    exact = dt.date(year, month, day)
    return exact, exact


def parse_at_precision(text: str) -> tuple[dt.date, dt.date, Precision]:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` into (first day, last day, precision).

    Raises:
        ValueError: not one of the three forms, or a date that does not exist.
    """
    value = str(text).strip()
    for precision, pattern in _FORMS.items():
        match = pattern.match(value)
        if match:
            parts = [int(group) for group in match.groups()]
            first, last = period_bounds(*parts)
            return first, last, precision
    raise ValueError(f"{value!r} is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY")


def format_at_precision(value: dt.date, precision: Precision | str) -> str:
    """Write a date at the precision it is known to."""
    precision = Precision(precision)
    if precision is Precision.YEAR:
        return f"{value.year:04d}"
    if precision is Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def anniversary_date(original: dt.date, year: int) -> dt.date:
    """Return the day in ``year`` on which ``original`` is commemorated.

    29 February falls on 28 February in common years.
    """
    if original.month == 2 and original.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return original.replace(year=year)
