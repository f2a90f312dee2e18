"""ISO 8601 durations as subscribers and settings write them (``P7D``, ``PT9H``, ``P1DT30M``).

Only the exact units are accepted (weeks, days, hours, minutes, seconds): a month or a year has
no fixed length, so ``P1M`` before an event would mean different things in different months.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["MAX_LEAD", "parse_lead"]

#: Reminders further ahead than this are refused: no calendar app shows them usefully.
MAX_LEAD = dt.timedelta(days=366)
_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d{1,3})W)?(?:(?P<days>\d{1,3})D)?"
    r"(?:T(?:(?P<hours>\d{1,4})H)?(?:(?P<minutes>\d{1,6})M)?(?:(?P<seconds>\d{1,7})S)?)?$"
)


def parse_lead(text: str) -> dt.timedelta:
    """Parse a positive ISO 8601 duration of weeks, days, hours, minutes and seconds.

    Raises:
        ValueError: not such a duration, zero, or longer than :data:`MAX_LEAD`.
    """
    value = text.strip().upper()
    match = _DURATION.match(value)
    if not match or value in {"P", "PT"} or value.endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P7D, PT9H or P1DT12H")
    parts = {name: int(number) for name, number in match.groupdict().items() if number}
    lead = dt.timedelta(**parts)
    if not dt.timedelta(0) < lead <= MAX_LEAD:
        raise ValueError(f"{text!r} must be longer than zero and at most {MAX_LEAD.days} days")
    return lead
