"""Recurring series of an imported .ics file, kept as series: the rule, its dates, its overrides.

A series is stored as one event carrying its ``RRULE``, ``RDATE`` and ``EXDATE`` (RFC 5545
§3.8.5), written in the zone the event is stored in; an overridden occurrence (``RECURRENCE-ID``,
§3.8.4.4) is stored as an event of its own that names its series. Nothing is expanded at import:
a rule is only *probed*, lazily and within :data:`HORIZON`, to learn where a finite series ends
and to refuse rules that would make every later expansion expensive:

* ``FREQ=SECONDLY``, ``MINUTELY`` and ``HOURLY`` (and ``BYHOUR``/``BYMINUTE``/``BYSECOND`` giving
  more than one time a day) — events of a calendar happen at most daily;
* parts calendar apps never write for the frequency (``FREQ=DAILY;BYMONTHDAY=30``), and a rule
  giving no occurrence at all within the horizon (``BYMONTH=2;BYMONTHDAY=30``), which a
  recurrence library would otherwise search for until the year 9999;
* more than :data:`MAX_DATES` RDATEs or EXDATEs in a series, and a file whose series together
  repeat more than :data:`MAX_STEPS` times before the horizon.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import icalendar
from dateutil.rrule import rrulestr

__all__ = ["HORIZON", "MAX_DATES", "MAX_STEPS", "Budget", "SeriesFields", "recurrence_id", "series_fields"]

#: Series are probed up to this long after the import day.
HORIZON = dt.timedelta(days=3660)
#: At most this many RDATEs, and as many EXDATEs, per series.
MAX_DATES = 1000
#: At most this many steps of all the rules of one file from their DTSTART to the horizon.
MAX_STEPS = 500_000
_FREQUENCIES = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}
_TOO_OFTEN = {"SECONDLY", "MINUTELY", "HOURLY"}
_COMMON = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYHOUR", "BYMINUTE", "BYSECOND", "BYDAY"}
#: The parts a rule of each frequency may have: those calendar apps write. A DAILY or WEEKLY rule
#: filtered by month or day of the month can be impossible (``BYMONTH=2;BYMONTHDAY=30``), and a
#: recurrence library then searches every day until the year 9999 for its next occurrence.
_PARTS = {
    "DAILY": _COMMON,
    "WEEKLY": _COMMON,
    "MONTHLY": _COMMON | {"BYMONTHDAY", "BYSETPOS"},
    "YEARLY": _COMMON | {"BYMONTH", "BYMONTHDAY", "BYSETPOS", "BYWEEKNO", "BYYEARDAY"},
}
#: The Gregorian calendar repeats itself, weekdays included, every 400 years.
_CYCLE_YEARS = 400
#: How many years' calendars a rule's first :data:`HORIZON` reads: from the year before its start
#: (week numbers) to the year after the horizon's (a DTSTART late in December reaches 11 years on).
_WINDOW_YEARS = HORIZON.days // 365 + 4

#: Turns a DATE-TIME value and its TZID into (wall-clock time, IANA zone), as single events are.
ZoneOf = Callable[[dt.datetime, "str | None"], tuple[dt.datetime, str]]


class Budget:
    """The steps the rules of one file may still take; shared by all its series."""

    def __init__(self, steps: int = MAX_STEPS) -> None:
        self.left = steps

    def spend(self, steps: int) -> bool:
        """Take ``steps``; tell whether the budget still holds."""
        self.left -= steps
        return self.left >= 0


@dataclass(frozen=True)
class SeriesFields:
    """What a series event stores besides the fields of its first occurrence."""

    rrule: str | None
    rdates: tuple[str, ...]
    exdates: tuple[str, ...]
    series_end: dt.date | None  #: None while the series repeats past the horizon or without end


def _items(value: Any) -> list[Any]:
    """Return the (value, TZID) pairs of a possibly repeated list property (RDATE, EXDATE)."""
    pairs = []
    for prop in value if isinstance(value, list) else [value] if value is not None else []:
        for item in prop.dts:
            pairs.append((item.dt, item.params.get("TZID") or prop.params.get("TZID")))
    return pairs


def _local(value: dt.datetime, tzid: str | None, zone: str, zone_of: ZoneOf) -> dt.datetime:
    """Return ``value`` as a wall-clock time in ``zone`` (the zone the series is stored in)."""
    local, own = zone_of(value, tzid)
    if own != zone:
        local = local.replace(tzinfo=zoneinfo.ZoneInfo(own)).astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
    return local


def _stamp(value: dt.date | dt.datetime, start_time: dt.time | None) -> str:
    if start_time is None:
        return (value.date() if isinstance(value, dt.datetime) else value).strftime("%Y%m%d")
    if not isinstance(value, dt.datetime):  # a DATE in a timed series: that day at the series' time
        value = dt.datetime.combine(value, start_time)
    return value.strftime("%Y%m%dT%H%M%S")


def _dates(component: Any, name: str, start_time: dt.time | None, zone: str, zone_of: ZoneOf) -> tuple[str, ...]:
    stamps = []
    for value, tzid in _items(component.get(name)):
        if isinstance(value, tuple):  # RDATE;VALUE=PERIOD: the occurrence starts at the period's start
            value = value[0]
        if isinstance(value, dt.datetime) and start_time is not None:
            value = _local(value, tzid, zone, zone_of)
        stamps.append(_stamp(value, start_time))
    if len(stamps) > MAX_DATES:
        raise ValueError(f"{len(stamps)} {name} values; at most {MAX_DATES} are kept per series")
    return tuple(sorted(set(stamps)))


def _rule(component: Any, start_time: dt.time | None, zone: str, zone_of: ZoneOf) -> icalendar.vRecur | None:
    value = component.get("RRULE")
    if value is None:
        return None
    if isinstance(value, list):
        raise ValueError("more than one RRULE in one event (RFC 5545 §3.6.1: at most one)")
    rule = icalendar.vRecur(dict(value))
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    if frequency in _TOO_OFTEN:
        raise ValueError(f"RRULE FREQ={frequency}: a calendar event repeats at most daily")
    if frequency not in _FREQUENCIES:
        raise ValueError(f"RRULE FREQ={frequency or '(none)'} is not a frequency (RFC 5545 §3.3.10)")
    extra = sorted(set(rule) - _PARTS[frequency])
    if extra:
        raise ValueError(f"RRULE FREQ={frequency} with {', '.join(extra)}: not a rule calendar apps write, "
                         f"and one that may never repeat")
    if frequency in {"DAILY", "WEEKLY"} and any(not str(day).isalpha() for day in rule.get("BYDAY") or ()):
        raise ValueError(f"RRULE FREQ={frequency} with a numbered BYDAY (RFC 5545 §3.3.10 allows it only "
                         "with MONTHLY and YEARLY)")
    per_day = 1
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_day *= len(rule.get(name) or [None])
    if per_day > 1:
        raise ValueError(f"RRULE gives {per_day} times a day; a calendar event repeats at most daily")
    until = (rule.get("UNTIL") or [None])[0]
    if until is not None:
        if start_time is None:
            until = until.date() if isinstance(until, dt.datetime) else until
        else:
            if not isinstance(until, dt.datetime):  # a DATE: the end of that day
                until = dt.datetime.combine(until, dt.time(23, 59, 59))
            local = _local(until, None, zone, zone_of) if until.tzinfo is not None else until
            until = local.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)
        rule["UNTIL"] = [until]
    return rule


def _spend(budget: Budget, steps: int) -> None:
    if not budget.spend(steps):
        raise ValueError(f"the series of this file repeat more than {MAX_STEPS} times in all within "
                         f"{HORIZON.days // 365} years")


def _year_shape(year: int) -> tuple[int, bool]:
    """What a year's calendar is made of: the weekday of its 1 January and whether it is a leap year."""
    return dt.date(year, 1, 1).weekday(), calendar.isleap(year)


