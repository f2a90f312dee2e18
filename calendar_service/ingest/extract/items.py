"""Item boundaries: a page of news becomes items (news items and articles) made of sentences.

Extraction step "split", after :mod:`.decode`. The rules, in the order they are tried on each
paragraph (a line, with hard-wrapped continuation lines joined):

- a bare web address ends the page: it is the source of the items since the previous address;
- a short line without final punctuation followed by a dated paragraph is the title of the item
  that paragraph starts;
- a paragraph that opens with an agency's dateline ("ALMATY, March 14. /TASS/.", :mod:`.dateline`)
  starts an agency item: the dateline gives its publication date and place, the story follows it;
- a paragraph that starts with a full numeric date ("15.05.2024", even glued to the next word as
  scraping leaves it: "15.05.202415 May marks ...") or that is only a date with its year is the
  header of an article: the date is its publication date;
- a paragraph that starts with a day ("On 20 December, ...", "20 декабря ...", "MINSK, 5 March")
  starts a news item, unless it is the body of a header that stood alone on its line or goes on
  a report opened by a dateline or that already told that day ("8 October saw the first phase begin");
- any other paragraph continues the current item (or starts one, at the top of the text).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from calendar_service.ingest.extract.dateline import Dateline, find_dateline
from calendar_service.ingest.extract.grammar import DateMention, find_dates
from calendar_service.ingest.extract.vocabulary import month_pattern

__all__ = ["LEAD_PREFIX", "Item", "ItemKind", "Sentence", "split_items", "split_sentences"]

_URL_LINE = re.compile(r"^\s*<?(https?://\S+?)>?\s*$")
_NUMERIC_HEAD = re.compile(
    r"^\s*(?:(?:Published|Опубликовано|Дата публикации)\s*:?\s*)?"
    r"(?:(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)|((?:19|20)\d\d)-(\d\d)-(\d\d))"
    r"(?!\s*(?:г\.|года|г\b))[\s|–—-]*(?:\d{1,2}:\d\d[\s|–—-]*)?"
)
_CLOCK = re.compile(
    r"(?:\bat\s+)?(?<![\d:])[0-2]?\d:[0-5]\d(?::[0-5]\d)?(?![\d:])(?:\s*(?:[AaPp]\.?[Mm]\.?)(?!\w))?"
)
_ZONE = re.compile(r"\b(?:GMT|UTC|AMT|MSK|МСК|ALMT)(?:\s*[+−-]\s*\d{1,2}(?::?\d\d)?)?(?!\w)")
#: "(UTC +04:00)"
_ZONE_IN_BRACKETS = re.compile(r"\(\s*(?:GMT|UTC|AMT|MSK|МСК|ALMT)\s*(?:[+−-]\s*\d{1,2}(?::?\d\d)?)?\s*\)")
#: "15.05.2024", "22/ 07/ 2008", "05 / 02 / 2014".
_NUMERIC_DAY = re.compile(r"(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?((?:19|20)\d\d)")
#: The site or author named after a stamp: "09:24.02/03/2010, russian.people.com.cn".
_SOURCE_AFTER = re.compile(r"\s*[,;|]\s*[^\d,;|]{2,40}$")
#: A site's weekday before its date stamp: "Tue, 12/23/2014 - 12:39".
_STAMP_WEEKDAY = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+|^(?:Пн|Вт|Ср|Чт|Пт|Сб|Вс)\.?,?\s+")
#: A line that only names the news agency an item comes from, above its date: "Interfax News Agency",
#: "RIA Novosti", "Xinhua". The item under it is that agency's report.
_AGENCY = (
    r"(?:[A-Z][\w.&-]*\s+){0,3}?(?:News Agency|Novosti|Interfax(?:-[A-Z]+)?|Xinhua|TASS|Itar-Tass|ITAR-TASS|Reuters"
    r"|AFP|Associated Press|BelTA|BELTA|Kazinform|KAZINFORM|Trend|Sputnik|Armenpress|ARMENPRESS|Kabar|Khovar"
    r"|AKIpress|Asia-Plus|РИА Новости|ТАСС|ИТАР-ТАСС|Интерфакс|БЕЛТА|Казинформ|Спутник)(?:\s+[A-Z][\w.-]*){0,3}"
)
_BYLINE = re.compile(rf"\s*{_AGENCY}\s*")
#: "Xinhua, October 15, 2016": the agency, then the day of its report.
_BYLINE_PREFIX = re.compile(rf"^\s*{_AGENCY}\s*,\s*")
_HEADER_REST = re.compile(r"^[\s,|–—-]*+(?:\d{1,2}:\d\d)?\s*$")  # "*+": a run of spaces is not retried
LEAD_PREFIX = re.compile(
    r"^\s*(?:[A-ZА-ЯЁ][\w.-]+(?: [A-ZА-ЯЁ][\w.-]+)?\s*,\s*)?(?:(?:On|ON|on|В|в|Во|во)\s+)?$"
)
_TITLE_END = re.compile(r"[.:;,]\s*$")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")
# "(?<![.!?…])": a run of dots is tried once, from its start, not from each of its positions.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]+[»”\"')\]]*\s+(?=[«“\"(\[]?[A-ZА-ЯЁ0-9])")
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_WORD_WINDOW = 64
_ABBREVIATION_TEXT = (
    "mr mrs ms dr gen col lt maj capt sgt prof jr sr st no nos art vol pp approx vs jan feb mar apr "
    "jun jul aug sep sept oct nov dec ул им пр ген обл тыс млн млрд руб ст гг см рис англ"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())


class ItemKind(StrEnum):
    NEWS = "news"  #: starts with the day of its event: "On 20 December, ..."
    ARTICLE = "article"  #: has a publication date of its own: "15.05.2024"
    AGENCY = "agency"  #: opens with an agency's dateline: "ALMATY, March 14. /TASS/."
    TEXT = "text"  #: neither: plain text with dates inside


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  #: index of its paragraph within the item


@dataclass(frozen=True)
class Item:
    number: int  #: 1-based position in the text
    kind: ItemKind
    start: int
    end: int
    sentences: tuple[Sentence, ...]
    title: str | None = None
    published: dt.date | None = None
    published_span: tuple[int, int] | None = None
    source_url: str | None = None
    language: str = "en"
    place: str | None = None  #: where a dateline says the item was filed, as written
    year_written: bool = True  #: the publication date's year is written (a dateline may leave it out)


#: Items headed by a date of their own, whose story may follow on the next lines.
_HEADED = (ItemKind.ARTICLE, ItemKind.AGENCY)


@dataclass
class _Draft:
    kind: ItemKind
    start: int
    end: int
    bodies: list[tuple[int, int]]
    title: str | None = None
    published: dt.date | None = None
    published_span: tuple[int, int] | None = None
    source_url: str | None = None
    place: str | None = None
    year_written: bool = True


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, end = line.span()
        stripped = line.group().strip()
        if not stripped:
            continue
        start += len(line.group()) - len(line.group().lstrip())
        end -= len(line.group()) - len(line.group().rstrip())
        # The last character of the paragraph so far, not the paragraph: 100,000 wrapped lines are
        # then read in linear time.
        if spans and text[spans[-1][1] - 1] not in ".!?" and (
            stripped[0].islower()
            or (stripped[0].isdigit() and _wrapped_before(text, spans[-1], stripped))
            # "... the Council on" / "Friday, which ...": no sentence or title ends in a preposition.
            or (_JOINING_END.search(text, max(spans[-1][0], spans[-1][1] - 12), spans[-1][1]) is not None
                and _wrapped_before(text, spans[-1], stripped))
        ):
            spans[-1] = (spans[-1][0], end)  # a hard-wrapped line continues its sentence
        else:
            spans.append((start, end))
    return spans


#: The end of a line broken inside a sentence: a lower-case word or a comma, or a month's name.
_OPEN_END = re.compile(r"(?:(?<!\w)[a-zа-яё][\w-]*|,)$")
#: A word a sentence or a title cannot end with: a preposition, an article, a conjunction.
_JOINING_END = re.compile(
    r"(?<!\w)(?:on|in|at|of|for|from|to|by|with|the|a|an|and|or|since|until|till|between"
    r"|в|во|на|с|со|по|к|о|об|от|до|из|за|у|при|и|или)$"
)
_MONTH_END = re.compile(rf"(?<!\w)(?i:{month_pattern()})$")
_ONE_LINE_BREAK = re.compile(r"[ \t\r]*\n[ \t\r]*\S")


def _wrapped_before(text: str, span: tuple[int, int], line: str) -> bool:
    """Tell a paragraph broken at a fixed width ("... between September" / "16 and 22, ...") from a
    title above a line that starts with a date ("... Council meeting" / "08.10.2024 On 8 October"):
    the line before is long, or is itself the continuation of a longer one, and stops in the middle
    of a sentence, and the line is no site's date stamp."""
    start, end = span
    if not _ONE_LINE_BREAK.match(text, end):
        return False  # a blank line between: paragraphs of their own
    last_line = text.rfind("\n", start, end) + 1 or start
    wrapped = end - last_line >= 60 or last_line > start
    tail = text[max(start, end - 40) : end]
    if _MONTH_END.search(tail):  # a date broken across the lines
        return True
    stamp = _NUMERIC_HEAD.match(line) is not None or _CLOCK.search(line[:12]) is not None
    return wrapped and _OPEN_END.search(tail) is not None and not stamp


