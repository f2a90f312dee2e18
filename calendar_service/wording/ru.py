"""Russian wording for ``lang=ru``: dates at their precision, places, bodies, descriptions, anniversaries.

Mirrors :mod:`calendar_service.wording.en`. Month names and plurals come from Babel, country names
from CLDR through Babel, city and body names from the gazetteer (:mod:`.names`), and the genitive
of an event's name (after «годовщина») from the pymorphy3 morphological dictionary. Where the
store holds no Russian text, a Russian one is built from the event's fields: nothing English is
shown where a Russian form exists.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING

import pycountry
from babel import Locale

from calendar_service.anniversaries import Anniversary
from calendar_service.dates import Precision
from calendar_service.russian import analyzer, has_cyrillic
from calendar_service.wording.common import count_of, format_day, format_period, sentence, weekday_name
from calendar_service.wording.names import NO_NAMES, RussianNames

if TYPE_CHECKING:
    import pymorphy3

    from calendar_service.models import Event
    from calendar_service.store.queries import EventFilter

__all__ = [
    "CATEGORIES",
    "STATUSES",
    "anniversary_description",
    "anniversary_phrase",
    "anniversary_title",
    "category_name",
    "country_name",
    "country_name_ru",
    "date",
    "describe_dates",
    "describe_day_ru",
    "describe_event",
    "describe_location",
    "describe_selection_ru",
    "event_name",
    "genitive",
    "status_name",
    "summary",
    "weekday",
]

LANG = "ru"
#: Category -> its Russian name, as the calendars' CATEGORIES and the built summaries write it.
CATEGORIES = {"meeting": "встреча", "consultation": "консультации", "training": "учения", "operation": "операция",
              "statement": "заявление", "milestone": "веха", "other": "событие",
              "anniversary": "годовщина", "jubilee": "юбилей"}
#: Status -> how a Russian text states it.
STATUSES = {"held": "состоялось", "planned": "запланировано", "postponed": "отложено", "cancelled": "отменено"}
_WORD = re.compile(r"\S+")
_DECLINED = {"NOUN", "ADJF", "PRTF"}
_LIKELY = 0.01


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """Return the Russian name of an ISO 3166-1 alpha-2 code (CLDR's, the code itself if unknown)."""
    if pycountry.countries.get(alpha_2=code) is None:
        return code
    return str(Locale.parse("ru").territories.get(code.upper(), code))


@functools.cache
def _cldr_cities() -> dict[str, str]:
    # CLDR names the exemplar city of every time zone in each language (Minsk -> Минск): the
    # capitals and big cities, for texts written where the gazetteer is not at hand.
    english, russian = Locale.parse("en").time_zones, Locale.parse("ru").time_zones
    cities = {}
    for zone, names in russian.items():
        city = names.get("city")
        if city:
            cities[english.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")] = str(city)
    return cities


def city_name(city: str, names: RussianNames = NO_NAMES) -> str:
    """Return the Russian name of a city: the gazetteer's, else CLDR's, else the name as stored."""
    found = names.get(city)
    return found if found != city else _cldr_cities().get(city, city)


def date(day: dt.date) -> str:
    """Write a day: «15 мая 1992 г.»."""
    return format_day(day, LANG)


def weekday(day: dt.date) -> str:
    return weekday_name(day, LANG)


def describe_dates(event: Event) -> str:
    """Write an event's dates in Russian, never more precisely than they are known."""
    return format_period(event.start_date, event.end_date, event.precision, LANG)


def describe_location(event: Event, names: RussianNames = NO_NAMES) -> str:
    """Return «Город, Страна» from whatever of the two is known ("" when neither is)."""
    return _place(event.city, event.country, names)


@functools.lru_cache(maxsize=4096)
def _place(city: str | None, country: str | None, names: RussianNames) -> str:
    parts = [part for part in (city_name(city, names) if city else None, country_name(country) if country else None)
             if part]
    return ", ".join(parts)


@functools.lru_cache(maxsize=4096)
def _country_names(codes: tuple[str, ...]) -> str:
    return ", ".join(country_name(code) for code in codes)


def is_russian(text: str | None) -> bool:
    """Tell whether ``text`` is written in Cyrillic (a quote from an English source is not)."""
    return has_cyrillic(text)


def title(event: Event) -> str:
    """Return the event's Russian title, or its English one when there is none."""
    return (event.title_ru or event.title).strip()


def category_name(category: str) -> str:
    """Name an event's category in Russian («встреча»)."""
    return CATEGORIES.get(category, CATEGORIES["other"])


def status_name(status: str) -> str:
    """Name an event's status in Russian («состоялось»)."""
    return STATUSES.get(status, status)


def summary(event: Event, names: RussianNames = NO_NAMES) -> str:
    """Return the Russian summary, or one built from the fields when none is stored."""
    if event.summary_ru and event.summary_ru.strip():
        return event.summary_ru.strip()
    kind, status = category_name(event.category), status_name(event.status)
    where = describe_location(event, names)
    text = f"{kind.capitalize()} ({status}): {title(event)}, {describe_dates(event)}"
    return sentence(text + (f", {where}" if where else ""))


def describe_event(event: Event, names: RussianNames = NO_NAMES) -> str:
    """Return the Russian description: the Russian summary (stored or built) and the facts."""
    when = f"Когда: {describe_dates(event)}"
    if event.is_year_inferred:
        when += " (год определён по дате публикации)"
    if Precision(event.precision) is not Precision.DAY:
        when += " — точный день неизвестен"
    facts = [when]
    where = describe_location(event, names)
    if where:
        facts.append(f"Где: {where}")
    if event.countries:
        facts.append("Страны: " + _country_names(tuple(event.countries)))
    if event.bodies:
        facts.append("Органы: " + ", ".join(names.get(body) for body in event.bodies))
    if is_russian(event.evidence):
        facts.append(f"Как сообщалось: «{event.evidence}»")
    if event.source_url:
        published = f", опубликовано {date(event.published_date)}" if event.published_date else ""
        facts.append(f"Источник: {event.source_url}{published}")
    return "\n\n".join([summary(event, names), "\n".join(facts)])


def _nominative(word: str) -> list[pymorphy3.analyzer.Parse]:
    # A reading the dictionary deems very unlikely («К» as an abbreviated noun) is no reading.
    found = []
    for parse in analyzer().parse(word):
        if parse.tag.POS not in _DECLINED or parse.tag.case != "nomn":
            continue
        if "Anum" in parse.tag or (parse.score >= _LIKELY and "Abbr" not in parse.tag):  # «40-е» is Abbr too
            found.append(parse)
    return found


def _is_clause(words: list[str]) -> bool:
    # «… Масадыков встретился с …» is a sentence, not a name: it has a finite verb.
    return any(analyzer().parse(word)[0].tag.POS == "VERB" for word in words)


def _recase(declined: str, original: str, *, first: bool) -> str:
    if original.isupper() and len(original) > 1:
        return declined.upper()
    if original[0].isupper() and not first:
        return declined[0].upper() + declined[1:]
    return declined


@functools.lru_cache(maxsize=1024)
def genitive(phrase: str) -> str | None:
    """Put a nominative noun phrase in the genitive: «Подписание Договора …» -> «подписания Договора …».

    The leading adjectives and their head noun decline (agreeing in number and gender), the
    complement after them is already in its own case and stays. Returns None when the phrase does
    not start with a nominative noun group (a sentence such as «Договору … придан статус …»).
    """
    words = _WORD.findall(phrase.strip())
    if not words or _is_clause(words):
        return None
    head_index = None
    for index, word in enumerate(words):
        parses = _nominative(word)
        if not parses:
            return None
        nouns = [parse for parse in parses if parse.tag.POS == "NOUN"]
        if nouns and not (index == 0 and len(words) > 1 and _adjective_first(parses)):
            head_index = index
            break
    if head_index is None:
        return None
    head = _nominative(words[head_index])
    noun = next(parse for parse in head if parse.tag.POS == "NOUN")
    number, gender = noun.tag.number, noun.tag.gender
    declined = []
    for index, word in enumerate(words[:head_index + 1]):
        if index == head_index:
            form = noun.inflect({"gent", number}) if number else noun.inflect({"gent"})
        else:
            agreeing = [parse for parse in _nominative(word) if parse.tag.POS != "NOUN"
                        and parse.tag.number == number and (number == "plur" or parse.tag.gender == gender)]
            form = agreeing[0].inflect({"gent", number} | ({gender} if number == "sing" and gender else set())) \
                if agreeing else None
        if form is None:
            return None
        declined.append(_recase(form.word, word, first=index == 0))
    return " ".join([*declined, *words[head_index + 1:]])


def _adjective_first(parses: list[pymorphy3.analyzer.Parse]) -> bool:
    # «Совместные учения»: the first word reads as an adjective rather than a noun.
    return parses[0].tag.POS in {"ADJF", "PRTF"}


def event_name(title_ru: str | None, title_en: str) -> str:
    """Return the event's name as it reads after «годовщина»: in the genitive where it declines.

    «Подписание Договора о коллективной безопасности» -> «подписания Договора о коллективной
    безопасности»; a title that is no noun phrase is quoted after «события», which needs no
    declension; without a Russian title the English one is quoted.
    """
    if not title_ru or not title_ru.strip():
        return f"события «{title_en.strip()}»"
    declined = genitive(title_ru.strip())
    return declined if declined else f"события «{title_ru.strip()}»"


def anniversary_phrase(anniversary: Anniversary, title_ru: str | None, title_en: str) -> str:
    """Return «32-я годовщина (юбилей) подписания … (15 мая 1992 г.)»."""
    jubilee = " (юбилей)" if anniversary.is_jubilee else ""
    return (f"{anniversary.ordinal_ru} годовщина{jubilee} {event_name(title_ru, title_en)} "
            f"({date(anniversary.original)})")


def anniversary_title(anniversary: Anniversary, title_ru: str | None, title_en: str) -> str:
    """Return the calendar title of an anniversary: «31-я годовщина подписания Договора …»."""
    jubilee = " (юбилей)" if anniversary.is_jubilee else ""
    return f"{anniversary.ordinal_ru} годовщина {event_name(title_ru, title_en)}{jubilee}"


def anniversary_description(anniversary: Anniversary, title_ru: str | None, title_en: str) -> str:
    """Describe one anniversary, and that anniversary only (never the source's own year)."""
    kind = "юбилей, " if anniversary.is_jubilee else ""
    day = anniversary.day
    return sentence(f"{date(day)} ({weekday(day)}) — {anniversary.ordinal_ru} годовщина "
                    f"({kind}{count_of(anniversary.number, 'year', LANG)}) {event_name(title_ru, title_en)} "
                    f"({date(anniversary.original)})")


#: The name other modules know the Russian country names by.
country_name_ru = country_name
_CATEGORY_PLURALS = {"meeting": "заседания", "consultation": "консультации", "training": "учения",
                     "operation": "операции", "statement": "заявления", "milestone": "знаковые события",
                     "other": "другие события"}
_STATUSES_PLURAL = {"held": "состоявшиеся", "planned": "запланированные", "postponed": "перенесённые",
                    "cancelled": "отменённые"}


def describe_day_ru(day: dt.date) -> str:
    """Write a day in Russian: «15 мая 1992 г.»."""
    return date(day)


def describe_selection_ru(where: EventFilter, names: RussianNames = NO_NAMES) -> list[str]:
    """Name in Russian what a filter keeps, one phrase per key: ["заседания", "Казахстан"]."""
    parts = []
    if where.categories:
        parts.append(" и ".join(_CATEGORY_PLURALS.get(value, value) for value in where.categories))
    if where.countries:
        parts.append(" или ".join(country_name(code) for code in where.countries))
    if where.bodies:
        parts.append(" или ".join(names.get(body) for body in where.bodies))
    if where.statuses:
        parts.append(" и ".join(_STATUSES_PLURAL.get(value, value) for value in where.statuses))
    if where.start and where.end:
        parts.append(f"с {describe_day_ru(where.start)} по {describe_day_ru(where.end)}")
    elif where.start:
        parts.append(f"с {describe_day_ru(where.start)}")
    elif where.end:
        parts.append(f"по {describe_day_ru(where.end)}")
    return parts
