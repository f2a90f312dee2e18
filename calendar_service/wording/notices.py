"""The wording of every notice, in English and Russian: announced, changed and anniversary notices.

:mod:`calendar_service.notices.issue` and the sweep (:mod:`calendar_service.notices.sweep`) decide
*what* happened and store what these functions return as the notice is issued; the feeds show it as
stored, so a notice reads the same in every feed, forever. The phrases are the calendars' own
(:mod:`.en`, :mod:`.ru`), so a notice and its calendar entry agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from calendar_service.anniversaries import Anniversary
from calendar_service.wording import en, ru
from calendar_service.wording.common import count_of, plain, sentence

__all__ = [
    "HEADLINES",
    "Change",
    "NoticeText",
    "anniversary_ahead_text",
    "anniversary_today_text",
    "announced_text",
    "changed_text",
    "fit_title",
]

#: Length of the notices' title columns.
MAX_NOTICE_TITLE = 1000

#: What a change notice leads with -> (English, Russian) headline word.
HEADLINES = {
    "cancelled": ("Cancelled", "Отменено"),
    "postponed": ("Postponed", "Отложено"),
    "held": ("Held", "Состоялось"),
    "planned": ("Planned", "Запланировано"),
    "date_set": ("Date set", "Дата уточнена"),
    "rescheduled": ("Rescheduled", "Перенесено"),
    "moved": ("Moved", "Изменено место"),
    "reinstated": ("Reinstated", "Возобновлено"),
}


@dataclass(frozen=True)
class Change:
    """One newsworthy change of an event: its dates, place or status, worded in both languages.

    ``was``/``now`` are the worded values (dates and places already written at their precision);
    for a status they are the status names themselves.
    """

    field: str
    was: str
    now: str
    was_ru: str = ""
    now_ru: str = ""

    def as_details(self) -> dict[str, str]:
        """The change as the notice's details keep it."""
        found = {"field": self.field, "now": self.now, "was": self.was}
        if self.field != "status":
            found |= {"now_ru": self.now_ru, "was_ru": self.was_ru}
        return found


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


def fit_title(title: str) -> str:
    """Make a composed title plain and cut it to the notices' title column, saying so with "…"."""
    # Each field was checked alone; the composed title is made plain, so no two fields form a tag.
    # A 500-character event title plus two long places can outgrow the column.
    title = plain(title)
    return title if len(title) <= MAX_NOTICE_TITLE else title[: MAX_NOTICE_TITLE - 1].rstrip() + "…"


def _join(*parts: str) -> str:
    return plain(" ".join(part.strip() for part in parts if part and part.strip()))


def _text(title: str, title_ru: str, summary: str, summary_ru: str, details: dict[str, Any]) -> NoticeText:
    # Each field was checked alone when stored; the composed text is made plain here once more.
    return NoticeText(fit_title(title), fit_title(title_ru), plain(summary), plain(summary_ru), details)


def announced_text(*, title: str, title_ru: str, summary: str, summary_ru: str, dates: str, dates_ru: str,
                   place: str, place_ru: str, details: dict[str, Any]) -> NoticeText:
    """Word the notice of a newly stored event: "Title (dates, place)" and the dates before its summary."""
    where = f", {place}" if place else ""
    where_ru = f", {place_ru}" if place_ru else ""
    return _text(f"{title.strip()} ({dates}{where})", f"{title_ru.strip()} ({dates_ru}{where_ru})",
                 _join(sentence(f"{dates}{where}"), summary), _join(sentence(f"{dates_ru}{where_ru}"), summary_ru),
                 details)


def _change_line(change: Change) -> str:
    label = {"dates": "Dates", "place": "Place", "status": "Status"}[change.field]
    return sentence(f"{label}: now {change.now}, was {change.was}")


def _change_line_ru(change: Change) -> str:
    if change.field == "status":
        now, was = ru.STATUSES.get(change.now, change.now), ru.STATUSES.get(change.was, change.was)
        return sentence(f"Статус: теперь {now}, ранее {was}")
    label = {"dates": "Даты", "place": "Место"}[change.field]
    return sentence(f"{label}: теперь {change.now_ru}, ранее {change.was_ru}")


def changed_text(headline: str, changes: list[Change], *, title: str, title_ru: str, dates: str, dates_ru: str,
                 details: dict[str, Any]) -> NoticeText:
    """Word the notice of a newsworthy change: "Rescheduled: Title, now …, was …" and one line per change.

    ``headline`` is a key of :data:`HEADLINES`; the first of ``changes`` is the one the title tells;
    ``dates`` are the event's dates now, named when the title tells a change of status.
    """
    word, word_ru = HEADLINES[headline]
    main = changes[0]
    if main.field == "status":
        tail, tail_ru = f" ({dates})", f" ({dates_ru})"
    elif main.field == "dates":
        tail, tail_ru = f", now {main.now}, was {main.was}", f", теперь {main.now_ru}, ранее {main.was_ru}"
    else:
        tail, tail_ru = f", now in {main.now}, was {main.was}", f", теперь {main.now_ru}, ранее {main.was_ru}"
    return _text(f"{word}: {title.strip()}{tail}", f"{word_ru}: {title_ru.strip()}{tail_ru}",
                 _join(*map(_change_line, changes)), _join(*map(_change_line_ru, changes)),
                 {**details, "changes": [change.as_details() for change in changes]})


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
