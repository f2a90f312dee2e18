"""The wording of anniversary notices, in English and Russian: plain functions over plain values.

The sweep (:mod:`calendar_service.notices.sweep`) stores what these return as the notice is issued;
the feeds show it as stored, so a notice reads the same in every feed, forever. The phrases are
the calendars' own (:mod:`.en`, :mod:`.ru`), so a notice and its calendar entry agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from calendar_service.anniversaries import Anniversary
from calendar_service.wording import en, ru
from calendar_service.wording.common import count_of, plain, sentence

__all__ = ["NoticeText", "anniversary_ahead_text", "anniversary_today_text"]


@dataclass(frozen=True)
class NoticeText:
    """What a notice says, as issued."""

    title: str
    title_ru: str
    summary: str
    summary_ru: str
    details: dict[str, Any]


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


def _jubilee_sentences(anniversary: Anniversary) -> tuple[str, str]:
    if not anniversary.is_jubilee:
        return "", ""
    return (f" It is a jubilee: a round {anniversary.number}-year anniversary.",
            f" Это юбилейная, круглая дата: {count_of(anniversary.number, 'year', 'ru')}.")


def _text(title: str, title_ru: str, summary: str, summary_ru: str, details: dict[str, Any]) -> NoticeText:
    # Each field was checked alone when stored; the composed text is made plain here once more.
    return NoticeText(plain(title), plain(title_ru), plain(summary), plain(summary_ru), details)


def anniversary_ahead_text(
    anniversary: Anniversary, lead: int, *, title: str, title_ru: str | None, event_uid: str
) -> NoticeText:
    """Word the notice issued ``lead`` days before an anniversary."""
    english = en.anniversary_phrase(anniversary, title)
    russian = ru.anniversary_phrase(anniversary, title_ru, title)
    day = anniversary.day
    when_en = "Tomorrow" if lead == 1 else f"In {count_of(lead, 'day', 'en')}"
    when_ru = "Завтра" if lead == 1 else f"Через {count_of(lead, 'day', 'ru')}"
    jubilee_en, jubilee_ru = _jubilee_sentences(anniversary)
    return _text(
        f"{when_en}: {english}",
        f"{when_ru}: {russian}",
        sentence(f"{en.weekday(day)}, {en.date(day)}, marks the {english}") + jubilee_en,
        sentence(f"{ru.date(day)} ({ru.weekday(day)}) — {russian}") + jubilee_ru,
        _details(anniversary, lead, day - dt.timedelta(days=lead), event_uid),
    )


def anniversary_today_text(
    anniversary: Anniversary, *, title: str, title_ru: str | None, event_uid: str
) -> NoticeText:
    """Word the notice issued on the day of an anniversary."""
    english = en.anniversary_phrase(anniversary, title)
    russian = ru.anniversary_phrase(anniversary, title_ru, title)
    day = anniversary.day
    jubilee_en, jubilee_ru = _jubilee_sentences(anniversary)
    return _text(
        f"Today marks the {english}",
        f"Сегодня {russian}",
        sentence(f"Today, {en.weekday(day)}, {en.date(day)}, marks the {english}") + jubilee_en,
        sentence(f"Сегодня, {ru.date(day)} ({ru.weekday(day)}), — {russian}") + jubilee_ru,
        _details(anniversary, 0, day, event_uid),
    )
