"""Russian wording for the calendars' ``lang=ru``: dates at their precision, places, descriptions.

Mirrors :mod:`calendar_service.wording.en`; country names come from the Russian ISO 3166
translations that ship with ``pycountry``. Body names and cities stay as the store holds them.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from typing import TYPE_CHECKING

import pycountry

from calendar_service.dates import Precision
from calendar_service.models import Event
from calendar_service.wording.en import format_period

if TYPE_CHECKING:
    from calendar_service.store.queries import EventFilter

__all__ = ["country_name_ru", "describe_dates_ru", "describe_day_ru", "describe_event_ru", "describe_location_ru",
           "describe_selection_ru"]

_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря")
_NOMINATIVE = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
               "ноябрь", "декабрь")


@functools.lru_cache(maxsize=1)
def _translation() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"], fallback=True)


@functools.lru_cache(maxsize=512)
def country_name_ru(code: str) -> str:
    """Return the Russian name of an ISO 3166-1 alpha-2 code (the code itself if unknown)."""
    country = pycountry.countries.get(alpha_2=code)
    return code if country is None else _translation().gettext(country.name)


def describe_dates_ru(event: Event) -> str:
    """Write an event's dates in Russian, never more precisely than they are known."""
    return format_period(event, month_names=_NOMINATIVE, day_month_names=_GENITIVE)


def describe_location_ru(event: Event) -> str:
    """Return "Город, Страна" from whatever of the two is known ("" when neither is)."""
    parts = [part for part in (event.city, country_name_ru(event.country) if event.country else None) if part]
    return ", ".join(parts)


def describe_event_ru(event: Event) -> str:
    """Return the Russian description: the Russian summary (or the English one) and the facts."""
    summary = (event.summary_ru or event.summary).strip()
    lines = [summary] if summary else []
    when = f"Когда: {describe_dates_ru(event)}"
    if event.is_year_inferred:
        when += " (год определён по дате публикации)"
    if Precision(event.precision) is not Precision.DAY:
        when += " — точный день неизвестен"
    facts = [when]
    where = describe_location_ru(event)
    if where:
        facts.append(f"Где: {where}")
    if event.countries:
        facts.append("Страны: " + ", ".join(country_name_ru(code) for code in event.countries))
    if event.bodies:
        facts.append("Органы: " + ", ".join(event.bodies))
    if event.evidence:
        facts.append(f"Как сообщалось: «{event.evidence}»")
    if event.source_url:
        published = f", опубликовано {event.published_date.isoformat()}" if event.published_date else ""
        facts.append(f"Источник: {event.source_url}{published}")
    return "\n\n".join([*lines, "\n".join(facts)])


_CATEGORY_PLURALS = {"meeting": "заседания", "consultation": "консультации", "training": "учения",
                     "operation": "операции", "statement": "заявления", "milestone": "знаковые события",
                     "other": "другие события"}
_STATUSES = {"held": "состоявшиеся", "planned": "запланированные", "postponed": "перенесённые",
             "cancelled": "отменённые"}


def describe_day_ru(day: dt.date) -> str:
    """Write a day in Russian: «15 мая 1992 г.»."""
    return f"{day.day} {_GENITIVE[day.month - 1]} {day.year} г."


def describe_selection_ru(where: EventFilter) -> list[str]:
    """Name in Russian what a filter keeps, one phrase per key: ["заседания", "Казахстан"]."""
    parts = []
    if where.categories:
        parts.append(" и ".join(_CATEGORY_PLURALS.get(value, value) for value in where.categories))
    if where.countries:
        parts.append(" или ".join(country_name_ru(code) for code in where.countries))
    if where.bodies:
        parts.append(" или ".join(where.bodies))
    if where.statuses:
        parts.append(" и ".join(_STATUSES.get(value, value) for value in where.statuses))
    if where.start and where.end:
        parts.append(f"с {describe_day_ru(where.start)} по {describe_day_ru(where.end)}")
    elif where.start:
        parts.append(f"с {describe_day_ru(where.start)}")
    elif where.end:
        parts.append(f"по {describe_day_ru(where.end)}")
    return parts
