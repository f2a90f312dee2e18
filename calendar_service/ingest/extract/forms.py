"""The date forms: regular expressions for every way the news writes a date, English and Russian.

Extraction step "date finding": this module says what dates look like; :mod:`.grammar` says what the
named groups of each form mean. Groups: ``d1``/``d2`` days, ``m1``/``m2`` month names, ``n1``/``n2``
month numbers, ``y1``/``y2`` years, ``ry1``/``ry2`` and ``rel`` relative years ("this year"),
``wd`` a weekday, ``dl`` a list of days, ``pre`` a preposition, ``part`` early/late/end of,
``ord`` and ``unit`` a half or quarter, ``season``; ``rd`` a day named against the text's own
("yesterday", "вчера"), ``dir`` a direction ("last", "прошлую"), ``rw``/``rm`` a week or month
named against the text's own ("last week", "в этом месяце"). Hyphens, en dashes, em dashes and minus signs
are all dashes.
"""

from __future__ import annotations

import re

from calendar_service.ingest.extract.vocabulary import month_pattern, weekday_pattern

__all__ = ["FORMS", "HINT", "NEEDLES"]

_M = month_pattern()
_WD = weekday_pattern()
_DASH = r"\s*[-‐‑‒–—―−]\s*"
_WD_GENITIVE = r"(?:понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья)"
_DAY_RANGE_WORD = r"\s+(?:to|till|until|through|thru|and|по|и|до)\s+"
_FROM = r"(?:(?<![\w])(?:[Ff]rom|[Bb]etween|[Сс]|[Сс]о)\s+)?"
_SUFFIX = r"(?:-?(?:м|го))?(?:\s*(?:годах|годы|года|году|год|гг\.|г\.|г(?![\w])))?"


def _day(name: str) -> str:
    return rf"(?<![\d.,/])(?P<{name}>[0-3]?\d)(?:st|nd|rd|th|-?го|-е)?(?![\d])"


def _year(name: str) -> str:
    return rf"(?<![\w-])(?P<{name}>(?:1[89]|20)\d\d)(?![\d])" + _SUFFIX


def _year_or_relative(number: str) -> str:
    relative = (
        r"(?:of\s+)?(?:this|next|last)\s+year|(?:этого|текущего|нынешнего|следующего|будущего"
        r"|прошлого|сего)\s+года|с\.\s?г\."
    )
    return rf"(?:,?\s+(?:{_year('y' + number)}|(?P<ry{number}>{relative})))?"


def _month(name: str) -> str:
    return rf"(?P<{name}>{_M})"


