"""One language's words about events, for the pages: :mod:`.en` or :mod:`.ru` behind one interface.

The pages speak of an event exactly as the calendars and feeds of the same language do (dates at
their precision, places, bodies, statuses, anniversaries); this module only picks the language's
function, so a template asks ``voice.dates(event)`` and never which language it is in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.dates import get_day_names, get_timezone_name

from calendar_service.anniversaries import Anniversary
from calendar_service.dates import Precision
from calendar_service.wording import en, ru
from calendar_service.wording.common import babel_locale, format_day, format_period, month_name
from calendar_service.wording.names import NO_NAMES, RussianNames

if TYPE_CHECKING:
    from calendar_service.models import Event, Notice

__all__ = ["Voice"]

#: How an approximate date is qualified: "May–June 2024, dates to be confirmed".
_TO_BE_CONFIRMED = {"en": "dates to be confirmed", "ru": "даты уточняются"}
_YEAR_INFERRED = {"en": "year inferred from the publication date", "ru": "год определён по дате публикации"}


@dataclass(frozen=True)
class Voice:
    """The words of one language (``en`` or ``ru``); ``names`` are the gazetteer's Russian names."""

    lang: str
    names: RussianNames = NO_NAMES

    @property
    def is_russian(self) -> bool:
        return self.lang == "ru"

    def title(self, event: Event) -> str:
        return ru.title(event) if self.is_russian else event.title

    def other_title(self, event: Event) -> str | None:
        """Return the title in the other language, when the store holds a different one."""
        if self.is_russian:
            return event.title if event.title_ru and event.title_ru.strip() != event.title.strip() else None
        return event.title_ru or None

    def summary(self, event: Event) -> str:
        return ru.summary(event, self.names) if self.is_russian else event.summary

    def dates(self, event: Event) -> str:
        """Write the event's dates at their precision: "May–June 2024", «15 мая 2025 г.»."""
        return ru.describe_dates(event) if self.is_russian else en.describe_dates(event)

    def is_approximate(self, event: Event) -> bool:
        return Precision(event.precision) is not Precision.DAY

    def dates_qualified(self, event: Event) -> str:
        """Write the dates, saying so when they are approximate: "May–June 2024, dates to be confirmed"."""
        text = self.dates(event)
        if self.is_approximate(event):
            text += ", " + _TO_BE_CONFIRMED[self.lang]
        if event.is_year_inferred:
            text += f" ({_YEAR_INFERRED[self.lang]})"
        return text

    def times(self, event: Event) -> str | None:
        """Write the event's hours and time zone ("10:00–12:30, Moscow Standard Time"), None if untimed."""
        if event.start_time is None:
            return None
        hours = event.start_time.strftime("%H:%M")
        if event.end_time is not None:
            hours += "–" + event.end_time.strftime("%H:%M")
        zone = get_timezone_name(event.timezone, width="long", locale=babel_locale(self.lang))
        return f"{hours}, {zone}"

    def place(self, event: Event) -> str:
        return ru.describe_location(event, self.names) if self.is_russian else en.describe_location(event)

    def status(self, status: str) -> str:
        return ru.status_name(status) if self.is_russian else en.status_name(status)

    def category(self, category: str) -> str:
        return ru.category_name(category) if self.is_russian else en.category_name(category)

    def country(self, code: str) -> str:
        return ru.country_name(code) if self.is_russian else en.country_name(code)

    def body(self, name: str) -> str:
        return self.names.get(name) if self.is_russian else name

    def day(self, day: dt.date) -> str:
        """Write a day: "15 May 2025", «15 мая 2025 г.»."""
        return format_day(day, self.lang)

    def month(self, year: int, month: int) -> str:
        """Name a month of a year on its own: "December 2024", «декабрь 2024 г.»."""
        first = dt.date(year, month, 1)
        return format_period(first, first, Precision.MONTH, self.lang)

    def month_name(self, month: int) -> str:
        return month_name(month, self.lang, after_day=False)

    def weekdays(self) -> list[tuple[str, str]]:
        """Return (abbreviated, wide) weekday names from Monday."""
        short = get_day_names("abbreviated", "stand-alone", babel_locale(self.lang))
        wide = get_day_names("wide", "stand-alone", babel_locale(self.lang))
        return [(str(short[index]), str(wide[index])) for index in range(7)]

    def anniversary_title(self, anniversary: Anniversary, event: Event) -> str:
        """Return "32nd anniversary of the signing of …", «32-я годовщина подписания …»."""
        if self.is_russian:
            return ru.anniversary_title(anniversary, event.title_ru, event.title)
        return en.anniversary_title(anniversary, event.title)

    def ordinal(self, anniversary: Anniversary) -> str:
        return anniversary.ordinal_ru if self.is_russian else anniversary.ordinal_en

    def notice_title(self, notice: Notice) -> str:
        return (notice.title_ru or notice.title) if self.is_russian else notice.title
