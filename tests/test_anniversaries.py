from __future__ import annotations

import datetime as dt

import pytest

from calendar_service.anniversaries import is_jubilee, occurrences, ordinal_en, ordinal_ru

TREATY = dt.date(1992, 5, 15)


@pytest.mark.parametrize(("number", "english"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"),
                                                  (13, "13th"), (21, "21st"), (32, "32nd"), (33, "33rd"),
                                                  (111, "111th")])
def test_english_ordinals(number: int, english: str) -> None:
    assert ordinal_en(number) == english


def test_russian_ordinal_agrees_with_godovshchina() -> None:
    # num2words' ordinal_num for "ru" gives the bare number; the feminine ending is ours.
    assert ordinal_ru(33) == "33-я"
    assert ordinal_ru(1) == "1-я"


def test_jubilees_are_every_fifth_year() -> None:
    assert [n for n in range(1, 36) if is_jubilee(n)] == [5, 10, 15, 20, 25, 30, 35]


def test_occurrences_count_from_the_original_year() -> None:
    found = list(occurrences(TREATY, dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
    assert [(a.day, a.number, a.is_jubilee) for a in found] == [
        (dt.date(2024, 5, 15), 32, False),
        (dt.date(2025, 5, 15), 33, False),
        (dt.date(2026, 5, 15), 34, False),
    ]
    assert list(occurrences(TREATY, dt.date(1992, 1, 1), dt.date(1992, 12, 31))) == []


def test_29_february_anniversaries_fall_on_28_february() -> None:
    found = list(occurrences(dt.date(2000, 2, 29), dt.date(2001, 1, 1), dt.date(2004, 12, 31)))
    assert [a.day for a in found] == [dt.date(2001, 2, 28), dt.date(2002, 2, 28), dt.date(2003, 2, 28),
                                      dt.date(2004, 2, 29)]