_PATTERNS: dict[str, str] = {
    "day_range_across": (
        rf"{_FROM}{_day('d1')}\s+(?:of\s+)?{_month('m1')}(?:,?\s+{_year('y1')})?"
        rf"(?:{_DASH}|{_DAY_RANGE_WORD}){_day('d2')}\s+(?:of\s+)?{_month('m2')}{_year_or_relative('2')}"
    ),
    "day_list": (
        rf"(?<![\d.])(?P<dl>[0-3]?\d(?:\s*,\s*[0-3]?\d)+),?\s+(?:and|и)\s+{_day('d2')}\s+{_month('m1')}"
        rf"{_year_or_relative('2')}"
    ),
    "day_range": (
        rf"{_FROM}{_day('d1')}(?:{_DASH}|{_DAY_RANGE_WORD}){_day('d2')}\s+(?:of\s+)?{_month('m1')}"
        rf"{_year_or_relative('2')}"
    ),
    "us_range": (
        rf"{_FROM}{_month('m1')}\s+{_day('d1')}(?:{_DASH}|{_DAY_RANGE_WORD})(?:{_month('m2')}\s+)?"
        rf"{_day('d2')}(?:(?:,\s*|\s+){_year('y2')})?"
    ),
    "us_day": (
        rf"(?:(?P<wd>{_WD}),?\s+)?{_month('m1')}\s+{_day('d1')}(?:(?:,\s*|\s+){_year('y1')}"
        r"|\s+(?P<ry1>(?:of\s+)?(?:this|next|last)\s+year))?"
    ),
    "day": (
        rf"(?:(?P<wd>{_WD}),?\s+)?(?:the\s+)?{_day('d1')}\s+(?:of\s+)?{_month('m1')}"
        rf"{_year_or_relative('1')}"
    ),
    "numeric": (
        rf"(?<![\d.])(?P<d1>[0-3]?\d)\.(?P<n1>[01]?\d)(?:{_DASH}(?P<d2>[0-3]?\d)\.(?P<n2>[01]?\d))?"
        rf"\.(?P<y1>(?:19|20)\d\d)(?:\s*(?:года|г\.|г(?![\w])))?"
    ),
    "numeric_range": (
        rf"(?<![\d.])(?P<d1>[0-3]?\d){_DASH}(?P<d2>[0-3]?\d)\.(?P<n1>[01]?\d)\.(?P<y1>(?:19|20)\d\d)"
        rf"(?:\s*(?:года|г\.|г(?![\w])))?"
    ),
    "iso": r"(?<![\d-])(?P<y1>(?:19|20)\d\d)-(?P<n1>[01]\d)-(?P<d1>[0-3]\d)(?![\d])",
    "month_range": (
        rf"(?:(?<![\w])(?P<pre>[Ii]n|[Dd]uring|[Ff]rom|[Bb]etween|[Ff]or|[вВ]|[вВ]о|[сС]|[нН]а)\s+)?{_month('m1')}"
        rf"(?:\s+{_year('y1')})?(?:{_DASH}|\s+(?:to|and|through|по|и|до)\s+){_month('m2')}{_year_or_relative('2')}"
    ),
    "month": (
        rf"(?:(?<![\w])(?P<pre>[Ii]n|[Dd]uring|[Aa]t|[Ff]or|[вВ]|[вВ]о|[нН]а)\s+)?(?:(?<![\w])(?:the\s+)?(?P<part>early|mid|late|beginning\s+of"
        rf"|end\s+of|middle\s+of|(?:first|second)\s+half\s+of|начале|конце|середине|начало|конец|середину"
        rf"|(?:перв|втор)\w+\s+половин\w+)[\s-]+)?{_month('m1')}(?:\s+of)?"
        rf"{_year_or_relative('1')}"
    ),
    "part_en": (
        r"(?:(?<![\w])(?P<pre>[Ii]n|[Dd]uring|[Bb]y)\s+)?(?:(?<![\w])the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
        r"\s+(?P<unit>half|quarter)\s+of\s+(?:(?P<rel>the|this|the\s+current|next|the\s+next)\s+year|"
        + _year("y1")
        + ")"
    ),
    "part_ru": (
        r"(?<![\w])(?P<pre>[вВ]о?|[нН]а)\s+(?P<ord>перв\w+|втор\w+|трет\w+|четв[её]рт\w+|[1-4]-?[мео]|I{1,3}|IV)\s+"
        r"(?P<unit>полугоди\w+|половин\w+|квартал\w+)(?:\s+(?:"
        + _year("y1")
        + r"|(?P<rel>текущего|этого|нынешнего|следующего|будущего)\s+года))?"
    ),
    "season": (
        r"(?:(?<![\w])(?P<pre>[Ii]n|[Dd]uring|[Ff]or|[Нн]а)\s+)?(?:the\s+)?(?<![\w])(?P<season>spring|summer|autumn|fall"
        r"|[Вв]есной|[Лл]етом|[Оо]сенью|[Вв]есну|[Лл]ето|[Оо]сень)\s+(?:of\s+)?(?:"
        + _year("y1")
        + r"|(?P<rel>this|next|этого|текущего|следующего|будущего)\s+(?:year|года))"
    ),
    "year_range": (
        rf"(?<![\w])(?P<pre>[Ii]n|[Dd]uring|[вВ]|[вВ]о)\s+(?P<y1>(?:19|20)\d\d){_DASH}{_year('y2')}"
    ),
    "year": (
        r"(?<![\w])(?P<pre>[Ii]n|[Dd]uring|[Aa]t|[вВ]|[вВ]о)\s+(?:(?:the\s+)?(?P<part>early|late|mid|beginning\s+of|end\s+of"
        r"|middle\s+of|начале|конце|середине)[\s-]*)?(?:the\s+year\s+)?" + _year("y1")
    ),
    "relative_en": r"(?<![\w])(?P<rel>[Tt]his|[Nn]ext|[Ll]ast|the\s+current|the\s+coming)\s+year(?![\w])",
    "relative_ru": (
        r"(?<![\w])[вВ]\s+(?P<rel>этом|текущем|нынешнем|уходящем|следующем|будущем|наступающем|прошлом"
        r"|минувшем)\s+году(?![\w])"
    ),
    # "an October summit", "the October (2021) session", "октябрьский саммит": a month as an attribute.
    # Not "May": headlines capitalise the verb ("Armenia May Skip CSTO Session").
    "month_attr": (
        rf"(?<![\w])(?:(?P<pre>[Aa]n?|[Tt]he|[Ii]ts|[Tt]his|[Ll]ast|[Nn]ext|[A-Z][\w.]*['’]s)\s+(?!May\b|MAY\b){_month('m1')}(?:\s+\(?{_year('y1')}\)?)?"
        rf"|(?P<ma>(?i:январск|февральск|мартовск|апрельск|майск|июньск|июльск|августовск|сентябрьск|октябрьск"
        rf"|ноябрьск|декабрьск))\w*(?:\s+\(?{_year('y2')}\)?)?)"
        rf"(?=\s+(?i:summit|session|meeting|exercises?|drills|talks|consultations|conference|visit|forum|council"
        rf"|саммит|сесси|заседани|учени|встреч|переговор|консультаци|конференци|визит|форум|совещани))"
    ),
    # "last November", "next March", "в прошлом ноябре": a month named against the publication day.
    "month_named": (
        rf"(?<![\w])(?P<dir>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Tt]he\s+coming|(?:[вВ]\s+)?(?:прошлом|минувшем"
        rf"|следующем|будущем|этом|нынешнем))\s+{_month('m1')}(?![\w])"
    ),
    # "in the autumn", "this spring", "осенью", "этой весной": a season without its year, which
    # the tense and the publication day decide. Not "autumn 2025" (the form "season") nor "летом"
    # before a year.
    "season_bare": (
        r"(?<![\w])(?:(?P<pre>[Ii]n|[Dd]uring|[Tt]his|[Nn]ext|[Ll]ast)\s+(?:the\s+)?(?P<season>spring|summer|autumn|fall)"
        r"|(?:(?P<prer>[Ээ]той|[Бб]удущей|[Сс]ледующей|[Пп]рошлой|[Мм]инувшей|[Ээ]тим|[Бб]удущим|[Сс]ледующим"
        r"|[Пп]рошлым|[Мм]инувшим)\s+)?(?P<seasonr>[Вв]есной|[Лл]етом|[Оо]сенью)"
        # "на осень запланированы учения": the season as a time set for something.
        r"|(?<![\w])[Нн]а\s+(?P<seasona>весну|лето|осень))(?![\w])"
        r"(?!\s+(?:of\b|(?:19|20)\d\d|this|next|last|этого|текущего|нынешнего|следующего|будущего|прошлого|сего)\b)"
    ),
    # "from Monday to Friday", "с понедельника по пятницу", "Monday through Friday last week".
    "weekday_range": (
        rf"(?<![\w])(?:(?:[Ff]rom|[Сс]о?)\s+)?(?P<wd1>{_WD}|{_WD_GENITIVE})\s+(?:to|till|until|through|thru|по|до)\s+"
        rf"(?P<wd2>{_WD}|{_WD_GENITIVE})(?![\w])(?:\s+(?P<wk>(?i:last|this|next))\s+week"
        r"|\s+на\s+(?P<wkr>прошлой|минувшей|этой|следующей)\s+неделе)?"
    ),
    # "at the end of the year", "в конце года", "в начале следующего года": the year (this one unless
    # the text says which).
    "year_part": (
        r"(?<![\w])(?:[Aa]t|[Ii]n|[Вв])\s+(?:the\s+)?(?:end|beginning|middle|конце|начале|середине)\s+(?:of\s+)?(?:the\s+)?"
        r"(?:(?P<rel>this|next|этого|текущего|нынешнего|следующего|будущего)\s+)?(?:year|года)(?![\w])"
        r"(?!\s+(?:(?:19|20)\d\d|of\b))"
    ),
    # "in early autumn", "в начале осени": the season.
    "season_part": (
        r"(?<![\w])(?:[Ii]n\s+(?:the\s+)?(?:early|late|mid-?)\s*(?P<season>spring|summer|autumn|fall)"
        r"|[Вв]\s+(?:начале|конце|середине)\s+(?P<seasonr>весны|лета|осени))(?![\w])"
        r"(?!\s+(?:of\b|(?:19|20)\d\d|this|next|этого|текущего|следующего|будущего|прошлого))"
    ),
    # "until Friday", "до пятницы", "со вторника": a weekday in the genitive after a preposition.
    "weekday_gen": (
        r"(?<![\w])(?P<pre>[Дд]о|[Сс]о?|[Пп]о)\s+(?P<wdg>понедельника|вторника|среды|четверга|пятницы|субботы"
        r"|воскресенья)(?![\w])"
    ),
    # "will last till the 9th", "продлится до 9-го": a day of the month of what is under way.
    "month_day": (
        r"(?<![\w])(?:until|till|through|to)\s+(?:the\s+)?(?P<d1>[0-3]?\d)(?:st|nd|rd|th)(?![\w])"
        r"(?!\s+(?:of\s+)?[A-Za-z])"
        r"|(?<![\w])(?:до|по)\s+(?P<d2>[0-3]?\d)-?го(?![\w])(?!\s+[а-яё])"
    ),
    # "в третьей декаде мая": days 1-10, 11-20, 21 to the end of the month.
    "decade": (
        rf"(?<![\w])(?:(?P<pre>[вВ]о?)\s+(?P<ord>перв\w+|втор\w+|трет\w+|последн\w+)\s+декад\w+"
        rf"|(?:(?P<pren>[Ii]n|[Dd]uring)\s+)?the\s+(?P<orde>first|second|third|last|1st|2nd|3rd)"
        rf"\s+(?:decade|ten\s+days|ten-day\s+period)\s+of)\s+{_month('m1')}{_year_or_relative('1')}"
    ),
    "relative_day": (
        r"(?<![\w])(?P<rd>(?i:today|tonight|tomorrow|yesterday|the\s+day\s+before\s+yesterday|the\s+day\s+after"
        r"\s+tomorrow|сегодня|завтра|вчера|послезавтра|позавчера))(?![\w'’])"
        # "today's session", "сегодняшнее заседание": the day of an event named with it.
        r"|(?<![\w])(?P<rda>(?i:today|tomorrow|yesterday)['’]s|(?i:сегодняшн|завтрашн|вчерашн)\w+)"
        r"(?=\s+(?:[\w-]+\s+)?(?i:session|meeting|summit|talks|consultations|exercises?|drills|conference|sitting"
        r"|заседани|сесси|саммит|встреч|переговор|консультаци|учени|дискусси|совещани|конференци))"
    ),
    "weekday": (
        rf"(?<![\w])(?:(?P<pre>[Oo]n|[Вв]о?)\s+)?(?:(?P<dir>(?i:this|last|next|past|coming|прошл\w+|минувш\w+"
        rf"|следующ\w+|ближайш\w+|будущ\w+|эт[оу]т?))\s+)?(?P<wd>{_WD})(?![\w])"
        # "On Tuesday, 4 March" is a date of its own (the form "day"), not a weekday named alone.
        rf"(?!,?\s+(?:the\s+)?(?:\d|{_M}))"
    ),
    "relative_week": (
        r"(?<![\w])(?i:(?:(?P<rw>last|next|this|the\s+past|the\s+previous|the\s+coming)\s+week)"
        r"|на\s+(?P<rwr>прошлой|минувшей|этой|текущей|следующей|будущей|предстоящей)\s+неделе)(?![\w])"
    ),
    # "the day before", "накануне", "the next day", "на следующий день", "two days later": a day
    # counted from the event the item dated last (:mod:`.assemble`), else from the publication day.
    # Not a frame ("the day before the summit", "накануне заседания", "on the eve of").
    "day_offset": (
        r"(?<![\w])(?i:(?P<back>the\s+day\s+before|the\s+previous\s+day|(?:a|one|the)\s+day\s+earlier"
        r"|днем\s+ранее|днём\s+ранее|днем\s+раньше|днём\s+раньше|накануне)"
        r"|(?P<ahead>the\s+(?:next|following)\s+day|(?:a|one)\s+day\s+later|на\s+следующий\s+день"
        r"|на\s+другой\s+день|на\s+второй\s+день|днем\s+позже|днём\s+позже|через\s+день|спустя\s+день)"
        r"|(?P<count>two|three|four|five|\d)\s+days\s+(?P<way>later|earlier|before)"
        r"|(?:через|спустя)\s+(?P<countr>два|две|три|четыре|пять|\d)\s+(?:дня|дней|суток))(?![\w])"
        r"(?!\s+(?i:yesterday|tomorrow|of\b|the\b|a\b|an\b|its\b|his\b|their\b|this\b|that\b))"
        # "on the eve of the summit", "the day before the session": the day before the event named,
        # when it is the one the item dated last (:mod:`.assemble`).
        r"|(?<![\w])(?P<eve>(?i:on\s+the\s+eve\s+of|the\s+day\s+before)\s+(?:the|this|that|its)\s+(?i:summit|session"
        r"|meeting|exercises?|drills|talks|visit|forum|conference))(?![\w])"
    ),
    # "the same day", "на этот день": the day of the event the item spoke of last (:mod:`.assemble`).
    "the_day": (
        r"(?<![\w])(?i:(?:(?:earlier|later)\s+)?(?:on\s+)?the\s+same\s+day|(?:later|earlier)\s+that\s+day"
        r"|(?:на|в)\s+(?:этот|тот)\s+(?:же\s+)?день)(?![\w])"
    ),
    "relative_month": (
        r"(?<![\w])(?i:(?:(?P<part>earlier|later)\s+)?(?P<rm>this|last|next)\s+month"
        r"|(?:at\s+)?the\s+(?:beginning|end|middle)\s+of\s+the\s+month|(?:в\s+)?(?:начале|конце|середине)\s+месяца"
        r"|(?:в\s+)?(?:(?P<partr>начале|конце|середине)\s+)?(?:в\s+)?"
        r"(?P<rmr>этом|текущем|прошлом|минувшем|следующем|будущем|этого|текущего|прошлого|следующего)\s+месяц[еа])(?![\w])"
    ),
}
#: Each date form, compiled, by the name of the builder in :mod:`.grammar` that reads its groups.
FORMS: dict[str, re.Pattern[str]] = {name: re.compile(pattern) for name, pattern in _PATTERNS.items()}
_DIGIT = re.compile(r"\d")
_MONTH_NAME = re.compile(_M)
#: What each form cannot match without: a form is tried on a text only where its needle is found, so
#: that a sentence costs a few scans for the forms it may hold, not one for every form.
NEEDLES: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(
        ("day_range_across", "day_list", "day_range", "us_range", "us_day", "day", "numeric", "numeric_range",
         "iso", "year_range", "year"),
        _DIGIT,
    ),
    **dict.fromkeys(("month_range", "month"), _MONTH_NAME),
    "part_en": re.compile(r"(?i:half|quarter)"),
    "part_ru": re.compile(r"(?i:полугоди|половин|квартал)"),
    "season": re.compile(r"(?i:spring|summer|autumn|fall|весн|лет|осен)"),
    "relative_en": re.compile(r"(?i:year)"),
    "relative_ru": re.compile(r"(?i:году)"),
    "month_attr": re.compile(rf"{_M}|(?i:ьск)"),
    "decade": re.compile(r"(?i:декад|decade|ten.days|ten-day)"),
    "month_named": re.compile(r"(?i:last|next|this|past|coming|прошлом|минувшем|следующем|будущем|этом|нынешнем)"),
    "relative_day": re.compile(
        r"(?i:today|tonight|tomorrow|yesterday|сегодня|завтра|вчера|позавчера|завтрашн|вчерашн)"
    ),
    "weekday": re.compile(_WD),
    "relative_week": re.compile(r"(?i:week|недел)"),
    "relative_month": re.compile(r"(?i:month|месяц)"),
    "the_day": re.compile(r"(?i:day|день)"),
    "day_offset": re.compile(r"(?i:day|eve|день|дн[её]м|накануне|дня|дней|суток)"),
    "season_bare": re.compile(r"(?i:spring|summer|autumn|fall|весн|лет|осен)"),
    "year_part": re.compile(r"(?i:year|года)"),
    "season_part": re.compile(r"(?i:spring|summer|autumn|fall|весны|лета|осени)"),
    "weekday_range": re.compile(r"(?i:\s(?:to|till|until|through|thru|по|до)\s)"),
    "weekday_gen": re.compile(r"(?i:понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья)"),
    "month_day": re.compile(r"\d(?:st|nd|rd|th|-?го)"),
}  # fmt: skip
#: Text without any of these holds no date: the forms need not be tried.
HINT = re.compile(
    rf"\d|{_M}|{_WD}|(?i:day|eve\b|весны|лета|осени|день|накануне|понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья|днем|днём|дня|суток|весной|летом|осенью|весну|лето|осень|spring|summer|autumn|fall|same\s+day|that\s+day|тот\s+(?:же\s+)?день|этот\s+(?:же\s+)?день|year|году|года|полугоди|квартал|декад|decade|ьск|today|tonight|tomorrow|yesterday|week|month|сегодня|завтра|завтрашн|вчерашн"
    r"|вчера|послезавтра|позавчера|недел|месяц)"
)
