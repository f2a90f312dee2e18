from __future__ import annotations

import datetime as dt

import pytest

from calendar_service.dates import Precision, anniversary_date, format_at_precision, parse_at_precision


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("2024-05-15", dt.date(2024, 5, 15), dt.date(2024, 5, 15), Precision.DAY),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), Precision.MONTH),
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28), Precision.MONTH),
        ("2002", dt.date(2002, 1, 1), dt.date(2002, 12, 31), Precision.YEAR),
    ],
)
def test_parse_at_precision(text: str, first: dt.date, last: dt.date, precision: Precision) -> None:
    assert parse_at_precision(text) == (first, last, precision)


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13", "24-05-15", "15.05.2024", "", "2024-5-1"])
def test_parse_at_precision_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_at_precision(text)


def test_format_keeps_precision() -> None:
    day = dt.date(2024, 5, 1)
    assert format_at_precision(day, "day") == "2024-05-01"
    assert format_at_precision(day, Precision.MONTH) == "2024-05"
    assert format_at_precision(day, "year") == "2024"


def test_29_february_falls_on_28_february_in_common_years() -> None:
    leap = dt.date(2000, 2, 29)
    assert anniversary_date(leap, 2023) == dt.date(2023, 2, 28)
    assert anniversary_date(leap, 2024) == dt.date(2024, 2, 29)
    assert anniversary_date(dt.date(1992, 5, 15), 2025) == dt.date(2025, 5, 15)
