"""Year inference: the most recent such day for what happened, the next one for what is announced."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from calendar_service.dates import Precision
from calendar_service.ingest.extract.grammar import DateMention, PartialDate, find_dates
from calendar_service.ingest.extract.resolve import Tense, resolve


def _one(text: str) -> DateMention:
    [mention] = find_dates(text)
    return mention


def _dates(text: str, anchor: str, tense: Tense, published: bool = False) -> tuple[str, str, str, bool]:
    resolved = resolve(
        _one(text), anchor=dt.date.fromisoformat(anchor), tense=tense, anchor_is_published=published
    )
    return (
        resolved.start.isoformat(),
        resolved.end.isoformat(),
        str(resolved.precision),
        resolved.year_inferred,
    )


def test_held_takes_the_most_recent_day_on_or_before() -> None:
    assert _dates("20 December", "2025-01-15", Tense.PAST) == ("2024-12-20", "2024-12-20", "day", True)
    assert _dates("15 January", "2025-01-15", Tense.PAST)[0] == "2025-01-15"
    assert _dates("16 January", "2025-01-15", Tense.PAST)[0] == "2024-01-16"


def test_planned_takes_the_next_day_on_or_after() -> None:
    assert _dates("20 December", "2025-01-15", Tense.FUTURE)[0] == "2025-12-20"
    assert _dates("15 January", "2025-01-15", Tense.FUTURE)[0] == "2025-01-15"
    assert _dates("14 January", "2025-01-15", Tense.FUTURE)[0] == "2026-01-14"


def test_a_range_across_new_year_keeps_its_order() -> None:
    assert _dates("30 December – 2 January", "2025-01-20", Tense.PAST)[:2] == ("2024-12-30", "2025-01-02")
    assert _dates("30 December – 2 January", "2025-06-01", Tense.FUTURE)[:2] == ("2025-12-30", "2026-01-02")


def test_months_without_a_year() -> None:
    assert _dates("in March", "2025-03-20", Tense.PAST)[:3] == ("2025-03-01", "2025-03-31", "month")
    assert _dates("in March", "2025-03-20", Tense.FUTURE)[:2] == ("2025-03-01", "2025-03-31")
    assert _dates("in May-June", "2025-07-01", Tense.FUTURE)[:2] == ("2026-05-01", "2026-06-30")


def test_leap_day_finds_a_leap_year() -> None:
    assert _dates("29 February", "2025-06-01", Tense.PAST)[0] == "2024-02-29"
    assert _dates("29 February", "2025-06-01", Tense.FUTURE)[0] == "2028-02-29"


def test_a_weekday_picks_the_year() -> None:
    assert _dates("On Wednesday, 6 March", "2026-01-20", Tense.PAST)[0] == "2024-03-06"
    assert _dates("On Thursday, 6 March", "2026-01-20", Tense.PAST)[0] == "2025-03-06"


def test_a_written_year_is_not_inferred() -> None:
    assert _dates("in May-June 2024", "2025-01-15", Tense.FUTURE) == (
        "2024-05-01",
        "2024-06-30",
        "month",
        False,
    )


def test_this_year_is_the_anchors_year_and_inferred_only_without_publication() -> None:
    assert _dates("This year", "2024-05-15", Tense.FUTURE, published=True) == (
        "2024-01-01",
        "2024-12-31",
        "year",
        False,
    )
    assert _dates("This year", "2025-01-15", Tense.FUTURE, published=False)[3] is True
    assert _dates("next year", "2025-12-01", Tense.FUTURE)[:2] == ("2026-01-01", "2026-12-31")


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
)
def test_inferred_days_fall_on_the_right_side_within_a_year(day: dt.date, anchor: dt.date) -> None:
    mention = DateMention(0, 1, PartialDate(None, day.month, day.day), PartialDate(None, day.month, day.day))
    past = resolve(mention, anchor=anchor, tense=Tense.PAST, anchor_is_published=False)
    future = resolve(mention, anchor=anchor, tense=Tense.FUTURE, anchor_is_published=False)
    assert (
        (past.start.month, past.start.day) == (future.start.month, future.start.day) == (day.month, day.day)
    )
    assert past.start <= anchor <= future.start
    limit = 366 * 8 if (day.month, day.day) == (2, 29) else 366
    assert (anchor - past.start).days < limit
    assert (future.start - anchor).days < limit
    assert past.precision is Precision.DAY
    assert past.year_inferred
