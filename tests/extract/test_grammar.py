"""The date grammar: every form the issue lists, in both languages, with every kind of dash."""

from __future__ import annotations

import pytest

from calendar_service.ingest.extract.grammar import DateMention, PartialDate, find_dates


def _read(text: str) -> list[tuple[str, tuple[int | None, ...], tuple[int | None, ...], int | None]]:
    return [
        (
            text[m.start : m.end],
            (m.first.year, m.first.month, m.first.day),
            (m.last.year, m.last.month, m.last.day),
            m.relative_year,
        )
        for m in find_dates(text)
    ]


@pytest.mark.parametrize(
    ("text", "evidence", "first", "last"),
    [
        ("On 20 December, a training was held", "20 December", (None, 12, 20), (None, 12, 20)),
        ("On December 11, 2024, he met", "December 11, 2024", (2024, 12, 11), (2024, 12, 11)),
        ("15.05.2024 marks", "15.05.2024", (2024, 5, 15), (2024, 5, 15)),
        ("On 10 and 11 December, the Staff", "10 and 11 December", (None, 12, 10), (None, 12, 11)),
        ("held 1-5 October 2024 in Belarus", "1-5 October 2024", (2024, 10, 1), (2024, 10, 5)),
        ("held 1–5 October 2024 in Belarus", "1–5 October 2024", (2024, 10, 1), (2024, 10, 5)),
        ("held 1—5 October 2024 in Belarus", "1—5 October 2024", (2024, 10, 1), (2024, 10, 5)),
        ("from 1 to 5 October the exercise", "from 1 to 5 October", (None, 10, 1), (None, 10, 5)),
        ("30 November – 1 December 2024", "30 November – 1 December 2024", (2024, 11, 30), (2024, 12, 1)),
        ("On Tuesday, 4 March 2025, the Council met", "Tuesday, 4 March 2025", (2025, 3, 4), (2025, 3, 4)),
        ("in January 2022 it helped", "January 2022", (2022, 1, None), (2022, 1, None)),
        ("in May-June 2024 in Kazakhstan", "May-June 2024", (2024, 5, None), (2024, 6, None)),
        ("in May–June 2024 in Kazakhstan", "May–June 2024", (2024, 5, None), (2024, 6, None)),
        ("a decision was taken in 2002 to", "2002", (2002, None, None), (2002, None, None)),
        ("in the second half of 2025", "the second half of 2025", (2025, 7, None), (2025, 12, None)),
        ("in the first quarter of 2025", "the first quarter of 2025", (2025, 1, None), (2025, 3, None)),
        ("October 1-5, 2024", "October 1-5, 2024", (2024, 10, 1), (2024, 10, 5)),
        ("November 30 – December 1, 2024", "November 30 – December 1, 2024", (2024, 11, 30), (2024, 12, 1)),
        ("on 10, 11 and 12 December", "10, 11 and 12 December", (None, 12, 10), (None, 12, 12)),
        ("on the 5th of March, 2025", "the 5th of March, 2025", (2025, 3, 5), (2025, 3, 5)),
        ("Dec. 5, 2024", "Dec. 5, 2024", (2024, 12, 5), (2024, 12, 5)),
        ("on 2024-12-11 the", "2024-12-11", (2024, 12, 11), (2024, 12, 11)),
        ("in early March", "early March", (None, 3, None), (None, 3, None)),
        ("in autumn 2025 in Belarus", "autumn 2025", (2025, 9, None), (2025, 11, None)),
        ("30 December – 2 January 2025", "30 December – 2 January 2025", (2024, 12, 30), (2025, 1, 2)),
        ("20 декабря состоялась", "20 декабря", (None, 12, 20), (None, 12, 20)),
        ("11 декабря 2024 года прошло", "11 декабря 2024 года", (2024, 12, 11), (2024, 12, 11)),
        ("10 и 11 декабря прошли", "10 и 11 декабря", (None, 12, 10), (None, 12, 11)),
        ("с 1 по 5 октября 2024 года пройдут", "с 1 по 5 октября 2024 года", (2024, 10, 1), (2024, 10, 5)),
        ("в январе 2022 года миротворцы", "в январе 2022 года", (2022, 1, None), (2022, 1, None)),
        ("в мае–июне 2025 года в Казахстане", "в мае–июне 2025 года", (2025, 5, None), (2025, 6, None)),
        ("в мае-июне 2025 года", "в мае-июне 2025 года", (2025, 5, None), (2025, 6, None)),
        ("в 2002 году", "в 2002 году", (2002, None, None), (2002, None, None)),
        ("в 2024–2025 годах", "в 2024–2025 годах", (2024, None, None), (2025, None, None)),
        ("во втором полугодии 2025 года", "во втором полугодии 2025 года", (2025, 7, None), (2025, 12, None)),
        ("в I квартале 2025 г.", "в I квартале 2025 г.", (2025, 1, None), (2025, 3, None)),
        ("осенью 2025 года", "осенью 2025 года", (2025, 9, None), (2025, 11, None)),
        ("в начале марта", "в начале марта", (None, 3, None), (None, 3, None)),
        ("10–11.12.2024", "10–11.12.2024", (2024, 12, 10), (2024, 12, 11)),
        ("5 дек. 2024 г.", "5 дек. 2024 г.", (2024, 12, 5), (2024, 12, 5)),
        ("30 ноября – 1 декабря 2024 года", "30 ноября – 1 декабря 2024 года", (2024, 11, 30), (2024, 12, 1)),
        ("во вторник, 4 марта 2025 года,", "вторник, 4 марта 2025 года", (2025, 3, 4), (2025, 3, 4)),
        ("5-го марта прошло", "5-го марта", (None, 3, 5), (None, 3, 5)),
    ],
)
def test_date_forms(
    text: str, evidence: str, first: tuple[int | None, ...], last: tuple[int | None, ...]
) -> None:
    [(found, start, end, _)] = _read(text)
    assert (found, start, end) == (evidence, first, last)