def _header(
    text: str, start: int, end: int, reference: dt.date | None = None
) -> tuple[dt.date, tuple[int, int], int, bool] | None:
    """Return (publication date, its span, where the body starts, whether its year is written) when
    the paragraph is a header."""
    paragraph = text[start:end]
    stamped = _timestamp(paragraph, reference)
    if stamped is not None:
        return stamped[0], (start, end), end, stamped[1]
    match = _NUMERIC_HEAD.match(paragraph)
    if match:
        day, month, year = (
            (match.group(1), match.group(2), match.group(3))
            if match.group(1)
            else (match.group(6), match.group(5), match.group(4))
        )
        try:
            published = dt.date(int(year), int(month), int(day))
        except ValueError:
            return None
        date_end = match.end(3) if match.group(1) else match.end(6)
        date_start = match.start(1) if match.group(1) else match.start(4)
        return published, (start + date_start, start + date_end), start + match.end(), True
    numeric = _NUMERIC_DAY.fullmatch(_STAMP_WEEKDAY.sub("", paragraph.strip()))
    if numeric:  # "05 / 02 / 2014" on a line of its own
        day = _numeric_day(numeric)
        if day is not None:
            return day[0], (start, end), end, True
    mentions = find_dates(paragraph[:80])
    byline = _BYLINE_PREFIX.match(paragraph)  # "Xinhua, October 15, 2016": the date after its agency
    lead = byline.end() if byline else 0
    if mentions and mentions[0].begin >= lead and not paragraph[lead : mentions[0].begin].strip():
        mention = mentions[0]
        first = mention.first
        if (
            first == mention.last
            and first.year is not None
            and first.month is not None
            and first.day is not None
            and _HEADER_REST.match(paragraph[mention.end :])
        ):
            return (
                dt.date(first.year, first.month, first.day),
                (start + mention.start, start + mention.end),
                end,
                True,
            )
    return None


