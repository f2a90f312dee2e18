"""How wire reports word what happens: under way on the day, a session's business, a founding act recalled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent
from calendar_service.ingest.extract.items import split_items

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


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("MOSCOW, September 12. /TASS/. The CSTO exercise Cobalt started on Monday in Armenia and will end on"
         " Friday.", dt.date(2016, 9, 16)),
        ("MOSCOW, September 12. /TASS/. The CSTO exercise Cobalt began on 12 September in Armenia and will last"
         " till the 15th.", dt.date(2016, 9, 15)),
        ("МОСКВА, 12 сентября /ТАСС/. Учение ОДКБ «Кобальт» стартовало в понедельник в Армении. Оно продлится до"
         " пятницы.", dt.date(2016, 9, 16)),
        ("МОСКВА, 12 сентября /ТАСС/. Учение ОДКБ «Кобальт» началось сегодня в Армении. Завершится оно 14"
         " сентября.", dt.date(2016, 9, 14)),
    ],
)
def test_a_run_told_with_two_verbs_is_one_event(extract: Extract, text: str, end: dt.date) -> None:
    events = extract(text, "2016-09-13")
    assert [(e.start, e.end, e.category, e.countries) for e in events] == [
        (dt.date(2016, 9, 12), end, "training", ("AM",))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "ALMATY, October 1. /TASS/. The first stage of the CSTO exercise will be held in Kazakhstan on 3-5 October,"
        " and the active phase on 7 October.",
        "АЛМАТЫ, 1 октября /ТАСС/. На первом этапе учения ОДКБ в Казахстане, 3-5 октября, пройдет планирование, на"
        " втором, 7 октября, состоится активная фаза.",
        "ALMATY, October 1. /TASS/. The first stage of the CSTO exercise will be held in Kazakhstan on 3-5 October."
        " The active phase will take place on 7 October.",
    ],
)
def test_the_stages_of_an_exercise_days_apart_are_one_exercise(extract: Extract, text: str) -> None:
    events = extract(text, "2018-10-01")
    assert [(e.start, e.end, e.category) for e in events] == [(dt.date(2018, 10, 3), dt.date(2018, 10, 7), "training")]


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("MINSK, November 30. /TASS/. The CSTO summit was held in Minsk on Thursday. The day before, the foreign"
         " ministers held a meeting there.", dt.date(2017, 11, 29)),
        ("МИНСК, 30 ноября /БЕЛТА/. Саммит ОДКБ прошел 30 ноября в Минске. Накануне там же состоялось заседание"
         " Совета министров иностранных дел.", dt.date(2017, 11, 29)),
        ("MINSK, November 20. /TASS/. The CSTO foreign ministers will meet in Minsk on 29 November. The next day,"
         " the summit will take place there.", dt.date(2017, 11, 30)),
        ("МИНСК, 20 ноября /БЕЛТА/. Министры иностранных дел ОДКБ соберутся 29 ноября в Минске. На следующий день"
         " там же пройдет саммит.", dt.date(2017, 11, 30)),
    ],
)
def test_a_day_counted_from_the_event_before_dates_its_own_event(
    extract: Extract, text: str, second: dt.date
) -> None:
    events = extract(text, "2017-12-01")
    assert len(events) == 2
    assert (events[1].start, events[1].category, events[1].countries) == (second, "meeting", ("BY",))


@pytest.mark.parametrize(
    "text",
    [
        "МИНСК, 30 ноября /БЕЛТА/. Накануне саммита ОДКБ в Минске открылась выставка.",
        "MINSK, November 30. /TASS/. The day before the summit, the President said the CSTO must grow stronger.",
        "МИНСК, 30 ноября /БЕЛТА/. Саммит ОДКБ прошел 30 ноября в Минске. Накануне президент заявил, что"
        " организация должна стать сильнее.",
    ],
)
def test_the_eve_of_an_event_and_a_remark_of_the_day_before_date_nothing_new(extract: Extract, text: str) -> None:
    events = extract(text, "2017-12-01")
    assert all(e.start != dt.date(2017, 11, 29) for e in events)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("MOSCOW, March 2. /TASS/. The CSTO summit will be held in Minsk in the autumn.", ("2018-09", "2018-11")),
        ("МОСКВА, 2 марта /ТАСС/. Осенью в Минске пройдет саммит ОДКБ.", ("2018-09", "2018-11")),
        ("MOSCOW, March 2. /TASS/. The CSTO exercise was held in Tajikistan last autumn.", ("2017-09", "2017-11")),
        ("МОСКВА, 2 марта /ТАСС/. Учение ОДКБ пройдет в Таджикистане следующей весной.", ("2019-03", "2019-05")),
    ],
)
def test_a_season_without_its_year_is_its_months(extract: Extract, text: str, months: tuple[str, str]) -> None:
    events = extract(text, "2018-03-02")
    assert [(e.as_json()["start"], e.as_json()["end"], e.precision, e.year_inferred) for e in events] == [
        (*months, "month", True)
    ]


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        # The end told after a start the report does not date: the day of the report.
        ("МИНСК, 3 октября /БЕЛТА/. На полигоне «Лосвидо» стартовали учения ОДКБ. Учения завершатся 7 октября.",
         (dt.date(2022, 10, 3), dt.date(2022, 10, 7))),
        ("MINSK, October 3. /BelTA/. The CSTO drills began at the Losvido range. The active stage is to run until"
         " October 7.", (dt.date(2022, 10, 3), dt.date(2022, 10, 7))),
        # An end already past is a day of its own.
        ("МИНСК, 3 октября /БЕЛТА/. Учение ОДКБ завершилось на полигоне «Лосвидо» 1 октября.",
         (dt.date(2022, 10, 1), dt.date(2022, 10, 1))),
        ("MINSK, October 3. /BelTA/. The CSTO exercise ended on Saturday at the Losvido range.",
         (dt.date(2022, 10, 1), dt.date(2022, 10, 1))),
    ],
)
def test_the_end_of_a_run_waits_for_its_start_unless_it_is_past(
    extract: Extract, text: str, dates: tuple[dt.date, dt.date]
) -> None:
    events = extract(text, "2022-10-04")
    assert [(e.start, e.end, e.category, e.countries) for e in events] == [(*dates, "training", ("BY",))]


def test_the_end_of_a_withdrawal_alone_dates_nothing(extract: Extract) -> None:
    text = "МОСКВА, 10 июня /ТАСС/. Вывод миротворцев будет завершен к 19 июня, сообщили в Минобороны."
    assert extract(text, "2022-06-10") == []


@pytest.mark.parametrize(
    ("stamp", "sentence"),
    [
        ("18 апреля, 16:05", "В Душанбе сегодня прошло заседание Совета министров обороны ОДКБ."),
        ("16:05, 18 апреля", "В Душанбе сегодня прошло заседание Совета министров обороны ОДКБ."),
        ("April 18, 16:05", "The CSTO defence ministers met in Dushanbe today."),
    ],
)
def test_a_site_stamp_without_a_year_dates_the_report_and_leaves_the_year_inferred(
    extract: Extract, stamp: str, sentence: str
) -> None:
    events = extract(f"{stamp}\n\n{sentence}", "2024-04-19")
    assert [(e.start, e.category, e.countries, e.year_inferred) for e in events] == [
        (dt.date(2024, 4, 18), "meeting", ("TJ",), True)
    ]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("MOSCOW, October 1. /TASS/. The CSTO exercise started on Monday in the Zhambyl region with troops from"
         " Russia and Belarus.", "KZ"),
        ("МОСКВА, 1 октября /ТАСС/. Учение ОДКБ началось в понедельник в Иссык-Кульской области с участием"
         " военнослужащих России и Беларуси.", "KG"),
        ("MOSCOW, October 1. /TASS/. The CSTO exercise started on Monday at the Koktal training ground with troops"
         " from Russia and Belarus.", "KZ"),
        ("МОСКВА, 1 октября /ТАСС/. Учение ОДКБ началось в понедельник на полигоне «Лепельский» с участием"
         " военнослужащих России и Казахстана.", "BY"),
    ],
)
def test_an_exercise_is_where_its_region_or_training_ground_is(extract: Extract, text: str, country: str) -> None:
    events = extract(text, "2018-10-02")
    assert [(e.start, e.countries) for e in events] == [(dt.date(2018, 10, 1), (country,))]


def test_an_opening_ceremony_after_the_exercise_is_named_is_the_exercise(extract: Extract) -> None:
    text = "В Казахстане стартовало учение ОДКБ. Церемония открытия состоялась 26 сентября в Алматинской области."
    assert [(e.start, e.category, e.countries) for e in extract(text, "2022-09-27")] == [
        (dt.date(2022, 9, 26), "training", ("KZ",))
    ]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Министры обороны ОДКБ встретились в понедельник в Ереване.", "held"),
        ("Министры обороны ОДКБ соберутся в пятницу в Ереване.", "planned"),
        ("Сессия Совета коллективной безопасности откроется в пятницу в Ереване.", "planned"),
    ],
)
def test_russian_verbs_of_meeting_and_of_opening(extract: Extract, sentence: str, status: str) -> None:
    events = extract("ЕРЕВАН, 7 июня – Sputnik. " + sentence, "2016-06-07")
    assert [(e.category, e.status, e.countries) for e in events] == [("meeting", status, ("AM",))]


@pytest.mark.parametrize(
    "text",
    [
        "YEREVAN, October 11. /TASS/. The CSTO summit will be held in Yerevan on Friday. On the eve of the summit,"
        " the foreign ministers will meet there.",
        "ЕРЕВАН, 11 октября /ТАСС/. Саммит ОДКБ пройдет в Ереване в пятницу. Накануне саммита там же соберутся"
        " министры иностранных дел.",
    ],
)
def test_the_eve_of_the_event_just_dated_is_the_day_before_it(extract: Extract, text: str) -> None:
    events = extract(text, "2016-10-11")
    assert [(e.start, e.countries) for e in events] == [
        (dt.date(2016, 10, 14), ("AM",)), (dt.date(2016, 10, 13), ("AM",))
    ]


def test_a_session_planned_for_holding_is_planned(extract: Extract) -> None:
    text = "11:02 06/03/2020\n\nСессия ОДКБ запланирована к проведению в ноябре в Москве, сообщил генсек."
    assert [(e.as_json()["start"], e.status) for e in extract(text, "2020-03-06")] == [("2020-11", "planned")]


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("МОСКВА, 11 сентября /ТАСС/. Учение ОДКБ проходило в Белоруссии с понедельника по пятницу.",
         (dt.date(2024, 9, 2), dt.date(2024, 9, 6))),
        ("MOSCOW, September 11. /TASS/. The CSTO drills were held in Belarus from Monday to Friday last week.",
         (dt.date(2024, 9, 2), dt.date(2024, 9, 6))),
        ("MOSCOW, September 11. /TASS/. The CSTO drills will be held in Belarus from Monday to Friday.",
         (dt.date(2024, 9, 16), dt.date(2024, 9, 20))),
        ("MOSCOW, September 11. /TASS/. The CSTO exercise began on 2 September in Belarus and continued until"
         " 6 September.", (dt.date(2024, 9, 2), dt.date(2024, 9, 6))),
        ("МОСКВА, 11 сентября /ТАСС/. Учение ОДКБ началось 2 сентября в Белоруссии и продолжалось до 6 сентября.",
         (dt.date(2024, 9, 2), dt.date(2024, 9, 6))),
    ],
)
def test_a_run_from_one_weekday_to_another_or_continued_until_a_day(
    extract: Extract, text: str, dates: tuple[dt.date, dt.date]
) -> None:
    events = extract(text, "2024-09-11")
    assert [(e.start, e.end, e.category, e.countries) for e in events] == [(*dates, "training", ("BY",))]


@pytest.mark.parametrize(
    ("sentence", "country"),
    [
        ("Tajikistan is to host the CSTO drills next year.", "TJ"),
        ("The CSTO foreign ministers are to meet in Minsk next year.", "BY"),
    ],
)
def test_what_is_to_happen_is_planned(extract: Extract, sentence: str, country: str) -> None:
    events = extract("MOSCOW, March 1. /TASS/. " + sentence, "2022-03-01")
    assert [(e.as_json()["start"], e.status, e.countries) for e in events] == [("2023", "planned", (country,))]


def test_a_stamp_with_a_slash_heads_a_report_and_alma_ata_is_almaty(extract: Extract) -> None:
    text = "30 мая 2024 / 17:20\n\nМинистр обороны России прибыл с рабочим визитом в Алма-Ату."
    assert [(e.start, e.status, e.countries) for e in extract(text, "2024-05-31")] == [
        (dt.date(2024, 5, 30), "held", ("KZ",))
    ]


@pytest.mark.parametrize(
    ("sentence", "when"),
    [
        ("Саммит ОДКБ пройдет в конце года в Москве.", ("2024", "2024")),
        ("The CSTO summit will be held in Moscow at the end of the year.", ("2024", "2024")),
        ("Саммит ОДКБ пройдет в начале следующего года в Москве.", ("2025", "2025")),
        ("The CSTO summit will be held in Moscow in early autumn.", ("2024-09", "2024-11")),
        ("Саммит ОДКБ пройдет в Москве в начале осени.", ("2024-09", "2024-11")),
    ],
)
def test_a_part_of_a_year_or_season_named_without_the_year(
    extract: Extract, sentence: str, when: tuple[str, str]
) -> None:
    events = extract("MOSCOW, March 5. /TASS/. " + sentence, "2024-03-05")
    assert [(e.as_json()["start"], e.as_json()["end"], e.status, e.countries, e.year_inferred) for e in events] == [
        (*when, "planned", ("RU",), True)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "В Секретариате ОДКБ состоялось первое в текущем году заседание Постоянного совета.",
        "Постоянный совет ОДКБ провел первое в 2026 году заседание.",
        "The CSTO Permanent Council held its first meeting in 2026.",
    ],
)
def test_the_first_meeting_of_a_year_is_not_dated_by_the_year(extract: Extract, sentence: str) -> None:
    events = extract("MOSCOW, January 13. /TASS/. " + sentence, "2026-01-13")
    assert all(e.precision != "year" for e in events)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Informal CSTO summit opens in Minsk\n\nMinsk is hosting an informal summit of the CSTO member states.",
         "BY"),
        ("Заседание СМИД ОДКБ проходит в Бишкеке за закрытыми дверями. На повестке более десяти вопросов.", "KG"),
    ],
)
def test_a_text_without_a_date_that_tells_what_is_under_way_dates_it_on_the_day_read(
    extract: Extract, text: str, country: str
) -> None:
    events = extract(text, "2018-11-08")
    assert [(e.start, e.status, e.countries, e.year_inferred) for e in events] == [
        (dt.date(2018, 11, 8), "held", (country,), True)
    ]
    assert events[0].confidence < 0.9


def test_a_text_without_a_date_that_tells_of_no_happening_dates_nothing(extract: Extract) -> None:
    assert extract("The CSTO unites six states. It is a defensive alliance.", "2018-11-08") == []


@pytest.mark.parametrize(
    "text",
    [
        "MINSK, September 3. /BelTA/. Servicemen of Kazakhstan and Russia arrived in Belarus for the CSTO exercise"
        " that starts on 5 September.",
        "МИНСК, 3 сентября /БЕЛТА/. Военнослужащие Казахстана и России прибыли в Беларусь для участия в учении"
        " ОДКБ, которое начнется 5 сентября.",
    ],
)
def test_a_date_no_tense_points_at_is_the_nearer_one_and_participants_are_no_venue(extract: Extract, text: str) -> None:
    events = extract(text, "2024-09-03")
    assert [(e.start, e.status, e.countries) for e in events] == [(dt.date(2024, 9, 5), "planned", ("BY",))]


@pytest.mark.parametrize(
    "text",
    [
        "MOSCOW, January 20. /TASS/. The first CSTO Permanent Council meeting in 2025 will be held on 5 February.",
        "МОСКВА, 20 января /ТАСС/. Первое в 2025 году заседание Постоянного совета ОДКБ пройдет 5 февраля.",
    ],
)
def test_a_year_told_by_an_ordinal_writes_the_year_of_the_sentences_date(extract: Extract, text: str) -> None:
    events = extract(text, "2025-01-20")
    assert [(e.start, e.year_inferred) for e in events] == [(dt.date(2025, 2, 5), False)]


def test_there_as_a_subject_places_nothing(extract: Extract) -> None:
    text = (
        "MOSCOW, October 1. /TASS/. The CSTO summit was held in Minsk on 28 September."
        " There will be a meeting of the Permanent Council on Friday."
    )
    events = extract(text, "2024-10-01")
    assert [(e.start, e.countries) for e in events] == [
        (dt.date(2024, 9, 28), ("BY",)), (dt.date(2024, 10, 4), ("RU",))
    ]


@pytest.mark.parametrize(
    ("sentence", "first", "last"),
    [
        ("The CSTO Kanal exercise, scheduled for March 3-6 near Khujand, has been postponed.", 3, 6),
        ("The drills had been planned for June 10-14 at the Oshskaya training ground.", 10, 14),
        ("Учение ОДКБ, намеченное на 12-15 мая, перенесено.", 12, 15),
    ],
)
def test_a_day_range_after_a_preposition_is_not_read_as_its_month(
    extract: Extract, sentence: str, first: int, last: int
) -> None:
    (event,) = extract(sentence, "2024-02-01")
    assert (event.start.day, event.end.day, event.precision) == (first, last, "day")


@pytest.mark.parametrize(
    ("sentence", "first", "last"),
    [
        ("The CSTO Cobalt exercise will be held in Belarus in the first decade of July.", (7, 1), (7, 10)),
        ("The drills are planned for the second ten days of August in the Khatlon region.", (8, 11), (8, 20)),
        ("Учение «Поиск» пройдет в Армении в последней декаде июня.", (6, 21), (6, 30)),
    ],
)
def test_a_decade_of_a_month_is_its_ten_days(
    extract: Extract, sentence: str, first: tuple[int, int], last: tuple[int, int]
) -> None:
    (event,) = extract(sentence, "2024-02-01")
    assert (event.start, event.end) == (dt.date(2024, *first), dt.date(2024, *last))
    assert event.category == "training"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Consultations of CSTO lawyers began in Astana on Monday. The consultations will last till"
         " March 15.", 13, 15),
        ("The Secretary General of the CSTO arrived in Baku on Monday on an official visit. The visit will"
         " run until March 16.", 13, 16),
        ("Генеральный секретарь ОДКБ прибыл в понедельник с визитом в Ереван. Визит продлится до 17 марта.",
         13, 17),
    ],
)
def test_an_end_told_in_the_next_sentence_runs_on_the_event_it_names(
    extract: Extract, text: str, first: int, last: int
) -> None:
    (event,) = extract(text, "2023-03-15")
    assert (event.start, event.end) == (dt.date(2023, 3, first), dt.date(2023, 3, last))


@pytest.mark.parametrize(
    ("text", "category", "last"),
    [
        ("В Казахстане проведено учение сил специального назначения ОДКБ. Мероприятие проходило с 3 по 7 июня"
         " на полигоне Отар.", "training", 7),
        ("A CSTO anti-drug operation was completed in Central Asia. The event ran from June 3 to June 9 with"
         " customs and border services taking part.", "operation", 9),
    ],
)
def test_an_event_named_generically_is_the_one_named_before(
    extract: Extract, text: str, category: str, last: int
) -> None:
    (event,) = extract(text, "2022-06-20")
    assert (event.start, event.end, event.category) == (dt.date(2022, 6, 3), dt.date(2022, 6, last), category)


def test_a_plan_of_events_is_no_event_named_generically(extract: Extract) -> None:
    events = extract(
        "4 марта в Секретариате ОДКБ прошло совещание. Обсуждено выполнение Плана мероприятий (утвержден"
        " 11 января 2021 года).",
        "2021-03-10",
    )
    assert [(e.start, e.category) for e in events] == [(dt.date(2021, 3, 4), "meeting")]


@pytest.mark.parametrize(
    "text",
    [
        "Алматы. 5 октября. «Казинформ» - Подготовка к учению ОДКБ, которое пройдет в ноябре в Армении,"
        " обсуждалась сегодня в Алматы на встрече министров обороны.",
        "ALMATY, October 5. /TASS/. The preparation of the CSTO exercise, which will take place in November in"
        " Armenia, was discussed today at a meeting of defence ministers in Almaty.",
    ],
)
def test_a_relative_clause_dates_its_own_event(extract: Extract, text: str) -> None:
    events = extract(text, "2023-10-06")
    assert sorted((str(e.start), e.precision, e.category, e.status, e.countries) for e in events) == [
        ("2023-10-05", "day", "meeting", "held", ("KZ",)),
        ("2023-11-01", "month", "training", "planned", ("AM",)),
    ]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Вопросы миротворческой деятельности обсуждались 5 марта на совещании в Секретариате ОДКБ.", "held"),
        ("Итоги года подводились 5 марта на совещании в Секретариате ОДКБ.", "held"),
        ("Вопросы миротворческой деятельности обсудят 5 марта на совещании в Секретариате ОДКБ.", "planned"),
    ],
)
def test_the_tense_of_any_russian_verb_says_held_or_planned(extract: Extract, sentence: str, status: str) -> None:
    (event,) = extract(sentence, "2024-03-04" if status == "planned" else "2024-03-06")
    assert (event.start, event.status) == (dt.date(2024, 3, 5), status)


@pytest.mark.parametrize(
    "stamp",
    ["Mar 3 2019", "03.03.2019", "Mar. 3, 2019 at 9:15 AM"],
)
def test_a_site_date_above_an_agency_dateline_heads_the_agencys_report(extract: Extract, stamp: str) -> None:
    text = (
        f"{stamp}\n\nMINSK, March 3. /TASS/. The CSTO will hold its Cobalt exercise in Belarus on May 20, the"
        " Belarusian Emergencies Ministry told reporters."
    )
    events = extract(text, "2019-03-05")
    # The report is no statement of the day: only the exercise it announces is an event.
    assert [(e.start, e.category, e.status) for e in events] == [(dt.date(2019, 5, 20), "training", "planned")]


@pytest.mark.parametrize(
    ("text", "category", "country"),
    [
        ("В Бишкеке стартовало заседание Комитета секретарей советов безопасности ОДКБ. Участники обсудят"
         " ситуацию на таджикско-афганской границе.", "meeting", "KG"),
        ("Security officials of the CSTO states in Dushanbe\n\n«The border remains our first concern,» the"
         " Secretary of the Security Council of Tajikistan said, speaking at a meeting of the committee held in"
         " Dushanbe.", "meeting", "TJ"),
        ("The CSTO Rubezh exercise kicked off in Kyrgyzstan with a march of the contingents to the Edelweiss"
         " training ground.", "training", "KG"),
    ],
)
def test_an_undated_report_of_what_began_or_was_held_is_of_the_day_it_is_read(
    extract: Extract, text: str, category: str, country: str
) -> None:
    (event,) = extract(text, "2023-04-12")
    assert (event.start, event.category, event.status, event.countries) == (
        dt.date(2023, 4, 12), category, "held", (country,)
    )
    assert event.year_inferred


@pytest.mark.parametrize(
    "text",
    [
        "По его словам, у него состоялись переговоры с министрами обороны стран ОДКБ.",
        "The CSTO was founded in Moscow. Its Secretariat later opened an office in Almaty.",
        "Ministers will discuss the CSTO summit that took place in Yerevan.",
    ],
)
def test_hearsay_background_or_a_named_past_is_no_event_of_the_day(extract: Extract, text: str) -> None:
    assert [e.start for e in extract(text, "2023-04-12") if e.start == dt.date(2023, 4, 12)] == []


@pytest.mark.parametrize(
    "text",
    [
        "The sitting of the CSTO Council of Foreign Ministers will take place on June 4. The meeting of the"
        " Council of Foreign Ministers will be held by video link on June 4.",
        "Учения ОДКБ пройдут в Кыргызстане 18 мая. С 18 по 22 мая на полигоне Эдельвейс пройдут учения"
        " «Рубеж-2024».",
    ],
)
def test_one_happening_told_twice_in_other_words_is_one_event(extract: Extract, text: str) -> None:
    events = extract(text, "2024-04-01")
    assert len(events) == 1, events
    assert events[0].category in ("meeting", "training")
    if events[0].category == "training":
        assert (events[0].start, events[0].end) == (dt.date(2024, 5, 18), dt.date(2024, 5, 22))


@pytest.mark.parametrize(
    "sentence",
    [
        "Межпарламентская ассамблея СНГ пройдет в Санкт-Петербурге 24-25 ноября.",
        "The SCO summit will take place in Astana on July 4.",
        "The UN General Assembly will open its session on September 12.",
    ],
)
def test_what_only_another_organisation_does_is_no_csto_event(extract: Extract, sentence: str) -> None:
    assert extract(sentence, "2024-06-01") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The CSTO and the SCO will hold a joint conference in Astana on July 4.",
        "The UN Security Council will hold a debate with the Organization's Secretary General at a meeting on"
        " September 12.",
    ],
)
def test_what_another_organisation_does_with_the_csto_is_kept(extract: Extract, sentence: str) -> None:
    assert len(extract(sentence, "2024-06-01")) == 1


def test_a_date_broken_across_hard_wrapped_lines_is_one_date(extract: Extract) -> None:
    text = (
        "DUSHANBE, October 3 (RIA Novosti) - Some 300 kg of drugs were seized in Tajikistan in the course\n"
        "of the regional anti-drug operation of the CSTO member states between September\n"
        "20 and 27, a police official said on Friday.\n"
    )
    (event,) = extract(text, "2014-10-04")
    assert (event.start, event.end, event.category) == (dt.date(2014, 9, 20), dt.date(2014, 9, 27), "operation")


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("The operation was conducted between 16 and 22 September.", (16, 22)),
        ("The experts met on 16 and 22 September.", (16, 16)),
    ],
)
def test_between_two_days_is_a_run_and_two_days_joined_by_and_are_two(
    extract: Extract, sentence: str, days: tuple[int, int]
) -> None:
    events = extract("Under the CSTO. " + sentence, "2024-10-01")
    assert (events[0].start.day, events[0].end.day) == days


@pytest.mark.parametrize(
    "text",
    [
        "Foreign ministers of the CSTO states gathered in Minsk. During today's meeting they discussed the"
        " situation on the Afghan border.",
        "Министры обороны стран ОДКБ собрались в Минске. На сегодняшнем заседании они обсудят обстановку на"
        " таджикско-афганской границе.",
    ],
)
def test_todays_meeting_is_the_meeting_of_the_day(extract: Extract, text: str) -> None:
    events = extract(text, "2021-06-09")
    assert [(e.start, e.category) for e in events] == [(dt.date(2021, 6, 9), "meeting")]


def test_a_relative_clause_to_the_end_of_the_sentence_dates_its_own_event(extract: Extract) -> None:
    events = extract(
        "The President of Kazakhstan received today the CSTO Secretary General, who came to Astana to watch"
        " the Interaction exercises conducted at the Matybulak range on September 12-16.",
        "2023-09-14",
    )
    assert sorted((str(e.start), str(e.end), e.category) for e in events) == [
        ("2023-09-12", "2023-09-16", "training"),
        ("2023-09-14", "2023-09-14", "meeting"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Армения отменила учения ОДКБ «Кобальт» на своей территории. Они планировались с 10 по 14 октября на"
        " полигоне под Ереваном.",
        "Armenia has called off the CSTO Cobalt exercise on its territory. It was planned for October 10-14 near"
        " Yerevan.",
    ],
)
def test_an_event_called_off_and_named_again_by_a_pronoun_is_called_off(extract: Extract, text: str) -> None:
    (event,) = extract(text, "2023-10-01")
    assert (event.start, event.end, event.category, event.status) == (
        dt.date(2023, 10, 10), dt.date(2023, 10, 14), "training", "cancelled"
    )


def test_months_without_a_year_take_the_year_the_item_set(extract: Extract) -> None:
    text = (
        "Учения ОДКБ в 2026 году пройдут в нескольких государствах-членах, сообщил начальник Объединенного"
        " штаба. «В сентябре на территории Кыргызстана – учение «Рубеж». В октябре в Беларуси – учение"
        " «Взаимодействие»», – сказал он."
    )
    events = extract(text, "2026-02-13")
    assert sorted((str(e.start), e.status, e.countries, e.year_inferred) for e in events) == [
        ("2026-09-01", "planned", ("KG",), True),
        ("2026-10-01", "planned", ("BY",), True),
    ]


def test_an_agency_lead_in_the_present_reports_what_is_under_way(extract: Extract) -> None:
    text = (
        "ПОЛИГОН ДОНГУЗ (Оренбургская область), 12 мая - РИА Новости. Группа офицеров Минобороны Армении"
        " принимает участие в учениях Коллективных сил оперативного реагирования ОДКБ, сообщил пресс-секретарь"
        " организации. Учения продлятся до 15 мая."
    )
    (event,) = extract(text, "2023-05-13")
    assert (event.start, event.end, event.category, event.status) == (
        dt.date(2023, 5, 12), dt.date(2023, 5, 15), "training", "held"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Leaders will discuss the CSTO guidelines during Belarus's CSTO presidency in 2027 at the summit.",
        "Армения проинформирует о приоритетах своего председательства в Организации в 2027 году на саммите.",
    ],
)
def test_the_year_of_a_chairmanship_is_no_event(extract: Extract, sentence: str) -> None:
    assert [e for e in extract(sentence, "2026-11-20") if e.precision == "year"] == []


def test_a_count_of_exercises_last_year_is_no_event(extract: Extract) -> None:
    text = (
        "MINSK, May 12. /TASS/. The CSTO exercise began on Monday in Belarus.\n\n"
        "Last year, the organization held a total of seven large-scale military exercises."
    )
    assert [(e.start, e.precision) for e in extract(text, "2025-05-12")] == [(dt.date(2025, 5, 12), "day")]


def test_a_summit_a_past_participle_dates_was_held(extract: Extract) -> None:
    (event,) = extract(
        "«Очередная сессия СКБ ОДКБ состоится в Душанбе», — сообщили в организации по итогам прошедшего"
        " 28 ноября саммита в Бишкеке.",
        "2025-11-29",
    )
    assert (event.start, event.status, event.countries) == (dt.date(2025, 11, 28), "held", ("KG",))


def test_a_paragraph_opening_with_a_relative_day_goes_on_with_its_item(extract: Extract) -> None:
    text = (
        "ASTANA, June 4. /TASS/. The CSTO exercise kicked off on Monday in Kazakhstan.\n\n"
        "Last week, the contingents arrived at the range by rail."
    )
    events = extract(text, "2025-06-04")
    assert [(e.start, e.category) for e in events] == [(dt.date(2025, 6, 2), "training")]


def test_a_year_after_a_comma_without_a_space_is_the_ranges_year(extract: Extract) -> None:
    (event,) = extract("The CSTO drills will be held in Kazakhstan on August 18-22,2014.", "2014-08-10")
    assert (event.start, event.end, event.year_inferred) == (dt.date(2014, 8, 18), dt.date(2014, 8, 22), False)


@pytest.mark.parametrize(
    "sentence",
    [
        "In January, announcing the plans to hold the exercise, the minister said the drills would be large.",
        "В январе, анонсировав учения ОДКБ, министр сказал, что они будут масштабными.",
    ],
)
def test_the_month_of_an_announcement_is_no_event(extract: Extract, sentence: str) -> None:
    assert extract(sentence, "2014-08-10") == []


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("05 / 02 / 2014", dt.date(2014, 2, 5)),
        ("Thu, 02/13/2014 - 12:39", dt.date(2014, 2, 13)),  # American: the day cannot come first
        ("Thu, 13/02/2014 - 12:39", dt.date(2014, 2, 13)),
    ],
)
def test_a_date_stamp_line_dates_today(extract: Extract, stamp: str, day: dt.date) -> None:
    text = (
        f"Security secretaries met\n{stamp}\nToday the Secretary of the Security Council of Armenia met the CSTO"
        " Secretary General."
    )
    assert [(e.start, e.year_inferred) for e in extract(text, "2014-02-14")] == [(day, False)]


def test_a_day_with_last_year_is_in_the_year_before(extract: Extract) -> None:
    events = extract(
        "MOSCOW, February 5, 2014. /TASS/. They discussed the protocol signed following the meeting of the"
        " secretaries"
        " on December 10 last year in Moscow.",
        "2014-02-06",
    )
    assert [(e.start, e.category, e.year_inferred) for e in events] == [(dt.date(2013, 12, 10), "meeting", False)]


def test_what_is_scheduled_is_planned_to_happen(extract: Extract) -> None:
    (event,) = extract(
        "The parties discussed the creation of the CSTO Academy in Armenia, the start of which is scheduled for"
        " September this year.",
        "2014-02-05",
    )
    assert (event.start, event.precision, event.status) == (dt.date(2014, 9, 1), "month", "planned")


def test_a_city_in_the_title_is_the_venue_of_its_report(extract: Extract) -> None:
    text = (
        "Session of the CSTO Council of Defence Ministers in Minsk\n\n"
        "Tuesday, 6 June, 2023 - 11:00\n\n"
        "At a session of the Council, the defence ministers of Russia, Armenia and Kazakhstan are discussing"
        " the situation in Afghanistan."
    )
    assert [(e.start, e.countries) for e in extract(text, "2023-06-06")] == [(dt.date(2023, 6, 6), ("BY",))]


def test_a_country_in_the_title_may_be_its_topic(extract: Extract) -> None:
    text = (
        "CSTO members discuss the unrest in Kyrgyzstan\n\n12 июня 2010\n\n"
        "Экстренное совещание секретарей советов безопасности стран ОДКБ проводит генеральный секретарь"
        " организации."
    )
    assert [(e.start, e.countries) for e in extract(text, "2010-06-12")] == [(dt.date(2010, 6, 12), ())]


@pytest.mark.parametrize(
    "sentence",
    [
        "Учение ОДКБ стартовало 15 июля на полигоне Чебаркуль (Челябинская область).",
        "The CSTO exercise started on July 15 at the training ground Chebarkul in the Urals.",
    ],
)
def test_a_town_after_a_training_ground_is_the_venue(extract: Extract, sentence: str) -> None:
    (event,) = extract(sentence, "2014-07-16")
    assert event.countries == ("RU",)


def test_a_title_opening_with_its_day_above_a_site_stamp_is_the_items_title(extract: Extract) -> None:
    text = (
        "20-24 апреля в Таджикистане пройдут учения ОДКБ\n"
        "09:24.02/03/2010, russian.people.com.cn\n"
        "20-24 апреля в Таджикистане пройдут совместные учения «Рубеж-2010» Коллективных сил быстрого"
        " развертывания Центрально-Азиатского региона."
    )
    events = extract(text, "2010-03-05")
    assert [(e.start, e.end, e.countries) for e in events] == [
        (dt.date(2010, 4, 20), dt.date(2010, 4, 24), ("TJ",))
    ]
    assert events[0].published == dt.date(2010, 3, 2)


def test_the_place_one_report_gives_completes_the_other(extract: Extract) -> None:
    events = extract(
        "The CSTO informal summit will take place on May 8. Informal meetings of the heads of the CSTO states"
        " will be held on May 8 in Moscow.",
        "2010-05-06",
    )
    assert [(e.start, e.countries) for e in events] == [(dt.date(2010, 5, 8), ("RU",))]


def test_what_has_already_begun_under_a_date_line_is_held_that_day(extract: Extract) -> None:
    text = (
        "CSTO peacekeepers start their tasks\n6 января 2022\n"
        "The CSTO peacekeeping contingent has already begun to fulfil its tasks in Kazakhstan."
    )
    assert [(e.start, e.category, e.countries) for e in extract(text, "2022-01-07")] == [
        (dt.date(2022, 1, 6), "operation", ("KZ",))
    ]


def test_the_kind_of_a_date_is_the_noun_its_verb_has(extract: Extract) -> None:
    (event,) = extract(
        "The ministers also decided to expand cooperation against terrorism and the first joint command-staff"
        " exercises, Kavkaz-2020, will be held at the end of September.",
        "2020-09-07",
    )
    assert (event.start, event.category, event.status) == (dt.date(2020, 9, 1), "training", "planned")


@pytest.mark.parametrize(
    "paragraph",
    [
        "On October 6, 2007, the member nations agreed to create a peacekeeping force that could be deployed"
        " under a UN mandate.",
        "On December 10, 2010, the member nations approved a declaration establishing the peacekeeping forces.",
        "10 декабря 2010 года государства-члены утвердили положение о миротворческих силах.",
    ],
)
def test_an_act_of_years_ago_recalled_in_a_report_is_background(extract: Extract, paragraph: str) -> None:
    text = (
        "ASTANA, September 27. /TASS/. The CSTO peacekeeping exercise is being held in Kazakhstan from"
        f" September 26 to October 7.\n\n{paragraph}"
    )
    assert [(e.start, e.end) for e in extract(text, "2024-09-27")] == [(dt.date(2024, 9, 26), dt.date(2024, 10, 7))]


def test_a_meeting_of_years_ago_recalled_in_a_report_stays_an_event(extract: Extract) -> None:
    text = (
        "ASTANA, September 27. /TASS/. The CSTO exercise is being held in Kazakhstan from September 26 to"
        " October 7.\n\nOn December 10, 2010, the summit of the CSTO in Moscow approved the declaration."
    )
    assert dt.date(2010, 12, 10) in [e.start for e in extract(text, "2024-09-27")]


def test_a_month_told_before_its_days_is_one_event(extract: Extract) -> None:
    text = (
        "MOSCOW, July 26. /TASS/. The CSTO will hold the Kobalt drills in Kyrgyzstan in early August. The"
        " exercise will take place on the territory of Kyrgyzstan on August 2-5."
    )
    assert [(e.start, e.end) for e in extract(text, "2022-07-27")] == [(dt.date(2022, 8, 2), dt.date(2022, 8, 5))]


def test_the_half_year_of_a_plan_is_no_event(extract: Extract) -> None:
    events = extract(
        "Постоянный совет ОДКБ согласовал проект плана консультаций на второе полугодие 2016 года. Консультации"
        " заместителей министров, запланированные на 19 апреля в Ереване, обсудят план.",
        "2016-04-13",
    )
    assert [(e.start, e.category, e.countries) for e in events] == [(dt.date(2016, 4, 19), "consultation", ("AM",))]


def test_a_dateline_with_the_agency_and_its_date_in_brackets(extract: Extract) -> None:
    text = (
        "MOSCOW (UrduPoint News / Sputnik - 26th May, 2020) Foreign ministers of the CSTO states will meet in a"
        " virtual setting on Tuesday."
    )
    assert [(e.start, e.status, e.countries) for e in extract(text, "2020-05-27")] == [
        (dt.date(2020, 5, 26), "planned", ())
    ]


def test_opening_a_summit_today_is_holding_it(extract: Extract) -> None:
    (event,) = extract(
        "Президент, открывая неформальный саммит ОДКБ сегодня в Москве, заявил, что лидеры могут принять заявление.",
        "2010-05-08",
    )
    assert (event.start, event.status, event.countries) == (dt.date(2010, 5, 8), "held", ("RU",))


def test_a_run_told_end_first_is_one_run(extract: Extract) -> None:
    text = (
        "May 25, 2018\nThe CSTO concluded large-scale military exercises in the south of Kazakhstan on Tuesday."
        " The drills kicked off on Sunday in the Almaty region."
    )
    assert [(e.start, e.end, e.countries) for e in extract(text, "2018-05-25")] == [
        (dt.date(2018, 5, 20), dt.date(2018, 5, 22), ("KZ",))
    ]


def test_a_run_that_will_continue_for_days(extract: Extract) -> None:
    (event,) = extract(
        "The withdrawal of the CSTO peacekeeping forces from Kazakhstan began today, on January 13, and will"
        " continue for ten days.",
        "2022-01-13",
    )
    assert (event.start, event.end, event.category) == (dt.date(2022, 1, 13), dt.date(2022, 1, 22), "operation")


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("МИНСК, 25 ноя – Sputnik. Армения не возражает против принятия документов на предстоящем саммите ОДКБ"
         " в Астане.", False),
        ("МИНСК, 25 ноя – Sputnik. Белорусские военные принимают участие в учениях ОДКБ в Таджикистане.", True),
    ],
)
def test_only_a_verb_of_activity_in_the_present_is_under_way(extract: Extract, text: str, held: bool) -> None:
    events = extract(text, "2024-11-25")
    assert (dt.date(2024, 11, 25) in [e.start for e in events]) is held


@pytest.mark.parametrize(
    "sentence",
    [
        "В Казахстан вечером 6 января прибыли подразделения российских десантников в составе сил ОДКБ.",
        "The first units of Russian paratroopers arrived in Almaty on January 6 as part of the CSTO forces.",
    ],
)
def test_troops_arriving_are_an_operation(extract: Extract, sentence: str) -> None:
    (event,) = extract(sentence, "2022-01-07")
    assert (event.start, event.category, event.countries) == (dt.date(2022, 1, 6), "operation", ("KZ",))


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Uzbekistan has cancelled its moratorium on work within the CSTO, it was announced at the CSTO summit"
         " held in Minsk on Friday.", "held"),
        ("The CSTO exercise planned for 14-18 April in Armenia has been cancelled.", "cancelled"),
        ("Армения отменила учения ОДКБ, намеченные на 14-18 апреля.", "cancelled"),
        ("The meeting of the CSTO secretaries has been postponed to 25 September.", "postponed"),
    ],
)
def test_only_calling_off_an_event_cancels_it(extract: Extract, sentence: str, status: str) -> None:
    (event,) = extract(sentence, "2006-06-24" if "Friday" in sentence else "2025-03-01")
    assert event.status == status


def test_an_order_to_hold_consultations_plans_them(extract: Extract) -> None:
    (event,) = extract(
        "МОСКВА, 12 июн - РИА Новости. Президент поручил провести в понедельник консультации секретарей СБ"
        " стран ОДКБ.",
        "2010-06-12",
    )
    assert (event.start, event.status) == (dt.date(2010, 6, 14), "planned")


def test_a_season_set_for_something_is_that_season(extract: Extract) -> None:
    (event,) = extract("На осень запланированы учения разведчиков ОДКБ «Поиск» в Армении.", "2020-09-03")
    assert (event.start, event.end, event.status) == (dt.date(2020, 9, 1), dt.date(2020, 11, 30), "planned")


def test_a_headline_in_the_present_tells_what_is_under_way(extract: Extract) -> None:
    text = (
        "CSTO joint exercise Interaction starts in the Pskov region\n"
        "Military units of the CSTO have arrived in the Pskov region of Russia to take part in the exercise."
    )
    assert [(e.start, e.category, e.countries) for e in extract(text, "2016-08-16")] == [
        (dt.date(2016, 8, 16), "training", ("RU",))
    ]


def test_the_days_event_told_as_begun_and_as_to_come_is_one(extract: Extract) -> None:
    events = extract(
        "В Москве сегодня, 23 декабря, открывается сессия Совета коллективной безопасности ОДКБ. Сегодняшняя"
        " встреча пройдет в узком составе.",
        "2014-12-23",
    )
    assert [(e.start, e.status, e.countries) for e in events] == [(dt.date(2014, 12, 23), "held", ("RU",))]


def test_a_relative_clause_of_place_takes_the_place_it_hangs_on(extract: Extract) -> None:
    events = extract(
        "Среди стран-участниц значится и Казахстан, где в сентябре развернутся масштабные учения сил ОДКБ.",
        "2026-02-13",
    )
    assert [(e.start, e.countries) for e in events] == [(dt.date(2026, 9, 1), ("KZ",))]


def test_a_stamp_with_its_time_zone_in_brackets(extract: Extract) -> None:
    text = (
        "Генсек прокомментировал участие в саммите\n22 апреля 2024 12:44 (UTC +04:00)\n"
        "Генсек ОДКБ сказал, что саммит ОДКБ пройдет в ноябре. Саммит ОДКБ в Минске прошел в 2023 году."
    )
    events = extract(text, "2024-04-22")
    # An agency's report: a year before its own is history there.
    assert [(e.start, e.status) for e in events] == [(dt.date(2024, 11, 1), "planned")]


def test_exercises_named_by_code_name_and_year_are_each_an_event(extract: Extract) -> None:
    events = extract(
        "Since September 26, the CSTO exercises Interaction-2022, Search-2022 and Echelon-2022 have been held in"
        " Kazakhstan.",
        "2022-09-28",
    )
    assert sorted(e.title for e in events) == sorted(
        ['Exercise "Echelon-2022"', 'Exercise "Interaction-2022"', 'Exercise "Search-2022"']
    )
    assert {(e.start, e.status, e.countries) for e in events} == {(dt.date(2022, 9, 26), "held", ("KZ",))}


def test_a_run_begun_today_and_told_as_to_come_is_one_held_run(extract: Extract) -> None:
    events = extract(
        "The CSTO exercises began in the Almaty region of Kazakhstan on Monday. The exercises will be held from"
        " September 26 to October 8.",
        "2022-09-27",
    )
    assert [(e.start, e.end, e.status, e.countries) for e in events] == [
        (dt.date(2022, 9, 26), dt.date(2022, 10, 8), "held", ("KZ",))
    ]


def test_exercises_listed_under_their_code_names_are_each_an_event(extract: Extract) -> None:
    events = extract(
        "The CSTO exercises will be held from September 26 to October 8 under the code names “Interaction-2022”,"
        " “Poisk-2022” and “Echelon-2022”.",
        "2022-09-20",
    )
    assert len(events) == 3
    assert {(e.start, e.end) for e in events} == {(dt.date(2022, 9, 26), dt.date(2022, 10, 8))}


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("MINSK, March 2. /TASS/. The CSTO exercise opened at the Brest training ground on Monday. The four-day"
         " exercise involves 900 servicemen.", dt.date(2021, 3, 4)),
        ("MINSK, March 2. /TASS/. A two-week CSTO exercise opened at the Brest training ground on Monday.",
         dt.date(2021, 3, 14)),
        ("МИНСК, 2 марта /ТАСС/. Церемония открытия учения ОДКБ прошла на Брестском полигоне в понедельник."
         " В четырехдневных учениях участвуют 900 военнослужащих.", dt.date(2021, 3, 4)),
        ("МИНСК, 2 марта /ТАСС/. Учение ОДКБ начинается в понедельник, 1 марта, в Беларуси и пройдет по 4 марта.",
         dt.date(2021, 3, 4)),
    ],
)
def test_an_exercise_told_with_its_length_or_last_day_runs_from_its_first_day(
    extract: Extract, text: str, end: dt.date
) -> None:
    events = extract(text, "2021-03-02")
    assert [(e.start, e.end, e.category, e.countries) for e in events] == [
        (dt.date(2021, 3, 1), end, "training", ("BY",))
    ]


def test_a_visit_of_a_given_length_is_not_stretched_from_the_day_of_a_meeting(extract: Extract) -> None:
    events = extract(
        "05.03.2021\nToday the Secretary of the Security Council met with the CSTO Secretary General, who arrived"
        " on a three-day visit to Yerevan.",
        "2021-03-05",
    )
    assert [(e.start, e.end, e.category) for e in events] == [(dt.date(2021, 3, 5), dt.date(2021, 3, 5), "meeting")]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Belarus hosts CSTO foreign ministers\n\nThe meeting of the CSTO Council of Foreign Ministers has"
         " commenced in Minsk.", "BY"),
        ("Kyrgyz minister attends CSTO defence ministers' session\n\nThe minister participated in a meeting of the"
         " CSTO Council of Defence Ministers in Bishkek.", "KG"),
    ],
)
def test_a_headline_in_the_present_or_a_lead_in_the_perfect_reports_the_day(
    extract: Extract, text: str, country: str
) -> None:
    assert [(e.start, e.status, e.category, e.countries) for e in extract(text, "2021-05-20")] == [
        (dt.date(2021, 5, 20), "held", "meeting", (country,))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "12.03.2021\nCSTO troops return home\nThe last aircraft with the peacekeepers landed near Moscow, the"
        " press service of the Defence Ministry reports.",
        "12.03.2021\nМиротворцы вернулись домой\nПоследний самолет с миротворцами приземлился под Москвой, сообщает"
        " пресс-служба Минобороны.",
    ],
)
def test_an_outlets_article_that_names_its_source_is_no_statement_of_its_own(extract: Extract, text: str) -> None:
    assert [e.category for e in extract(text, "2021-03-12")] != ["statement"]
    assert "statement" not in {e.category for e in extract(text, "2021-03-12")}


@pytest.mark.parametrize(
    "sentence",
    [
        "On 24 November, during the summit, the Secretary General said that the draft declaration on the border was"
        " agreed.",
        "24 ноября в ходе саммита генсек заявил, что проект декларации о границе согласован.",
    ],
)
def test_a_draft_document_is_no_statement(extract: Extract, sentence: str) -> None:
    events = extract("The CSTO summit was held in Yerevan on 24 November. " + sentence, "2021-11-25")
    assert [(e.start, e.category) for e in events] == [(dt.date(2021, 11, 24), "meeting")]


@pytest.mark.parametrize(
    "text",
    [
        "С 5 по 11 июня странами-участницами Шанхайской организации сотрудничества проводились учения в Киргизии.",
        "From 5 to 11 June, the member states of the Shanghai Cooperation Organization held exercises in Kyrgyzstan.",
    ],
)
def test_another_organisation_named_in_full_is_not_the_organization(extract: Extract, text: str) -> None:
    assert extract(text, "2021-06-20") == []


@pytest.mark.parametrize(
    "text",
    [
        "The CSTO leaders will meet in Minsk on 3 December, and an informal meeting of the CIS heads of state will"
        " take place at the end of December.",
        "Лидеры ОДКБ встретятся в Минске 3 декабря, а неформальная встреча глав государств СНГ пройдет в конце"
        " декабря.",
    ],
)
def test_another_organisations_event_in_a_clause_of_its_own_is_not_the_organizations(
    extract: Extract, text: str
) -> None:
    assert [(e.start, e.precision) for e in extract(text, "2021-11-01")] == [(dt.date(2021, 12, 3), "day")]


def test_the_year_of_plans_told_with_their_subject_is_a_topic(extract: Extract) -> None:
    events = extract(
        "The CSTO Military Committee met by video on Friday, 3 July. They discussed the adjustment of the training"
        " plans of the collective forces of the member states for this year.",
        "2020-07-04",
    )
    assert [(e.start, e.category) for e in events] == [(dt.date(2020, 7, 3), "meeting")]


@pytest.mark.parametrize(
    "text",
    [
        "ASTANA Nov 12\nThe Kazakh president attended a session of the CSTO Council of Defence Ministers on\n"
        "Friday, which was held in the capital.",
        "АСТАНА, 12 ноября\nПрезидент Казахстана присутствовал на заседании Совета министров обороны ОДКБ в\n"
        "Астане в пятницу.",
    ],
)
def test_a_line_broken_after_a_preposition_goes_on_with_a_capital(extract: Extract, text: str) -> None:
    assert [(e.start, e.category) for e in extract(text, "2021-11-12")] == [(dt.date(2021, 11, 12), "meeting")]


@pytest.mark.parametrize(
    "text",
    [
        "Учения ОДКБ будут проведены в ноябре на полигоне Эдельвейс.",
        "Заседание Совета министров обороны ОДКБ будет проведено 14 ноября в Бишкеке.",
    ],
)
def test_a_participle_after_a_future_auxiliary_announces(extract: Extract, text: str) -> None:
    events = extract(text, "2021-08-10")
    assert [(e.start.year, e.status) for e in events] == [(2021, "planned")]


@pytest.mark.parametrize(
    "text",
    [
        "This autumn the CSTO will hold an exercise in Tajikistan. The exercise will be held in late October at"
        " the Harbmaidon range.",
        "Этой осенью ОДКБ проведет учения в Таджикистане. Учения будут проведены в конце октября на полигоне"
        " Харбмайдон.",
    ],
)
def test_a_season_then_its_month_is_one_exercise_in_that_month(extract: Extract, text: str) -> None:
    events = extract(text, "2021-08-10")
    assert [(e.start, e.end, e.precision) for e in events] == [(dt.date(2021, 10, 1), dt.date(2021, 10, 31), "month")]


def test_a_run_told_as_under_way_and_as_to_come_is_one_held_run(extract: Extract) -> None:
    events = extract(
        "Kyrgyzstan is conducting the CSTO peacekeeping drill from September 20 to October 1. The drill is"
        " scheduled to take place from September 20 to October 1 at the Edelweiss range.",
        "2021-09-22",
    )
    assert [(e.start, e.end, e.status) for e in events] == [(dt.date(2021, 9, 20), dt.date(2021, 10, 1), "held")]


@pytest.mark.parametrize(
    "text",
    [
        "On March 2, peacekeepers from Russia, Armenia and Belarus began to arrive in Tajikistan. On March 9, their"
        " withdrawal began. It will run until March 14.",
        "2 марта миротворцы из России, Армении и Белоруссии начали прибывать в Таджикистан. 9 марта начался их"
        " вывод. Он продлится до 14 марта.",
    ],
)
def test_an_operation_runs_from_the_arrival_to_the_end_of_the_withdrawal(extract: Extract, text: str) -> None:
    events = extract(text, "2021-03-10")
    assert [(e.start, e.end, e.category, e.countries) for e in events] == [
        (dt.date(2021, 3, 2), dt.date(2021, 3, 14), "operation", ("TJ",))
    ]


def test_a_date_closing_the_text_heads_nothing(extract: Extract) -> None:
    events = extract(
        "CIS defence chiefs met in Baku\n\nThe meeting of the chiefs of general staff of the CIS took place on"
        " October 12.\nOct. 13, 2021",
        "2021-10-13",
    )
    assert events == []


@pytest.mark.parametrize(
    "text",
    [
        "The leaders of the CIS countries will hold an informal summit at the end of December, CIS Secretary"
        " General Sergei Lebedev said.",
        "Лидеры стран СНГ проведут неформальный саммит в конце декабря, сообщил генеральный секретарь СНГ Сергей"
        " Лебедев.",
    ],
)
def test_an_office_headed_by_another_organisations_name_is_that_organisations(extract: Extract, text: str) -> None:
    assert extract(text, "2021-11-01") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "График проведения учений сил ОДКБ в 2021 году может быть скорректирован.",
        "В Секретариате ОДКБ обсудили приоритеты деятельности в 2021 году.",
        "The schedule of CSTO exercises in 2021 may be adjusted.",
    ],
)
def test_the_year_of_a_schedule_or_of_priorities_is_a_topic(extract: Extract, sentence: str) -> None:
    assert extract(sentence, "2021-02-10") == []


@pytest.mark.parametrize(
    "text",
    [
        "The Belarusian Defence Ministry said in a statement on Monday that the peacekeepers had left Kazakhstan.",
        "In an interview published on Monday, the Armenian prime minister said he was disappointed with the CSTO.",
        "Министр обороны Армении заявил в понедельник на пресс-конференции, что Армения не будет участвовать в"
        " учениях ОДКБ.",
    ],
)
def test_a_statement_a_state_or_a_person_gives_is_not_the_organizations(extract: Extract, text: str) -> None:
    assert "statement" not in {e.category for e in extract(text, "2021-03-10")}


@pytest.mark.parametrize(
    "text",
    [
        "MOSCOW, March 8. /TASS/. Chief of the CSTO Joint Staff Anatoly Sidorov told a news conference on Monday"
        " that the drills would follow in the autumn.",
        "Statement of the Ministers of Foreign Affairs of the Member States of the CSTO, Moscow, 8 March 2021",
        "Заявление министров иностранных дел государств - членов ОДКБ, Москва, 8 марта 2021 года",
    ],
)
def test_a_statement_of_a_csto_body_is_its_statement(extract: Extract, text: str) -> None:
    assert (dt.date(2021, 3, 8), "statement") in [(e.start, e.category) for e in extract(text, "2021-03-10")]


@pytest.mark.parametrize(
    "text",
    [
        "Belarus will not attend this week's CSTO summit in Bishkek, an official said on Monday. The meeting,"
        " scheduled for Thursday, will gather the leaders of the member states.",
        "Беларусь не примет участия в саммите ОДКБ в Бишкеке на этой неделе, сообщил в понедельник чиновник."
        " Встреча, назначенная на четверг, соберет лидеров государств-членов.",
    ],
)
def test_a_week_then_the_day_is_one_event_on_the_day(extract: Extract, text: str) -> None:
    events = extract(text, "2021-11-22")
    assert [(e.start, e.end, e.category, e.countries) for e in events] == [
        (dt.date(2021, 11, 25), dt.date(2021, 11, 25), "meeting", ("KG",))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "March 12, 2021 -- The CSTO defence ministers are gathering in Minsk for their meeting, to be held on"
        " March 14.",
        "12 марта 2021 года — Министры обороны ОДКБ съезжаются в Минск на заседание, которое пройдет 14 марта.",
    ],
)
def test_a_full_date_and_a_long_dash_open_a_report_as_a_dateline(extract: Extract, text: str) -> None:
    events = extract(text, "2021-03-20")
    assert [(e.start, e.status, e.countries) for e in events] == [(dt.date(2021, 3, 14), "planned", ("BY",))]
    assert events[0].published == dt.date(2021, 3, 12)


@pytest.mark.parametrize(
    "text",
    [
        "On 2 December, Minsk will host a joint meeting of the Council of Foreign Ministers (CFM), the Council of"
        " Defence Ministers (CDM) and the Committee of Secretaries of Security Councils (CSSC), as well as a"
        " session of the CSTO Collective Security Council.",
        "2 декабря в Минске состоятся совместное заседание Совета министров иностранных дел (СМИД), Совета"
        " министров обороны (СМО) и Комитета секретарей советов безопасности (КССБ), а также сессия Совета"
        " коллективной безопасности ОДКБ.",
    ],
)
def test_bodies_listed_with_their_acronyms_in_brackets_are_still_one_joint_meeting(
    extract: Extract, text: str
) -> None:
    events = extract(text, "2021-11-25")
    assert [(e.start, e.category, e.countries) for e in events] == [
        (dt.date(2021, 12, 2), "meeting", ("BY",)),
        (dt.date(2021, 12, 2), "meeting", ("BY",)),
    ]


@pytest.mark.parametrize(
    ("sentence", "country", "city"),
    [
        ("Учение ОДКБ пройдет 20 апреля на Гюмрийском полигоне.", "AM", "Gyumri"),
        ("Учение ОДКБ пройдет 20 апреля на Каракольском полигоне.", "KG", "Karakol"),
        ("Учение ОДКБ пройдет 20 апреля на Балхашском полигоне.", "KZ", "Balqash"),
        ("The CSTO exercise will be held at the Chebarkul training ground on 20 April.", "RU", "Chebarkul"),
    ],
)
def test_a_range_named_after_its_town_is_in_that_town(
    extract_one: Callable[..., ExtractedEvent], sentence: str, country: str, city: str
) -> None:
    event = extract_one("MINSK, April 4 (BelTA) - " + sentence, "2019-04-04")
    assert (event.start, event.countries, event.city) == (dt.date(2019, 4, 20), (country,), city)


def test_a_town_s_adjective_away_from_ground_places_nothing(extract_one: Callable[..., ExtractedEvent]) -> None:
    event = extract_one("МИНСК, 4 апреля /БЕЛТА/. Учение ОДКБ пройдет 20 апреля, сообщил Каракольский военком.",
                        "2019-04-04")
    assert event.countries == ()


@pytest.mark.parametrize(
    "text",
    [
        "The CSTO exercise opened in Tajikistan on Monday. Its final phase will be held on 20 April.",
        "Учение ОДКБ открылось в Таджикистане в понедельник. Заключительный этап учения пройдет 20 апреля.",
    ],
)
def test_an_event_takes_the_venue_the_sentence_before_gave_it(extract: Extract, text: str) -> None:
    events = extract("04.04.2019\n\n" + text, "2019-04-04")
    assert [(e.start, e.countries) for e in events] == [
        (dt.date(2019, 4, 1), ("TJ",)), (dt.date(2019, 4, 20), ("TJ",))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The CSTO defence ministers met in Minsk on 2 April. The CSTO exercise will be held on 20 April.",
        "Заседание Совета министров обороны ОДКБ прошло в Минске 2 апреля. Учение ОДКБ пройдет 20 апреля.",
    ],
)
def test_an_event_of_another_kind_takes_no_venue_from_the_sentence_before(extract: Extract, text: str) -> None:
    events = extract("04.04.2019\n\n" + text, "2019-04-04")
    assert [(e.start, e.countries) for e in events] == [
        (dt.date(2019, 4, 2), ("BY",)), (dt.date(2019, 4, 20), ())
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The CSTO exercise was held in Armenia on 2 January. The next exercise will take place in the autumn.",
        "Учение ОДКБ прошло в Армении 2 января. Следующее учение намечено на осень.",
        "The CSTO exercise was held in Armenia on 2 January. The exercise will be held again in October.",
    ],
)
def test_another_occurrence_takes_no_venue_from_the_sentence_before(extract: Extract, text: str) -> None:
    events = extract("04.04.2019\n\n" + text, "2019-04-04")
    assert [(e.start.month, e.countries) for e in events if e.category == "training"][:1] == [(1, ("AM",))]
    assert [e.countries for e in events if e.category == "training"][1:] == [()]


@pytest.mark.parametrize(
    "text",
    [
        "YEREVAN, May 7. /ARMENPRESS/. The CSTO exercise is under way in Armenia.\n\n"
        "6 May saw the second phase begin at the range.",
        "ЕРЕВАН, 7 мая /АРМЕНПРЕСС/. В Армении проходит учение ОДКБ.\n\n6 мая начался второй этап учения.",
        "CSTO drill under way in Armenia\n\nThe CSTO exercise opened in Armenia on 5 May.\n\n"
        "5 May also saw the first phase begin at the range.",
        "Учение ОДКБ в Армении\n\nУчение ОДКБ открылось в Армении 5 мая.\n\n5 мая начался первый этап учения.",
    ],
)
def test_a_paragraph_opening_with_a_day_of_the_report_goes_on_with_it(text: str) -> None:
    items = split_items(text, dt.date(2019, 5, 7))
    assert len(items) == 1
    assert text.rstrip().endswith(text[items[0].sentences[-1].start : items[0].sentences[-1].end])


def test_a_day_opening_each_paragraph_of_a_page_of_news_still_starts_each_item() -> None:
    text = (
        "On 5 May, the CSTO exercise opened in Armenia.\n\n"
        "On 5 May, the CSTO Secretary General visited Minsk.\n\n"
        "6 May saw the CSTO Permanent Council meet in Moscow."
    )
    assert len(split_items(text, dt.date(2019, 5, 7))) == 3
