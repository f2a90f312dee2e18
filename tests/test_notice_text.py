from __future__ import annotations

import datetime as dt

import pytest

from calendar_service.anniversaries import Anniversary
from calendar_service.wording import en, ru
from calendar_service.wording.common import count_of
from calendar_service.wording.notices import anniversary_ahead_text, anniversary_today_text

TREATY = dt.date(1992, 5, 15)
TITLE = "Signing of the Collective Security Treaty"
TITLE_RU = "Подписание Договора о коллективной безопасности"


@pytest.mark.parametrize(("title_ru", "genitive"), [
    ("Подписание Договора о коллективной безопасности", "подписания Договора о коллективной безопасности"),
    ("Создание Организации Договора о коллективной безопасности",
     "создания Организации Договора о коллективной безопасности"),
    ("Открытие Объединённого штаба ОДКБ", "открытия Объединённого штаба ОДКБ"),
    ("Договору о коллективной безопасности придан статус международной региональной организации — ОДКБ",
     "события «Договору о коллективной безопасности придан статус международной региональной организации — ОДКБ»"),
    ("Сессия Совета коллективной безопасности", "сессии Совета коллективной безопасности"),
    ("Вступление в силу Устава ОДКБ", "вступления в силу Устава ОДКБ"),
    ("Совместные учения Сил коллективной безопасности ОДКБ", "совместных учений Сил коллективной безопасности ОДКБ"),
    ("Миротворческая операция ОДКБ в Казахстане", "миротворческой операции ОДКБ в Казахстане"),
    ("40-е заседание Рабочей группы по Афганистану", "40-го заседания Рабочей группы по Афганистану"),
    ("К годовщине подписания Договора", "события «К годовщине подписания Договора»"),
    ("Заместитель Генерального секретаря ОДКБ встретился с Группой",
     "события «Заместитель Генерального секретаря ОДКБ встретился с Группой»"),
])
def test_russian_event_name_is_put_in_the_genitive_or_quoted(title_ru: str, genitive: str) -> None:
    assert ru.event_name(title_ru, "anything") == genitive


def test_without_a_russian_title_the_english_one_is_quoted() -> None:
    assert ru.event_name(None, TITLE) == f"события «{TITLE}»"


@pytest.mark.parametrize(("title", "name"), [
    (TITLE, "the signing of the Collective Security Treaty"),
    ("The Establishment of the CSTO Joint Staff", "the establishment of the CSTO Joint Staff"),
    ("Entry into force of the CSTO Charter", "the entry into force of the CSTO Charter"),
    ("Session of the CSTO Collective Security Council in Minsk",
     "the session of the CSTO Collective Security Council in Minsk"),
    ("The Collective Security Treaty is given the status of an organization",
     "“The Collective Security Treaty is given the status of an organization”"),
])
def test_english_event_name(title: str, name: str) -> None:
    assert en.event_name(title) == name


@pytest.mark.parametrize(("count", "days", "years"), [
    (1, "1 день", "1 год"), (2, "2 дня", "2 года"), (5, "5 дней", "5 лет"), (7, "7 дней", "7 лет"),
    (11, "11 дней", "11 лет"), (14, "14 дней", "14 лет"), (21, "21 день", "21 год"), (33, "33 дня", "33 года"),
    (35, "35 дней", "35 лет"),
])
def test_russian_nouns_agree_with_numbers(count: int, days: str, years: str) -> None:
    assert count_of(count, "day", "ru") == days
    assert count_of(count, "year", "ru") == years


def test_ahead_notice_wording() -> None:
    text = anniversary_ahead_text(Anniversary(TREATY, 33, dt.date(2025, 5, 15)), 7, title=TITLE, title_ru=TITLE_RU,
                                  event_uid="uid-1")
    assert text.title == "In 7 days: 33rd anniversary of the signing of the Collective Security Treaty (15 May 1992)"
    assert text.title_ru == ("Через 7 дней: 33-я годовщина подписания Договора о коллективной безопасности "
                             "(15 мая 1992 г.)")
    assert text.summary.startswith("Thursday, 15 May 2025, marks the 33rd anniversary")
    assert text.summary_ru.startswith("15 мая 2025 г. (четверг) — 33-я годовщина подписания")
    assert "jubilee" not in text.title + text.summary
    assert text.details == {
        "event_uid": "uid-1", "number": 33, "ordinal": "33rd", "ordinal_ru": "33-я", "jubilee": False,
        "anniversary_date": "2025-05-15", "original_date": "1992-05-15", "lead_days": 7, "due_date": "2025-05-08",
    }


def test_a_day_ahead_is_tomorrow() -> None:
    text = anniversary_ahead_text(Anniversary(TREATY, 33, dt.date(2025, 5, 15)), 1, title=TITLE, title_ru=TITLE_RU,
                                  event_uid="uid-1")
    assert text.title.startswith("Tomorrow: 33rd anniversary")
    assert text.title_ru.startswith("Завтра: 33-я годовщина")
    assert text.details["due_date"] == "2025-05-14"


def test_today_notice_wording() -> None:
    text = anniversary_today_text(Anniversary(TREATY, 33, dt.date(2025, 5, 15)), title=TITLE, title_ru=TITLE_RU,
                                  event_uid="uid-1")
    assert text.title == ("Today marks the 33rd anniversary of the signing of the Collective Security Treaty "
                          "(15 May 1992)")
    assert text.title_ru == "Сегодня 33-я годовщина подписания Договора о коллективной безопасности (15 мая 1992 г.)"
    assert text.details["lead_days"] == 0
    assert text.details["due_date"] == "2025-05-15"


def test_jubilees_are_called_out_in_both_languages() -> None:
    text = anniversary_today_text(Anniversary(TREATY, 35, dt.date(2027, 5, 15)), title=TITLE, title_ru=TITLE_RU,
                                  event_uid="uid-1")
    assert text.title == ("Today marks the 35th anniversary (jubilee) of the signing of the Collective Security "
                          "Treaty (15 May 1992)")
    assert "35-я годовщина (юбилей) подписания" in text.title_ru
    assert "It is a jubilee" in text.summary
    assert "35 лет" in text.summary_ru
    assert text.details["jubilee"] is True
