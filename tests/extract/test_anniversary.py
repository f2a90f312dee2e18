"""Anniversary arithmetic: the act an anniversary counts from is a founding event of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.dates import Precision
from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.anniversary import find_anniversaries, founding_date, founding_title


@pytest.mark.parametrize(
    ("text", "years", "what"),
    [
        (
            "15 May marks the 32nd anniversary of the conclusion of the Collective Security Treaty.",
            32,
            "the conclusion of the Collective Security Treaty",
        ),
        (
            "the thirtieth anniversary of the signing of the Treaty was celebrated",
            30,
            "the signing of the Treaty",
        ),
        ("the thirty-second anniversary of the Treaty", 32, "the Treaty"),
        (
            "Today marks 30 years since the entry into force of the Treaty.",
            30,
            "the entry into force of the Treaty",
        ),
        (
            "15 мая исполняется 33 года со дня подписания Договора о коллективной безопасности.",
            33,
            "подписания Договора о коллективной безопасности",
        ),
        ("отмечается 22-я годовщина подписания Устава ОДКБ", 22, "подписания Устава ОДКБ"),
        (
            "в связи с 30-летием Договора о коллективной безопасности",
            30,
            "Договора о коллективной безопасности",
        ),
        ("тридцатилетие вступления в силу Договора", 30, "вступления в силу Договора"),
    ],
)
def test_phrases(text: str, years: int, what: str) -> None:
    [anniversary] = find_anniversaries(text)
    assert (anniversary.years, anniversary.what) == (years, what)


def test_no_anniversary_in_plain_ordinals() -> None:
    assert find_anniversaries("the 40th meeting of the Working Group, 33 participants") == []


def test_founding_dates() -> None:
    assert founding_date(dt.date(2024, 5, 15), 32, Precision.DAY) == dt.date(1992, 5, 15)
    assert founding_date(dt.date(2024, 5, 1), 32, Precision.MONTH) == dt.date(1992, 5, 1)
    assert founding_date(dt.date(2024, 1, 1), 30, Precision.YEAR) == dt.date(1994, 1, 1)
    assert founding_date(dt.date(2024, 2, 29), 1, Precision.DAY) == dt.date(2023, 2, 28)


def test_titles() -> None:
    assert (
        founding_title("conclusion of the Collective Security Treaty", "en")
        == "Conclusion of the Collective Security Treaty"
    )
    assert founding_title("the CSTO", "en") == "Founding of the CSTO"
    assert (
        founding_title("подписания Договора о коллективной безопасности", "ru")
        == "Подписание Договора о коллективной безопасности"
    )
    assert founding_title("ОДКБ", "ru") == "Создание ОДКБ"


def test_a_date_that_only_marks_the_anniversary_gives_only_the_founding(
    extract: Callable[..., list[ExtractedEvent]],
) -> None:
    [founding] = extract(
        "On 7 October, the CSTO marked the 22nd anniversary of the signing of its Charter.", "2024-10-10"
    )
    assert (founding.start, founding.anniversary, founding.year_inferred) == (
        dt.date(2002, 10, 7),
        True,
        True,
    )
    assert founding.key == "news:anniversary:2002-10-07"


def test_this_year_marks_gives_a_founding_year(extract_one: Callable[..., ExtractedEvent]) -> None:
    event = extract_one(
        "This year marks the 30th anniversary of the entry into force of the Treaty.", "2024-03-01"
    )
    assert (event.start, event.end, event.precision) == (
        dt.date(1994, 1, 1),
        dt.date(1994, 12, 31),
        Precision.YEAR,
    )
