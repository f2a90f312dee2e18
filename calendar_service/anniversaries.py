"""Anniversary arithmetic: which anniversaries of founding events fall when, and how to name them.

Pure functions over dates; the calendar renderer, the feeds and the scheduler's anniversary
sweep all count anniversaries here, so they never disagree on a number or a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from calendar_service.dates import anniversary_date

__all__ = ["Anniversary", "is_jubilee", "occurrences", "ordinal_en", "ordinal_ru"]

#: Every fifth anniversary is a jubilee (5th, 10th, 15th, ...).
JUBILEE_EVERY = 5


def ordinal_en(number: int) -> str:
    """Return the English ordinal numeral: 1st, 2nd, 33rd, 111th."""
    from num2words import num2words  # its 60 language modules load only where an anniversary is written

    return num2words(number, to="ordinal_num", lang="en")


def ordinal_ru(number: int) -> str:
    """Return the Russian ordinal numeral agreeing with «годовщина» (feminine): 33-я.

    num2words' Russian ``ordinal_num`` returns the bare number ("33"); the feminine nominative
    ending is "-я" for every number, so it is added here.
    """
    return f"{number}-я"


def is_jubilee(number: int) -> bool:
    """Tell whether the ``number``-th anniversary is a round one."""
    return number > 0 and number % JUBILEE_EVERY == 0


@dataclass(frozen=True)
class Anniversary:
    """The ``number``-th anniversary of a founding event, falling on ``day``."""

    original: dt.date
    number: int
    day: dt.date

    @property
    def is_jubilee(self) -> bool:
        return is_jubilee(self.number)

    @property
    def ordinal_en(self) -> str:
        return ordinal_en(self.number)

    @property
    def ordinal_ru(self) -> str:
        return ordinal_ru(self.number)


def occurrences(original: dt.date, first: dt.date, last: dt.date) -> Iterator[Anniversary]:
    """Yield the anniversaries of ``original`` falling between ``first`` and ``last`` inclusive.

    29 February is commemorated on 28 February in common years.
    """
    for year in range(max(first.year, original.year + 1), last.year + 1):
        day = anniversary_date(original, year)
        if first <= day <= last:
            yield Anniversary(original=original, number=year - original.year, day=day)
