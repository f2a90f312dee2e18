"""Words that make dates: month and weekday names in English and Russian, ordinal words.

Extraction step "date finding" builds its grammar (:mod:`.grammar`) from these. Month and weekday
names come from dateparser's own locale data, so its spellings ("Sept", "сент.") are ours too; added
by hand is only what that data lacks, each with a test in ``tests/extract/test_vocabulary.py``:
the Russian prepositional case ("в январе", dateparser reads "в январе 2022 года" as the year 3) and
the number words of anniversaries ("thirtieth", "тридцатилетие").
"""

from __future__ import annotations

import functools
import re

from dateparser.languages.loader import default_loader

__all__ = [
    "MONTHS",
    "ORDINAL_WORDS",
    "RELATIVE_YEARS",
    "RU_ANNIVERSARY_WORDS",
    "WEEKDAYS",
    "month_number",
    "month_pattern",
    "weekday_number",
    "weekday_pattern",
]

_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Forms dateparser's Russian data lacks: the prepositional case, as in "в январе".
_RU_PREPOSITIONAL = (
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
)
#: Russian month names of four letters or fewer that are whole words, not abbreviations.
_RU_SHORT_NAMES = frozenset({"май", "мая", "мае", "март", "июнь", "июня", "июне", "июль", "июля", "июле"})
#: Forms dateparser's data lacks: the accusative of weekdays, as in "в пятницу" (some it has).
_RU_WEEKDAY_EXTRA = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")


def _locale_words(language: str, keys: tuple[str, ...]) -> dict[str, int]:
    info = default_loader.get_locale(language).info
    return {str(word).lower(): number for number, key in enumerate(keys, start=1) for word in info[key]}


def _build_months() -> dict[str, int]:
    months = _locale_words("en", _MONTH_KEYS) | _locale_words("ru", _MONTH_KEYS)
    months.update({word: number for number, word in enumerate(_RU_PREPOSITIONAL, start=1)})
    return months


def _build_weekdays() -> dict[str, int]:
    weekdays = _locale_words("en", _WEEKDAY_KEYS) | _locale_words("ru", _WEEKDAY_KEYS)
    weekdays.update({word: number for number, word in enumerate(_RU_WEEKDAY_EXTRA, start=1)})
    # Two- and three-letter abbreviations ("we", "th", "ср") are ordinary words in running text.
    return {word: number for word, number in weekdays.items() if len(word) >= 5}


#: Month name (lower case, without a final dot) -> month number.
MONTHS: dict[str, int] = _build_months()
#: Weekday name (lower case) -> ISO weekday number (Monday is 1).
WEEKDAYS: dict[str, int] = _build_weekdays()

_ORDINAL_TEXT = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
_ORDINALS = _ORDINAL_TEXT.split()
#: English ordinal words of anniversaries -> their number.
_TENS_TEXT = "thirtieth fortieth fiftieth sixtieth seventieth eightieth"
ORDINAL_WORDS: dict[str, int] = {word: number for number, word in enumerate(_ORDINALS, start=1)} | {
    word: 30 + 10 * index for index, word in enumerate(_TENS_TEXT.split())
}

#: Words that place a year against the text's own: "this year" 0, "next year" 1, "в прошлом году" -1.
RELATIVE_YEARS: dict[str, int] = (
    dict.fromkeys(
        (
            "this",
            "the",
            "current",
            "the current",
            "этом",
            "текущем",
            "нынешнем",
            "уходящем",
            "этого",
            "текущего",
            "нынешнего",
            "сего",
            "с. г.",
            "с.г.",
        ),
        0,
    )
    | dict.fromkeys(
        (
            "next",
            "the next",
            "coming",
            "the coming",
            "следующем",
            "будущем",
            "наступающем",
            "следующего",
            "будущего",
        ),
        1,
    )
    | dict.fromkeys(("last", "the past", "previous", "the previous", "прошлом", "минувшем", "прошлого"), -1)
)

#: Russian "N-летие" written as a word, by its stem: "тридцатилетие" -> 30.
RU_ANNIVERSARY_WORDS: dict[str, int] = {
    "пяти": 5,
    "десяти": 10,
    "пятнадцати": 15,
    "двадцати": 20,
    "двадцатипяти": 25,
    "тридцати": 30,
    "тридцатипяти": 35,
    "сорока": 40,
    "пятидесяти": 50,
    "шестидесяти": 60,
    "семидесяти": 70,
    "восьмидесяти": 80,
}


def month_number(word: str) -> int | None:
    """Return the month a name stands for (``"Dec."`` -> 12, ``"декабре"`` -> 12), else None."""
    return MONTHS.get(word.lower().rstrip("."))


def weekday_number(word: str) -> int | None:
    """Return the ISO weekday a name stands for, else None."""
    return WEEKDAYS.get(word.lower())


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@functools.cache
def month_pattern() -> str:
    """Return a regular expression (no groups) for a month name in either language.

    English names must start with a capital ("may" is a verb); abbreviations ("Dec") may end in a dot.
    Russian names are matched in any case; their abbreviations only with a dot ("дек.").
    """
    english = [word for word in MONTHS if word.isascii()]
    russian = [word for word in MONTHS if not word.isascii()]
    short_en = [word for word in english if len(word) <= 4 and word not in {"may", "june", "july"}]
    full_en = [word for word in english if word not in short_en]
    full_en = [word.capitalize() for word in full_en] + [word.upper() for word in full_en]
    short_en = [word.capitalize() for word in short_en]
    full_ru = [word for word in russian if len(word) >= 5 or word in _RU_SHORT_NAMES]
    abbreviations_ru = [word for word in russian if word not in full_ru]
    return (
        rf"(?<![\w])(?:(?:{_alternation(full_en)})(?![\w])|(?:{_alternation(short_en)})(?:\.|(?![\w]))"
        rf"|(?i:(?:{_alternation(full_ru)})(?![\w])|(?:{_alternation(abbreviations_ru)})\.))"
    )


@functools.cache
def weekday_pattern() -> str:
    """Return a regular expression (no groups) for a weekday name in either language."""
    names = [word.capitalize() for word in WEEKDAYS] + list(WEEKDAYS)
    return rf"(?<![\w])(?:{_alternation(names)})(?![\w])"
