"""The wording of anniversary notices, in English and Russian: plain functions over plain values.

The sweep (:mod:`calendar_service.notices.sweep`) stores what these return as the notice is issued;
the feeds show it as stored, so a notice reads the same in every feed, forever.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from calendar_service.anniversaries import Anniversary

__all__ = ["NoticeText", "anniversary_ahead_text", "anniversary_today_text", "event_name_en", "event_name_ru"]

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
#: Month names in the genitive, as a Russian date writes them ("15 мая 1992 г.").
_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_RU = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")

#: "Signing of the Treaty", "Entry into force of the Charter": a verbal noun (with any lower-case words
#: after it) heading an "of" phrase.
_NOUN_OF_EN = re.compile(r"^(?:The\s+)?([A-Z][a-z]+(?:\s+[a-z]+)*?)(\s+of\s+.+)$")
#: "Подписание Договора …", "Создание …", "Открытие …": a verbal noun in -ние/-тие (nominative).
_VERBAL_NOUN_RU = re.compile(r"^([А-ЯЁ][а-яё]*[нт])ие(\s+.+)$")


@dataclass(frozen=True)
class NoticeText:
    """What a notice says, as issued."""

    title: str
    title_ru: str
    summary: str
    summary_ru: str
    details: dict[str, Any]


def date_en(day: dt.date) -> str:
    """Write a date the English way: 15 May 1992."""
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def date_ru(day: dt.date) -> str:
    """Write a date the Russian way: 15 мая 1992 г."""
    return f"{day.day} {_MONTHS_RU[day.month - 1]} {day.year} г."


def _plural_ru(count: int, one: str, few: str, many: str) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} {one}"
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return f"{count} {few}"
    return f"{count} {many}"


def days_ru(count: int) -> str:
    """Return "N день/дня/дней" with the noun agreeing with the number."""
    return _plural_ru(count, "день", "дня", "дней")


def years_ru(count: int) -> str:
    """Return "N год/года/лет" with the noun agreeing with the number."""
    return _plural_ru(count, "год", "года", "лет")


def event_name_en(title: str) -> str:
    """Return the event's name as it reads after "anniversary of".

    "Signing of the Collective Security Treaty" becomes "the signing of the Collective Security
    Treaty"; a title of another shape is quoted as it is.
    """
    match = _NOUN_OF_EN.match(title.strip())
    if match:
        return f"the {match[1].lower()}{match[2]}"
    return f"“{title.strip()}”"


def event_name_ru(title_ru: str | None, title: str) -> str:
    """Return the event's name in the genitive, as it reads after «годовщина».

    The common title "Подписание X" (a verbal noun in -ние/-тие, nominative) becomes "подписания
    X": only the head noun declines, its complement is already in the genitive. Any other title is
    quoted («…») after «события», which needs no declension; without a Russian title the English
    one is quoted.
    """
    if not title_ru or not title_ru.strip():
        return f"события «{title.strip()}»"
    match = _VERBAL_NOUN_RU.match(title_ru.strip())
    if match:
        head = match[1]
        return f"{head[0].lower()}{head[1:]}ия{match[2]}"
    return f"события «{title_ru.strip()}»"


def _details(anniversary: Anniversary, lead: int, due: dt.date, event_uid: str) -> dict[str, Any]:
    return {
        "event_uid": event_uid,
        "number": anniversary.number,
        "ordinal": anniversary.ordinal_en,
        "ordinal_ru": anniversary.ordinal_ru,
        "jubilee": anniversary.is_jubilee,
        "anniversary_date": anniversary.day.isoformat(),
        "original_date": anniversary.original.isoformat(),
        "lead_days": lead,
        "due_date": due.isoformat(),
    }


def _phrases(anniversary: Anniversary, title: str, title_ru: str | None) -> tuple[str, str]:
    jubilee_en = " (jubilee)" if anniversary.is_jubilee else ""
    jubilee_ru = " (юбилей)" if anniversary.is_jubilee else ""
    english = (f"{anniversary.ordinal_en} anniversary{jubilee_en} of {event_name_en(title)} "
               f"({date_en(anniversary.original)})")
    russian = (f"{anniversary.ordinal_ru} годовщина{jubilee_ru} {event_name_ru(title_ru, title)} "
               f"({date_ru(anniversary.original)})")
    return english, russian


def _jubilee_sentences(anniversary: Anniversary) -> tuple[str, str]:
    if not anniversary.is_jubilee:
        return "", ""
    return (f" It is a jubilee: a round {anniversary.number}-year anniversary.",
            f" Это юбилейная, круглая дата: {years_ru(anniversary.number)}.")


def anniversary_ahead_text(
    anniversary: Anniversary, lead: int, *, title: str, title_ru: str | None, event_uid: str
) -> NoticeText:
    """Word the notice issued ``lead`` days before an anniversary."""
    english, russian = _phrases(anniversary, title, title_ru)
    day = anniversary.day
    when_en = "Tomorrow" if lead == 1 else f"In {lead} days"
    when_ru = "Завтра" if lead == 1 else f"Через {days_ru(lead)}"
    jubilee_en, jubilee_ru = _jubilee_sentences(anniversary)
    return NoticeText(
        title=f"{when_en}: {english}",
        title_ru=f"{when_ru}: {russian}",
        summary=(f"{_WEEKDAYS_EN[day.weekday()]}, {date_en(day)}, marks the {english}.{jubilee_en}"),
        summary_ru=(f"{date_ru(day)} ({_WEEKDAYS_RU[day.weekday()]}) — {russian}.{jubilee_ru}"),
        details=_details(anniversary, lead, day - dt.timedelta(days=lead), event_uid),
    )


def anniversary_today_text(
    anniversary: Anniversary, *, title: str, title_ru: str | None, event_uid: str
) -> NoticeText:
    """Word the notice issued on the day of an anniversary."""
    english, russian = _phrases(anniversary, title, title_ru)
    day = anniversary.day
    jubilee_en, jubilee_ru = _jubilee_sentences(anniversary)
    return NoticeText(
        title=f"Today marks the {english}",
        title_ru=f"Сегодня {russian}",
        summary=f"Today, {_WEEKDAYS_EN[day.weekday()]}, {date_en(day)}, marks the {english}.{jubilee_en}",
        summary_ru=f"Сегодня, {date_ru(day)} ({_WEEKDAYS_RU[day.weekday()]}), — {russian}.{jubilee_ru}",
        details=_details(anniversary, 0, day, event_uid),
    )