@pytest.mark.parametrize(
    ("text", "relative", "first", "last"),
    [
        ("This year, a set of trainings", 0, (None, None, None), (None, None, None)),
        ("next year the chairmanship", 1, (None, None, None), (None, None, None)),
        ("в этом году пройдут", 0, (None, None, None), (None, None, None)),
        ("в следующем году", 1, (None, None, None), (None, None, None)),
        ("в прошлом году", -1, (None, None, None), (None, None, None)),
        ("in the second half of the year", 0, (None, 7, None), (None, 12, None)),
        ("во втором полугодии", 0, (None, 7, None), (None, 12, None)),
        ("20 декабря текущего года", 0, (None, 12, 20), (None, 12, 20)),
        ("в марте этого года", 0, (None, 3, None), (None, 3, None)),
    ],
)
def test_relative_years(
    text: str, relative: int, first: tuple[int | None, ...], last: tuple[int | None, ...]
) -> None:
    [(_, start, end, found_relative)] = _read(text)
    assert (start, end, found_relative) == (first, last, relative)


@pytest.mark.parametrize(
    "text",
    [
        "the Monitoring Group of the Sanctions Committees 1267/1989/2253 and 1988 on the Taliban",
        "Guided by the Collective Security Strategy for the period up to 2025,",
        "the 32nd anniversary",
        "which today unites six states",
        "the CSTO may hold consultations",
        "the exercise Interaction-2024 will",
        "учения «Взаимодействие-2024»",
        "Resolution 2253 (2015)",
        "the plan for 2026",
        "на 2026 год",
        "до 2025 года",
        "the 40th meeting",
        "the May session",
        "30 February 2024",
        "31.04.2024",
        "in 2150",
        "ОДКБ объединяет шесть государств",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_and_with_a_gap_is_two_days_not_a_range() -> None:
    assert [(m.first.day, m.last.day) for m in find_dates("on 3 and 5 March")] == [(3, 3), (5, 5)]


def test_offsets_are_shifted_and_the_lead_kept() -> None:
    [mention] = find_dates("It met in May 2024.", offset=100)
    assert (mention.start, mention.end, mention.begin) == (110, 118, 107)


def test_leap_day_without_a_year_is_a_date() -> None:
    [mention] = find_dates("on 29 February")
    assert mention.first == PartialDate(None, 2, 29)


def test_weekday_is_kept() -> None:
    [mention] = find_dates("On Wednesday, 6 March, the Council met")
    assert isinstance(mention, DateMention)
    assert mention.weekday == 3


def test_glued_scrape_date_is_cut_by_the_item_reader_not_misread() -> None:
    # "15.05.202415 May": the numeric date takes four digits of year; "15 May" is not read here.
    assert [(m.first.year, m.first.month, m.first.day) for m in find_dates("15.05.202415 May marks")] == [
        (2024, 5, 15)
    ]
