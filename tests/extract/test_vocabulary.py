"""Month and weekday names: dateparser's data plus the forms it lacks."""

from __future__ import annotations

import re

import pytest
from dateparser.languages.loader import default_loader

from calendar_service.ingest.extract.vocabulary import month_number, month_pattern, weekday_number


def test_months_come_from_dateparser() -> None:
    for language in ("en", "ru"):
        info = default_loader.get_locale(language).info
        assert all(month_number(word) == 12 for word in info["december"])
    assert month_number("Sept.") == 9


@pytest.mark.parametrize(("word", "month"), [("январе", 1), ("мае", 5), ("июне", 6), ("декабре", 12)])
def test_russian_prepositional_case_is_added(word: str, month: int) -> None:
    assert word not in [
        w.lower()
        for key in ("january", "may", "june", "december")
        for w in default_loader.get_locale("ru").info[key]
    ]
    assert month_number(word) == month


def test_english_months_need_a_capital_and_short_russian_ones_a_dot() -> None:
    pattern = re.compile(month_pattern())
    assert pattern.fullmatch("May")
    assert not pattern.fullmatch("may")
    assert pattern.fullmatch("дек.")
    assert not pattern.search("мар")
    assert pattern.fullmatch("ДЕКАБРЯ")


def test_two_letter_weekday_abbreviations_are_not_names() -> None:
    assert weekday_number("we") is None
    assert weekday_number("ср") is None
    assert weekday_number("среду") == 3
    assert weekday_number("Tuesday") == 2
