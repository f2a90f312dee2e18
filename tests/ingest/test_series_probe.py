"""A rule is refused when it gives no occurrence within the horizon: checked against dateutil from the real start.

The service looks for a rule's first occurrence from the same day of a late year with the same
calendar (so that a rule that never happens is given up on soon, not at the year 9999); these
tests hold that search to dateutil's answer from the rule's own start.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from dateutil.rrule import rrulestr

from calendar_service.errors import InvalidInput
from calendar_service.ingest.ics import read_ics
from calendar_service.ingest.series import HORIZON

#: Rules that happen rarely (every few years or decades) and some that never happen.
RULES = (
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=SU",
    "FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;WKST=SU",
    "FREQ=YEARLY;BYYEARDAY=366;BYDAY=FR",
    "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=29;BYDAY=TU",
    "FREQ=MONTHLY;BYMONTHDAY=31;BYSETPOS=2",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
)
#: Start years around leap centuries and common ones, the first year and the last decades.
YEARS = (1, 4, 1900, 2000, 2025, 2096, 2100, 2400, 9891, 9986)


def _calendar(rule: str, start: dt.date) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//probe//EN\r\nBEGIN:VEVENT\r\nUID:probe@example.org\r\n"
            f"DTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:{start.isoformat().replace('-', '')}\r\nSUMMARY:Probe\r\n"
            f"RRULE:{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def _happens_within_horizon(rule: str, start: dt.date) -> bool:
    first = dt.datetime.combine(start, dt.time())
    found = next(iter(rrulestr(rule, dtstart=first)), None) if "BYMONTHDAY=30" not in rule and \
        "BYMONTHDAY=31;BYSETPOS" not in rule else None  # those never happen: dateutil would search to 9999
    return found is not None and found - first <= HORIZON


@pytest.mark.parametrize("rule", RULES)
def test_a_rule_is_kept_exactly_when_it_happens_within_the_horizon(rule: str) -> None:
    for year in YEARS:
        for start in (dt.date(year, 1, 1), dt.date(year, 12, 28)):
            if _happens_within_horizon(rule, start):
                assert read_ics(_calendar(rule, start), today=start), (rule, start)
            else:
                with pytest.raises(InvalidInput, match="gives no occurrence"):
                    read_ics(_calendar(rule, start), today=start)


def test_a_never_happening_rule_in_the_last_years_is_refused() -> None:
    start = dt.date(9988, 6, 1)
    with pytest.raises(InvalidInput, match="gives no occurrence"):
        read_ics(_calendar("FREQ=MONTHLY;BYMONTHDAY=31;BYSETPOS=2", start), today=start)


def test_the_calendar_of_every_year_repeats_in_the_year_searched_from() -> None:
    from calendar_service.ingest.series import _late_twin

    def shape(year: int) -> tuple[int, bool]:
        return dt.date(year, 1, 1).weekday(), calendar.isleap(year)

    read = HORIZON.days // 365 + 2
    for year in [*range(1, 2 * 400), *range(dt.MAXYEAR - 400, dt.MAXYEAR + 1)]:  # every year of the cycle, twice
        twin = _late_twin(year)
        assert twin >= year
        assert twin + read <= dt.MAXYEAR or twin == year
        for offset in range(-1 if year > 1 else 0, read + 1):
            if twin + offset <= dt.MAXYEAR:
                assert shape(year + offset) == shape(twin + offset), (year, twin, offset)
