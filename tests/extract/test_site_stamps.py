"""Forms of news sites beyond the wire datelines: clock stamps that head an item, a visitor received,
a run whose first and last days share a sentence, half a month, the year written once for a sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]


@pytest.mark.parametrize(
    "stamp",
    [
        "11:40, 15 May 2017 | GMT +6",
        "May 15, 2017 - 11:40 AMT",
        "- 11:40, 15 мая 2017",
        "11:40 15/05/2017",
        "15-05-2017 11:40",
        "15.05.2017 11:40",
        "Май 15, 2017 11:40",
    ],
)
def test_a_clock_stamp_dates_the_item_and_is_no_event(extract: Extract, stamp: str) -> None:
    text = f"{stamp}\nThe CSTO Council of Foreign Ministers will meet in Minsk tomorrow, the ministry said."
    events = extract(text, "2017-05-20")
    assert [(e.start, e.category.value, e.year_inferred) for e in events] == [
        (dt.date(2017, 5, 16), "meeting", False)
    ]


def test_a_stamp_a_title_and_a_dateline_make_one_item(extract: Extract) -> None:
    text = (
        "11:40, 15 May 2017 | GMT +6\n"
        "CSTO foreign ministers to meet in Minsk\n"
        "MINSK. KAZINFORM The CSTO Council of Foreign Ministers will meet in Minsk tomorrow, BelTA learnt."
    )
    events = extract(text, "2017-05-20")
    assert [(e.start, e.countries, e.year_inferred, e.title) for e in events] == [
        (dt.date(2017, 5, 16), ("BY",), False, "CSTO foreign ministers to meet in Minsk")
    ]


def test_an_undated_lead_under_a_stamp_happened_that_day(extract: Extract) -> None:
    events = extract("14:10 30/11/2021\nМинистры обороны стран ОДКБ собрались в Душанбе.", "2021-12-05")
    assert [(e.start, e.category.value, e.status.value, e.countries) for e in events] == [
        (dt.date(2021, 11, 30), "meeting", "held", ("TJ",))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "YEREVAN, NOVEMBER 25, ARMENPRESS: The Armenian Defence Minister received today the Chief of the CSTO "
        "Joint Staff.",
        "Душанбе. 25 ноября. «Азия-Плюс» - Президент Таджикистана сегодня принял в Душанбе генерального "
        "секретаря ОДКБ Николая Бордюжу.",
    ],
)
def test_receiving_a_visitor_is_a_meeting(extract: Extract, text: str) -> None:
    events = extract(text, "2011-11-28")
    assert [(e.start, e.category.value, e.status.value) for e in events] == [(dt.date(2011, 11, 25), "meeting", "held")]


def test_adopting_a_document_is_not_receiving_anyone(extract: Extract) -> None:
    events = extract("25 ноября 2011 года Совет принял Декларацию о сотрудничестве.", "2011-11-28")
    assert all(e.category.value != "meeting" for e in events)


@pytest.mark.parametrize(
    ("text", "reference", "start", "end"),
    [
        (
            "DUSHANBE, Oct. 4 (Xinhua) -- The CSTO reconnaissance exercise began near Dushanbe on Tuesday and "
            "will last till Saturday.",
            "2016-10-05",
            "2016-10-04",
            "2016-10-08",
        ),
        (
            "Заместитель генерального секретаря ОДКБ прибыл в минувшее воскресенье в Бишкек с рабочим визитом, "
            "который продлится до 30 сентября.",
            "2016-09-28",
            "2016-09-25",
            "2016-09-30",
        ),
    ],
)
def test_the_first_and_last_day_in_one_sentence_make_one_run(
    extract: Extract, text: str, reference: str, start: str, end: str
) -> None:
    events = extract(text, reference)
    assert [(e.start.isoformat(), e.end.isoformat(), e.status.value) for e in events] == [(start, end, "held")]


@pytest.mark.parametrize(
    "text",
    ["The CSTO Permanent Council will meet in Moscow in the second half of March.",
     "Постоянный совет ОДКБ проведет заседание в Москве во второй половине марта."],
)
def test_half_of_a_month_is_that_month(extract: Extract, text: str) -> None:
    events = extract(text, "2019-02-15")
    assert [(e.start, e.end, e.precision.value) for e in events] == [
        (dt.date(2019, 3, 1), dt.date(2019, 3, 31), "month")
    ]


def test_a_year_written_once_holds_for_the_days_of_its_sentence(extract: Extract) -> None:
    text = "Операция ОДКБ «Нелегал» проведена в 2013 году в два этапа: с 13 по 17 мая и с 9 по 13 декабря."
    events = extract(text, "2014-02-01")
    assert [(e.start.isoformat(), e.end.isoformat(), e.year_inferred) for e in events] == [
        ("2013-05-13", "2013-05-17", False),
        ("2013-12-09", "2013-12-13", False),
    ]


def test_a_year_in_a_name_is_not_a_written_year(extract: Extract) -> None:
    events = extract("The Rubezh-2018 exercise began in Kyrgyzstan on 9 October.", "2018-10-12")
    assert [(e.start, e.year_inferred) for e in events] == [(dt.date(2018, 10, 9), True)]


@pytest.mark.parametrize(
    "text",
    [
        "20.10.2025 13:26\nЦеремония открытия учений ОДКБ «Нерушимое братство-2025» и «Барьер-2025» состоялась "
        "в понедельник на полигоне «Фахрабад» в Таджикистане. Учения продлятся пять дней.",
        "20.10.2025 13:26\nThe opening ceremony of the CSTO exercises \"Interaction\", \"Search\" and \"Echelon\" "
        "took place at the Fakhrabad range in Tajikistan on Monday. The exercises will last five days.",
    ],
)
def test_exercises_opened_by_one_ceremony_are_an_event_each(extract: Extract, text: str) -> None:
    events = extract(text, "2025-10-21")
    names = 3 if "Echelon" in text else 2
    assert [(e.start, e.end, e.category.value) for e in events] == [
        (dt.date(2025, 10, 20), dt.date(2025, 10, 24), "training")
    ] * names
    assert len({e.key for e in events}) == names


def test_a_listed_exercise_may_name_its_kind_again(extract: Extract) -> None:
    text = "В этом году в Беларуси пройдут учения миротворческих сил «Нерушимое братство» и специальное учение «Барьер»"
    events = extract(text, "2026-02-12")
    assert sorted(e.title for e in events) == ["Учение «Барьер»", "Учение «Нерушимое братство»"]


def test_an_exposition_is_an_event_of_its_own_kind(extract: Extract) -> None:
    events = extract("From May 16 to May 30 the CSTO exposition will continue on Gogolevsky Boulevard.", "2022-05-15")
    assert [(e.start, e.end, e.category.value) for e in events] == [
        (dt.date(2022, 5, 16), dt.date(2022, 5, 30), "other")
    ]