@functools.cache
def _late_shapes() -> dict[tuple[tuple[int, bool], ...], int]:
    """The latest year from which a window of years leaves :data:`HORIZON` before 9999, by the window's shape."""
    latest = dt.MAXYEAR - _WINDOW_YEARS + 1
    shapes = [_year_shape(year) for year in range(latest - _CYCLE_YEARS, dt.MAXYEAR + 1)]
    found: dict[tuple[tuple[int, bool], ...], int] = {}
    for offset in range(_CYCLE_YEARS, -1, -1):
        found.setdefault(tuple(shapes[offset:offset + _WINDOW_YEARS]), latest - _CYCLE_YEARS + offset + 1)
    return found


def _late_twin(year: int) -> int:
    """Return the latest year whose calendar, from the year before it on, is that of ``year``.

    Every calendar day of the years a rule reads within :data:`HORIZON` falls on the same weekday,
    in a year of the same length, as from the twin on: whole 400-year cycles give one twin, and
    within a century a 28-year cycle mostly gives a later one. A year already that late is its own.
    """
    if year == 1:  # no year 0 before it: year 401 has its calendar, and year 400 that of the year before
        year += _CYCLE_YEARS
    if year > dt.MAXYEAR - _WINDOW_YEARS + 1:
        return year
    window = tuple(_year_shape(first) for first in range(year - 1, year - 1 + _WINDOW_YEARS))
    return _late_shapes()[window]