def _timestamp(paragraph: str, reference: dt.date | None = None) -> tuple[dt.date, bool] | None:
    """Return the day of a line that is only a day and a clock time, as sites stamp their items, and
    whether its year is written.

    "11:40, 15 May 2017 | GMT +6", "September 23, 2009 - 15:20 AMT", "- 09:15, 16 октября 2024",
    "14:10 30/11/2021", "28-11-2024 11:30", "Декабрь 20, 2016 15:05": the day, with its year, is the
    publication date. Without a year ("15 мая, 14:30", "May 15, 14:30") it is the latest such day up
    to the day after ``reference``, as for a dateline, and its year is not written.
    """
    if len(paragraph) > 64 or not _CLOCK.search(paragraph):
        return None
    rest = _ZONE.sub(" ", _CLOCK.sub(" ", _ZONE_IN_BRACKETS.sub(" ", paragraph))).strip(" ,.|/–—-\t")
    rest = _STAMP_WEEKDAY.sub("", rest)
    numeric = _NUMERIC_DAY.fullmatch(rest) or _NUMERIC_DAY.fullmatch(_SOURCE_AFTER.sub("", rest))
    if numeric:
        return _numeric_day(numeric)
    mentions = find_dates(rest)
    if len(mentions) != 1 or rest[: mentions[0].begin].strip() or rest[mentions[0].end :].strip(" ,.|/–—-"):
        return None
    first = mentions[0].first
    if mentions[0].first != mentions[0].last or first.month is None or first.day is None:
        return None
    if first.year is not None:
        return dt.date(first.year, first.month, first.day), True
    if reference is None or mentions[0].relative_year is not None:
        return None
    latest = reference + dt.timedelta(days=1)
    for year in range(latest.year, latest.year - 5, -1):
        try:
            day = dt.date(year, first.month, first.day)
        except ValueError:
            continue
        if day <= latest:
            return day, False
    return None


