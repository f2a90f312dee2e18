"""Year inference: a DateMention and the day it is read against become an inclusive date range.

Extraction step "dating", after :mod:`.grammar` found the words. A date written without a year
takes the year that puts it nearest the anchor (the text's publication date, else the reference
date) on the side the text points to: the most recent such day on or before the anchor for what
the text says happened, the next one on or after it for what it announces. A weekday the text
names ("On Tuesday, 4 March") picks the year in which the date falls on that weekday, if one lies
close enough.

A date named against the day itself ("yesterday", "on Thursday", "last week", "в этом месяце") is
counted from the anchor: a weekday is the nearest such day on or before it for what happened, on or
after it for what is to come ("last Thursday" and "next Thursday" say which way themselves); a week
is Monday to Sunday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from calendar_service.dates import Precision, period_bounds
from calendar_service.ingest.extract.grammar import DateMention, PartialDate

__all__ = ["ResolvedDate", "Tense", "resolve"]

#: How far from the anchor a weekday may move the inferred year.
_WEEKDAY_REACH = 7


class Tense(StrEnum):
    PAST = "past"  #: the text says it happened: the latest matching date on or before the anchor
    FUTURE = "future"  #: the text announces it: the earliest matching date on or after the anchor


@dataclass(frozen=True)
class ResolvedDate:
    start: dt.date
    end: dt.date
    precision: Precision
    year_inferred: bool


def _bounds(
    first: PartialDate, last: PartialDate, year_first: int, year_last: int
) -> tuple[dt.date, dt.date]:
    start = period_bounds(year_first, first.month, first.day)[0]
    end = period_bounds(year_last, last.month, last.day)[1]
    return start, end


def _crosses_new_year(first: PartialDate, last: PartialDate) -> bool:
    return (first.month or 0, first.day or 0) > (last.month or 0, last.day or 0)


def _candidates(mention: DateMention, anchor: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    back = 1 if _crosses_new_year(mention.first, mention.last) else 0
    found = []
    for year in range(anchor.year - _WEEKDAY_REACH - 1, anchor.year + _WEEKDAY_REACH + 2):
        try:
            start, end = _bounds(mention.first, mention.last, year - back, year)
        except ValueError:  # 29 February in a common year
            continue
        found.append((year, start, end))
    return found


def _infer(mention: DateMention, anchor: dt.date, tense: Tense) -> tuple[dt.date, dt.date]:
    candidates = _candidates(mention, anchor)
    if mention.weekday is not None and mention.precision == "day":
        named = [c for c in candidates if c[1].isoweekday() == mention.weekday]
        # The year within a year of the anchor where the day falls on that weekday, whichever side:
        # "will meet on Thursday, June 26" read a few days late is that June, not one years ahead.
        close = [c for c in named if abs((c[1] - anchor).days) <= 366]
        if len(close) == 1:
            return close[0][1], close[0][2]
        chosen = _pick(close or named, anchor, tense)
        if chosen is not None:
            return chosen
    chosen = _pick(candidates, anchor, tense)
    if chosen is None:  # cannot happen for a valid day, month or range; kept for safety
        raise ValueError(f"no year fits {mention}")
    return chosen


def _pick(
    candidates: list[tuple[int, dt.date, dt.date]], anchor: dt.date, tense: Tense
) -> tuple[dt.date, dt.date] | None:
    if tense is Tense.PAST:
        before = [c for c in candidates if c[1] <= anchor]
        return (before[-1][1], before[-1][2]) if before else None
    after = [c for c in candidates if c[2] >= anchor]
    return (after[0][1], after[0][2]) if after else None


def _relative(mention: DateMention, anchor: dt.date, tense: Tense) -> tuple[dt.date, dt.date]:
    assert mention.relative is not None
    unit, amount = mention.relative
    if unit in ("day", "the_day"):  # "the same day" with no day before it: the anchor's
        day = anchor + dt.timedelta(days=amount)
        return day, day
    if unit == "month_day":  # "will last till the 9th": that day of the anchor's month, else the next
        month = anchor.year * 12 + anchor.month - 1 + (amount < anchor.day)
        year, number = divmod(month, 12)
        last = period_bounds(year, number + 1, None)[1].day
        day = dt.date(year, number + 1, min(amount, last))
        return day, day
    if unit.startswith("weekdays"):  # "from Monday to Friday" (``amount`` is the last weekday)
        assert mention.weekday is not None
        length = (amount - mention.weekday) % 7
        monday = anchor - dt.timedelta(days=anchor.weekday())
        weeks = {"weekdays_last": -1, "weekdays_this": 0, "weekdays_next": 1}.get(unit)
        if weeks is not None:
            start = monday + dt.timedelta(weeks=weeks, days=mention.weekday - 1)
        elif tense is Tense.PAST:  # the latest such run ended on or before the anchor
            end = anchor - dt.timedelta(days=(anchor.isoweekday() - amount) % 7)
            start = end - dt.timedelta(days=length)
        else:  # the next one begun on or after it
            start = anchor + dt.timedelta(days=(mention.weekday - anchor.isoweekday()) % 7)
        return start, start + dt.timedelta(days=length)
    if unit == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=amount)
        return monday, monday + dt.timedelta(days=6)
    if unit in ("month", "the_month"):
        month = anchor.year * 12 + anchor.month - 1 + amount
        return period_bounds(month // 12, month % 12 + 1, None)
    if unit == "month_named":  # "last November": the latest November before this month
        named = mention.first.month
        assert named is not None
        year = anchor.year - (amount < 0 and named >= anchor.month) + (amount > 0 and named <= anchor.month)
        return period_bounds(year, named, None)
    assert mention.weekday is not None
    back = (anchor.isoweekday() - mention.weekday) % 7
    ahead = (mention.weekday - anchor.isoweekday()) % 7
    if amount < 0:  # "last Thursday": before the anchor's own day
        day = anchor - dt.timedelta(days=back or 7)
    elif amount > 0:  # "next Thursday"
        day = anchor + dt.timedelta(days=ahead or 7)
    elif tense is Tense.PAST:
        day = anchor - dt.timedelta(days=back)
    else:
        day = anchor + dt.timedelta(days=ahead)
    return day, day


def resolve(
    mention: DateMention, *, anchor: dt.date, tense: Tense, anchor_is_published: bool
) -> ResolvedDate:
    """Turn ``mention`` into a date range at its precision.

    Args:
        anchor: the publication date of the text, else the reference date.
        tense: whether the text reports the event (past) or announces it (future).
        anchor_is_published: the anchor is a publication date the text carries, so "this year"
            names a year the text gave; otherwise that year, too, is inferred.
    """
    precision = Precision(mention.precision)
    if mention.relative is not None:
        start, end = _relative(mention, anchor, tense)
        return ResolvedDate(start, end, precision, year_inferred=not anchor_is_published)
    if mention.last.year is not None:
        first_year = mention.first.year if mention.first.year is not None else mention.last.year
        start, end = _bounds(mention.first, mention.last, first_year, mention.last.year)
        return ResolvedDate(start, end, precision, year_inferred=False)
    if mention.relative_year is not None:
        year = anchor.year + mention.relative_year
        back = 1 if _crosses_new_year(mention.first, mention.last) else 0
        start, end = _bounds(mention.first, mention.last, year - back, year)
        return ResolvedDate(start, end, precision, year_inferred=not anchor_is_published)
    start, end = _infer(mention, anchor, tense)
    return ResolvedDate(start, end, precision, year_inferred=True)