def _check_it_happens(rule: icalendar.vRecur, frequency: str, interval: int, first: dt.datetime,
                      budget: Budget) -> None:
    """Refuse a rule without occurrence within :data:`HORIZON` of its start, in bounded time.

    dateutil looks for the next occurrence of an impossible rule until the year 9999. The rule is
    therefore tried from the same start in the latest year whose calendar is that of its own for
    the years the horizon reads (:func:`_late_twin`, a few decades before 9999): it repeats
    exactly as from its real start within the horizon, and the search ends soon after.
    A DAILY or WEEKLY rule filtered by weekdays alone happens unless a DAILY interval steps in
    whole weeks from a weekday the rule leaves out.
    """
    if frequency in {"DAILY", "WEEKLY"}:
        days = {str(day).upper()[-2:] for day in rule.get("BYDAY") or ()}
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
        if frequency == "DAILY" and days and interval % 7 == 0 and weekday not in days:
            raise ValueError(f"RRULE {rule.to_ical().decode()} never happens: every {interval} days from a "
                             f"{weekday} never falls on {','.join(sorted(days))}")
        return
    shifted = first.replace(year=_late_twin(first.year))
    probe = icalendar.vRecur({name: value for name, value in rule.items() if name not in {"COUNT", "UNTIL"}})
    found = next(iter(rrulestr(probe.to_ical().decode(), dtstart=shifted)), None)
    searched = (found or dt.datetime(dt.MAXYEAR, 12, 31)) - shifted  # noqa: DTZ001 — naive like DTSTART
    _spend(budget, searched.days // _FREQUENCIES[frequency] + 1)
    if found is None or found - shifted > HORIZON:
        raise ValueError(f"RRULE {rule.to_ical().decode()} gives no occurrence within "
                         f"{HORIZON.days // 365} years of its DTSTART")


def _probe(rule: icalendar.vRecur, first: dt.datetime, horizon: dt.datetime, zone: str, budget: Budget
           ) -> dt.datetime | None:
    """Return the last start of ``rule`` from ``first`` on, None if it repeats past ``horizon``.

    Raises:
        ValueError: the rule gives no start before the horizon, or the file's budget is spent.
    """
    plain = icalendar.vRecur(dict(rule))
    until = (plain.get("UNTIL") or [None])[0]
    if isinstance(until, dt.datetime):  # dateutil wants UNTIL as naive as DTSTART
        plain["UNTIL"] = [until.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)]
    elif until is not None:
        plain["UNTIL"] = [dt.datetime.combine(until, dt.time(23, 59, 59))]
    frequency = str(plain["FREQ"][0]).upper()
    interval = int((plain.get("INTERVAL") or [1])[0]) or 1
    _check_it_happens(plain, frequency, interval, first, budget)
    _spend(budget, max(0, (horizon - first).days) // (_FREQUENCIES[frequency] * interval) + 1)
    count = int(plain["COUNT"][0]) if plain.get("COUNT") else None
    until = (plain.get("UNTIL") or [None])[0]
    plain.pop("COUNT", None)
    plain["UNTIL"] = [min(horizon, until) if until is not None else horizon]
    last = None
    seen = 0
    for start in itertools.islice(rrulestr(plain.to_ical().decode(), dtstart=first), count):
        seen, last = seen + 1, start
        _spend(budget, 1)
    if last is None:
        raise ValueError(f"RRULE {rule.to_ical().decode()} gives no occurrence within "
                         f"{HORIZON.days // 365} years of its DTSTART")
    if (count is not None and seen >= count) or (until is not None and until <= horizon):
        return last
    return None


def series_fields(component: Any, *, start: dt.date, end: dt.date, start_time: dt.time | None,
                  end_time: dt.time | None, zone: str, zone_of: ZoneOf, today: dt.date, budget: Budget
                  ) -> SeriesFields:
    """Return the recurrence of a master component, in the zone and form the event is stored in.

    Args:
        start, end, start_time, end_time, zone: the stored first occurrence.
        zone_of: how the import places a DATE-TIME value and its TZID in a zone.

    Raises:
        ValueError: the recurrence is refused (see the module's docstring).
    """
    rule = _rule(component, start_time, zone, zone_of)
    rdates = _dates(component, "RDATE", start_time, zone, zone_of)
    exdates = _dates(component, "EXDATE", start_time, zone, zone_of)
    first = dt.datetime.combine(start, start_time or dt.time())
    span = (dt.datetime.combine(end, end_time or start_time or dt.time()) - first) if start_time else \
        dt.timedelta(days=(end - start).days)
    horizon = dt.datetime.combine(max(today, start) + HORIZON, dt.time())
    last: dt.datetime | None = first
    if rule is not None:
        last = _probe(rule, first, horizon, zone, budget)
    if last is not None and rdates:
        latest = max(dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])) for value in rdates)
        last = max(last, dt.datetime.combine(latest, dt.time(23, 59)))
    return SeriesFields(
        rrule=rule.to_ical().decode() if rule is not None else None, rdates=rdates, exdates=exdates,
        series_end=(last + span).date() if last is not None else None,
    )


def recurrence_id(value: dt.date | dt.datetime, tzid: str | None, *, all_day: bool, zone: str,
                  zone_of: ZoneOf) -> str:
    """Return the stored form of a RECURRENCE-ID: "YYYYMMDD", or the UTC "YYYYMMDDTHHMMSSZ"."""
    if all_day or not isinstance(value, dt.datetime):
        return (value.date() if isinstance(value, dt.datetime) else value).strftime("%Y%m%d")
    local = _local(value, tzid, zone, zone_of) if value.tzinfo is not None or tzid else value
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