def _numeric_day(numeric: re.Match[str]) -> tuple[dt.date, bool] | None:
    """Return the day of "23.12.2014", "23/12/2014" or, where the day cannot come first, the American
    "12/23/2014"."""
    first, second, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
    day, month = (second, first) if numeric.group(2) == "/" and second > 12 >= first else (first, second)
    try:
        return dt.date(year, month, day), True
    except ValueError:
        return None


def _lead(text: str, start: int, end: int) -> DateMention | None:
    mentions = find_dates(text[start : min(end, start + 120)])
    if (
        mentions
        and mentions[0].precision == "day"
        # "Last week ...", "Вчера ...": a day named against the item's own goes on with that item.
        and mentions[0].relative is None
        and LEAD_PREFIX.match(text[start : start + mentions[0].begin])
    ):
        return mentions[0]
    return None


def _is_title(text: str, start: int, end: int, *, dated: bool = False) -> bool:
    """Tell a title line: short, without final punctuation, capitalised (or opening with its day, ``dated``)."""
    line = text[start:end]
    return (
        len(line) <= 200
        and not _TITLE_END.search(line)
        and len(line.split()) >= 2
        and not _URL_LINE.match(line)
        and (line[0].isupper() or line[0] in '«“"' or (dated and line[0].isdigit()))
    )


