"""How wire reports word what happens: under way on the day, a session's business, a founding act recalled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("14 Jun, 2010 15:26\n\nYerevan is hosting an informal summit of the CSTO member states.", "AM"),
        ("14 Jun, 2010 15:26\n\nAt a session in Minsk, the CSTO foreign ministers are discussing the situation"
         " in Afghanistan.", "BY"),
        ("14 Jun, 2010 15:26\n\nThe CSTO summit kicks off in Astana with a meeting in a narrow format.", "KZ"),
        ("14 Jun, 2010 15:26\n\nВ Бишкеке проходит заседание Совета министров обороны ОДКБ.", "KG"),
        ("14 Jun, 2010 15:26\n\nЭкстренное совещание секретарей советов безопасности ОДКБ в Москве проводит"
         " генеральный секретарь организации.", "RU"),
    ],
)
def test_what_is_under_way_on_the_day_of_the_report_is_held_that_day(
    extract: Extract, text: str, country: str
) -> None:
    events = extract(text, "2010-06-20")
    assert [(e.start, e.status, e.category, e.countries) for e in events] == [
        (dt.date(2010, 6, 14), "held", "meeting", (country,))
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Chief of the CSTO Joint Staff Anatoly Sidorov told a news conference on Tuesday that the drills would"
        " follow in the autumn.",
        "The Secretary General gave a news briefing on Tuesday.",
        "Начальник Объединенного штаба ОДКБ провел во вторник пресс-конференцию.",
    ],
)
def test_a_news_conference_of_a_csto_body_is_its_statement(extract: Extract, sentence: str) -> None:
    events = extract("MOSCOW, March 6. /TASS/. " + sentence, "2018-03-07")
    assert (dt.date(2018, 3, 6), "statement") in [(e.start, e.category) for e in events]


@pytest.mark.parametrize(
    "text",
    [
        "YEREVAN, October 14. /TASS/. The CSTO adopted new measures, according to the documents signed after a"
        " session of the Collective Security Council on Friday.",
        "In 2018, Kazakhstan chairs the CSTO. The decision was made at the session of the Collective Security"
        " Council held in Minsk on 30 November 2017.",
        "МИНСК, 1 декабря /БЕЛТА/. Решение принято на заседании Совета министров иностранных дел ОДКБ"
        " 30 ноября.",
        "Документы подписаны в ходе саммита ОДКБ в Ереване 14 октября 2016 года.",
    ],
)
def test_what_a_session_decides_or_signs_dates_the_session(extract: Extract, text: str) -> None:
    events = extract(text, "2018-02-01")
    assert events
    assert {e.category for e in events} == {"meeting"}


@pytest.mark.parametrize(
    "sentence",
    [
        "The Collective Security Treaty was signed in Tashkent on 15 May 1992.",
        "The CSTO Charter was signed in Chisinau on 7 October 2002.",
        "Договор о коллективной безопасности был подписан 15 мая 1992 г. в Ташкенте.",
        "Устав ОДКБ подписан 7 октября 2002 года в Кишиневе.",
    ],
)
def test_a_founding_act_recalled_in_a_report_is_history(extract: Extract, sentence: str) -> None:
    text = "MOSCOW, May 14. /TASS/. The CSTO summit will take place in Moscow on 15 May. " + sentence
    assert [(e.start, e.category) for e in extract(text, "2012-05-14")] == [(dt.date(2012, 5, 15), "meeting")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Двадцать лет назад, 7 октября 2002 года, в Кишиневе был подписан Устав ОДКБ.",
        "Twenty years ago, on 7 October 2002, the CSTO Charter was signed in Chisinau.",
    ],
)
def test_a_founding_act_recalled_as_an_anniversary_is_kept(extract: Extract, sentence: str) -> None:
    events = extract("7 октября /ОДКБинформ/. " + sentence, "2022-10-07")
    assert dt.date(2002, 10, 7) in [e.start for e in events]


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("MOSCOW, March 6. /TASS/. The CSTO will hold air force drills in October-November 2018, the Joint Staff"
         " said. \"This year we will hold the drills of the joint air forces,\" he added.", "2018-03-06"),
        ("Бишкек. 5 марта. КирТАГ – Саммит ОДКБ планируют провести в Москве в декабре 2020 года. «В этом году"
         " председательствует Россия, поэтому и саммит пройдет там», - сказал генсек.", "2020-03-05"),
        ("ASTANA, May 2. /TASS/. The summit will take place in Astana on 28 November. Kazakhstan will host the"
         " summit of the Organization this year.", "2024-05-02"),
    ],
)
def test_a_happening_told_again_with_only_its_year_is_one_event(extract: Extract, text: str, reference: str) -> None:
    events = extract(text, reference)
    assert len(events) == 1
    assert events[0].precision != "year"


def test_a_year_of_another_kind_of_event_is_kept(extract: Extract) -> None:
    events = extract(
        "MOSCOW, March 6. /TASS/. The CSTO foreign ministers will meet in Minsk in June 2018. The Rubezh exercise"
        " will be held in Tajikistan this year.",
        "2018-03-06",
    )
    assert sorted((e.category, e.precision) for e in events) == [("meeting", "month"), ("training", "year")]


@pytest.mark.parametrize(
    "header",
    [
        "Interfax News Agency\nJuly 22 2008",
        "RIA Novosti\n15:23 | 22/ 07/ 2008",
        "Xinhua, July 22, 2008",
        "РИА Новости\n22.07.2008",
    ],
)
def test_an_agency_named_above_its_date_heads_its_report(extract: Extract, header: str) -> None:
    text = f"Rubezh 2008 kicks off in Armenia\n\n{header}\n\nThe CSTO Rubezh 2008 exercise began in Armenia on Tuesday."
    events = extract(text, "2008-08-30")
    # The day is read against the report's own date (a Tuesday), not the day the text is read; an
    # agency's report is not a statement of its own.
    assert [(e.start, e.category, e.year_inferred) for e in events] == [(dt.date(2008, 7, 22), "training", False)]


@pytest.mark.parametrize(
    ("sentence", "country"),
    [
        ("16 мая 2022 года в Кремле прошла встреча лидеров государств – членов ОДКБ.", "RU"),
        ("On 16 May 2022, a meeting of the CSTO leaders was held in the Kremlin.", "RU"),
        ("On 30 November 2017, the CSTO summit took place at the Palace of Independence.", "BY"),
        ("15 сентября 2015 года во Дворце нации прошла сессия Совета коллективной безопасности ОДКБ.", "TJ"),
    ],
)
def test_a_venue_inside_a_city_is_that_city(extract: Extract, sentence: str, country: str) -> None:
    assert [e.countries for e in extract(sentence, "2024-01-01")] == [(country,)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Kremlin said on 16 May 2022 that the CSTO summit was a success.",
        "Кремль 16 мая 2022 года сообщил об итогах встречи лидеров ОДКБ.",
    ],
)
def test_a_venue_named_as_a_speaker_is_no_place(extract: Extract, sentence: str) -> None:
    assert all(e.countries == () for e in extract(sentence, "2024-01-01"))


@pytest.mark.parametrize(
    "sentence",
    [
        "Второй этап операции проходил с 5 по 11 декабря на территории всех государств – членов.",
        "The second stage of the operation was held from 5 to 11 December on the territory of all member states.",
        "Операция «Канал» прошла с 5 по 11 декабря во всех государствах – членах ОДКБ.",
    ],
)
def test_every_member_state_is_no_single_venue(extract: Extract, sentence: str) -> None:
    events = extract("МОСКВА, 13 дек - РИА Новости. " + sentence, "2011-12-13")
    assert [(e.start, e.countries) for e in events] == [(dt.date(2011, 12, 5), ())]


@pytest.mark.parametrize(
    "text",
    [
        "The withdrawal of the CSTO peacekeeping contingent from Kazakhstan will be completed by January 19, the"
        " ministry said. The peacekeepers arrived in the country on January 6.",
        "Вывод миротворцев ОДКБ из Казахстана будет завершен до 19 января, сообщили в министерстве. Миротворцы"
        " прибыли в страну 6 января.",
        "The CSTO operation in Kazakhstan will be completed by January 19. The operation began on January 6.",
    ],
)
def test_an_operations_last_day_told_before_its_first_ends_it(extract: Extract, text: str) -> None:
    events = extract(text, "2022-01-14")
    assert [(e.start, e.end, e.category) for e in events] == [
        (dt.date(2022, 1, 6), dt.date(2022, 1, 19), "operation")
    ]


def test_a_deadline_of_something_else_ends_no_operation(extract: Extract) -> None:
    events = extract(
        "The ministers must approve the plan by January 19. The CSTO exercise began on January 6.", "2022-01-14"
    )
    assert [(e.start, e.end) for e in events] == [(dt.date(2022, 1, 6), dt.date(2022, 1, 6))]