def _language(text: str) -> str:
    return "ru" if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)) else "en"


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    Initials ("S. Ordabayev") and abbreviations ("St. Petersburg", "г. Минск") do not end one.
    """
    spans, begin = [], start
    for boundary in _BOUNDARY.finditer(text, start, end):
        # The word before the stop, looked for near it: searching from ``begin`` would walk the
        # sentence again for every stop after an initial or an abbreviation.
        word = _WORD_BEFORE.search(text, max(begin, boundary.start() + 1 - _WORD_WINDOW), boundary.start() + 1)
        token = word.group(1) if word else ""
        if (len(token) == 1 and token.isalpha()) or token.lower() in _ABBREVIATIONS:
            continue
        stop = boundary.end() - len(boundary.group()) + len(boundary.group().rstrip())
        spans.append((begin, stop))
        begin = boundary.end()
    if text[begin:end].strip():
        spans.append((begin, end))
    return spans


def _dateline_draft(
    text: str, start: int, end: int, dateline: Dateline, title: str | None, item_start: int
) -> _Draft:
    span = dateline.date_span
    return _Draft(
        ItemKind.AGENCY,
        item_start,
        end,
        [(start + dateline.end, end)],
        title,
        dateline.published,
        (start + span[0], start + span[1]) if span else None,
        place=dateline.place,
        year_written=dateline.year_written,
    )


def _drafts(text: str, reference: dt.date | None) -> list[_Draft]:
    paragraphs = _paragraphs(text)
    # "Interfax News Agency" on a line of its own above the date: the agency whose report follows.
    by_agency = {
        paragraphs[number + 1][0]
        for number, (start, end) in enumerate(paragraphs[:-1])
        if _BYLINE.fullmatch(text, start, end) and _header(text, *paragraphs[number + 1], reference)
    }
    paragraphs = [(start, end) for start, end in paragraphs if not _next_is(by_agency, text, start, end)]
    drafts: list[_Draft] = []
    pending_url_from = 0
    index = 0
    while index < len(paragraphs):
        start, end = paragraphs[index]
        url = _URL_LINE.match(text[start:end])
        if url:
            for draft in drafts[pending_url_from:]:
                draft.source_url = draft.source_url or url.group(1)
            pending_url_from = len(drafts)
            index += 1
            continue
        title, item_start = None, start
        dateline = _dateline(text, start, end, reference)
        lead = None if dateline else _lead(text, start, end)
        if index + 1 < len(paragraphs) and not dateline and _is_title(text, start, end, dated=lead is not None):
            following = paragraphs[index + 1]
            following_dateline = _dateline(text, *following, reference)
            following_lead = None if following_dateline else _lead(text, *following)
            following_header = _header(text, *following, reference)
            # A title may open with the day it announces ("20-24 апреля в Таджикистане пройдут учения"):
            # it is a title where a site's date or a dateline follows it.
            if (following_lead and not lead) or following_dateline or following_header:
                title = " ".join(text[start:end].split())
                index += 1
                start, end = following
                lead, dateline = following_lead, following_dateline
        if dateline is not None:
            header_alone = drafts and drafts[-1].kind in _HEADED and not drafts[-1].bodies
            if header_alone:  # "15.05.2024" on a line of its own, a title maybe, then "MINSK, 15 May (BelTA) - ..."
                # A site's date above an agency's dateline: the agency's report, not the site's own article.
                drafts[-1].kind = ItemKind.AGENCY
                drafts[-1].bodies.append((start + dateline.end, end))
                drafts[-1].end = end
                drafts[-1].place = dateline.place
                drafts[-1].title = drafts[-1].title or title
            else:
                drafts.append(_dateline_draft(text, start, end, dateline, title, item_start))
            index += 1
            continue
        header = _header(text, start, end, reference)
        if (
            title is None
            and header is None
            and drafts
            and drafts[-1].kind in _HEADED
            and not drafts[-1].bodies
        ):
            drafts[-1].bodies.append((start, end))  # the body of a header that stood on a line of its own
            drafts[-1].end = end
        elif header is not None:
            published, span, body, year_written = header
            # A site's clock stamp heads an outlet's report, as a dateline does; a bare date heads a
            # body's own article.
            stamped = (
                _timestamp(text[start:end], reference) is not None
                or start in by_agency
                or _BYLINE_PREFIX.match(text, start, end) is not None
            )
            drafts.append(
                _Draft(
                    ItemKind.AGENCY if stamped else ItemKind.ARTICLE,
                    item_start,
                    end,
                    [(body, end)] if body < end else [],
                    title,
                    published,
                    span,
                    year_written=year_written,
                )
            )
        elif (
            title is not None
            or (lead and not _recalls(lead, drafts, reference) and not _reported(text, lead, drafts))
            or not drafts
        ):
            kind = ItemKind.NEWS if lead else ItemKind.TEXT
            drafts.append(_Draft(kind, item_start, end, [(start, end)], title))
        else:
            drafts[-1].bodies.append((start, end))
            drafts[-1].end = end
        index += 1
    return drafts


#: How far before the day a text is read a paragraph's opening date may lie and still start an item.
_RECALLED_BEFORE = dt.timedelta(days=366)


def _recalls(lead: DateMention, drafts: list[_Draft], reference: dt.date | None) -> bool:
    """Tell a paragraph of an agency's report that recalls the past ("On October 6, 2007, the member
    nations agreed ...") from the next item of a page of news ("On 20 December, ..."): it opens with
    a year written, more than a year before the text is read, and follows a report of its own
    (an agency's item or plain text)."""
    if reference is None or not drafts or drafts[-1].kind not in (ItemKind.AGENCY, ItemKind.TEXT):
        return False
    year = lead.last.year
    return year is not None and year < (reference - _RECALLED_BEFORE).year


def _reported(text: str, lead: DateMention, drafts: list[_Draft]) -> bool:
    """Tell a paragraph of a report that opens with a day of its story ("8 October saw the first phase
    begin", "9 октября начался второй этап") from the next item of a page of news: the report before
    opened with a dateline (only a dateline starts the next one), or already told that day."""
    if not drafts or drafts[-1].kind is ItemKind.NEWS:
        return False
    if drafts[-1].kind is ItemKind.AGENCY and drafts[-1].place is not None:
        return True
    day = (lead.first.month, lead.first.day)
    return any(
        (mention.first.month, mention.first.day) == day and lead.first.year in (None, mention.first.year)
        for start, end in drafts[-1].bodies
        for mention in find_dates(text[start:end])
    )


def _next_is(headers: set[int], text: str, start: int, end: int) -> bool:
    """Whether the paragraph is an agency's name standing right above one of ``headers``."""
    if not headers or not _BYLINE.fullmatch(text, start, end):
        return False
    rest = text[end:]
    return end + len(rest) - len(rest.lstrip()) in headers


def _dateline(text: str, start: int, end: int, reference: dt.date | None) -> Dateline | None:
    if reference is None:
        return None
    return find_dateline(text[start:end], reference)


def split_items(text: str, reference: dt.date | None = None) -> list[Item]:
    """Split normalised news text into items, each with its sentences (global offsets).

    Args:
        reference: the day the text is read; it gives the year of a dateline written without one.
            Without it, datelines are not looked for.
    """
    items = []
    for number, draft in enumerate(_drafts(text, reference), start=1):
        sentences = tuple(
            Sentence(s, e, paragraph)
            for paragraph, (start, end) in enumerate(draft.bodies)
            for s, e in split_sentences(text, start, end)
        )
        items.append(
            Item(
                number,
                draft.kind,
                draft.start,
                draft.end,
                sentences,
                draft.title,
                draft.published,
                draft.published_span,
                draft.source_url,
                _language(text[draft.start : draft.end]),
                draft.place,
                draft.year_written,
            )
        )
    return items
