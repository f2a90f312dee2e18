"""Reading a sentence: its dates (those that date events), names, and clauses, in global offsets.

Extraction step "assembly", first half: :func:`read_sentence` runs the date grammar (else
dateparser), the gazetteer and the anniversary finder over one sentence, and drops the dates that
do not date an event: deadlines and starting points ("until 2025", "до 2025 года", "since 2002"),
dates of documents ("the Decision of 28 November", "решение от 5 мая") and topics ("activities in
2026"). :mod:`.compose` builds events from what it returns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from calendar_service.errors import InvalidInput, Problem
from calendar_service.ingest.extract.anniversary import Anniversary, find_anniversaries
from calendar_service.ingest.extract.classify import mask
from calendar_service.ingest.extract.fallback import search_sentence
from calendar_service.ingest.extract.gazetteer import Gazetteer, Kind, NameMatch
from calendar_service.ingest.extract.grammar import DateMention, find_dates
from calendar_service.ingest.extract.items import Item, Sentence
from calendar_service.store.records import Category

__all__ = [
    "MAX_DATES_PER_ITEM",
    "MAX_DATES_PER_SENTENCE",
    "MAX_SENTENCE_CHARS",
    "POSTPONE",
    "Context",
    "ReadSentence",
    "clause_of",
    "clauses",
    "read_sentence",
    "read_sentences",
]

#: Longest sentence read. Real sentences of news run to a few hundred characters; one of thousands
#: is a text without full stops (a table, a list, a scrape gone wrong), and reading it costs time
#: that grows with its length times its dates.
MAX_SENTENCE_CHARS = 3_000
#: Most dates read in one sentence; a chronology lists a dozen, not hundreds.
MAX_DATES_PER_SENTENCE = 60
#: Most dates read in one item (a news item or an article); a long chronology holds a few dozen.
MAX_DATES_PER_ITEM = 300

_I = re.IGNORECASE
_BOUND_BEFORE = re.compile(
    r"(?:\buntil|\btill|\bby|\bbefore|\bafter|\bsince|\bup to|\bthrough|\bfrom|\bno later than"
    r"|\bnot later than|\bdated|\bдо|\bк|\bне позднее|\bпосле|\bначиная с|\bс|\bсо|\bот|\bпо)\s+(?:the\s+)?$",
    _I,
)
_DOCUMENT_BEFORE = re.compile(
    r"\b(?:decision|resolution|agreement|protocol|treaty|charter|memorandum|letter|order|decree|law|note)s?\b"
    r"[^.;]{0,60}?\bof\s+$",
    _I,
)
_TOPIC_BEFORE = re.compile(
    r"\b(?:activities|events|measures|plans?|programmes?|programs?|work|tasks|priorities|schedules?|мероприяти\w*"
    r"|план\w*|программ\w*|задач\w*|приоритет\w*|график\w*)\s+"
    # "приоритеты деятельности в 2026 году", "график проведения учений сил ОДКБ в 2020 году"
    r"(?:(?:[^\s.;,]+\s+){1,5}?(?=(?:(?:in|during|в|на)\s+)?$))?(?:(?:for|in|during|of|в|на)\s+)?$"
    # "the plan of joint training for the next year", "план совместной подготовки на 2026 год"
    # (a Russian preposition belongs to the date it governs: "на второе полугодие")
    r"|\b(?:plans?|план\w*|programmes?|программ\w*)\s+(?:[^\s.;,]+\s+){1,4}(?:(?:for|на)\s+(?:the\s+)?)?$"
    # "the adjustment of training plans of the forces and means of collective security for this year"
    r"|\b(?:plans?|programmes?)\s+of\s+(?:[^\s.;,]+\s+){1,8}?for\s+(?:the\s+)?$",
    _I,
)
#: A date that only says when something was said: "told reporters on Thursday", "сообщил 3 марта
#: телеканал", "said in March that ...". The report is not the event it reports.
_SPEECH = (
    r"(?:said|says|told|announced|stated|noted|reported|stressed|emphasi[sz]ed|added|informed|recalled|wrote"
    r"|commented|sa(?:id|ys) in an interview|сообщил\w*|заявил\w*|отметил\w*|рассказал\w*|подчеркнул\w*"
    r"|сообщает|сообщается|сообщили|пишет|написал\w*|передает|передаёт|передал\w*|указал\w*|напомнил\w*|уточнил\w*)"
)
_STATEMENT_NOUN = re.compile(r"\b(?:briefing|press conference|interview|брифинг\w*|пресс-конференци\w*|интервью)\b", _I)
#: Between a speaker and the verb: a name and a rank, no comma ("the CSTO Joint Staff Colonel-General
#: Anatoly Sidorov told").
_SUBJECT_GAP = re.compile(r"[^,;.]{0,60}$")
_SPEECH_BEFORE = re.compile(rf"\b{_SPEECH}(?:\s+\S+){{0,3}}?\s+$", _I)
# Used with match(), where "^" never matches. No comma between: in "перенесено на 2 апреля, сообщили
# в Секретариате" the date is the news, the verb only says who told it.
_SPEECH_AFTER = re.compile(
    rf"\s+(?:[^\s,]+\s+)?{_SPEECH}\b"
    # "In January, announcing the plans, the minister said": the day of the announcement.
    r"|,\s+(?:announcing|saying|noting|stressing|заявив|сообщив|отметив|подчеркнув|анонсировав)\b",
    _I,
)
#: An ordinal before a year: "первое в 2026 году заседание", "the first meeting in 2026".
_ORDINAL_BEFORE = re.compile(
    r"\b(?:перв|втор|трет|последн)\w*\s+(?:[^\s,.;]+\s+){0,2}?(?:в|во)?\s*$"
    r"|\b(?:first|second|third|last)\s+(?:[^\s,.;]+\s+){0,3}?(?:(?:in|of|this)\s+)?$",
    _I,
)
_UNDER_WAY_SINCE = re.compile(r"\b(?:have|has) been (?:held|conducted|under\s?way|taking place|running)\b", _I)
#: A chairmanship and its year: the year is the chairmanship's, not an event's.
_CHAIR_BEFORE = re.compile(
    r"\b(?:chairmanship|presidency|chairing|председательств\w*)\s+(?:[^\s,.;]+\s+){0,4}?(?:(?:in|for|of|в|на)\s+)?$",
    _I,
)
_INCLUSIVE = re.compile(r",?\s*(?:inclusive(?:ly)?|включительно)\b", _I)
#: Web addresses hold numbers that look like dates ("/2024/05/15/", "2024-05-15-meeting"): never dates.
_URL = re.compile(r"\b(?:https?://|www\.)\S+", _I)
#: Something under way goes on until a day: "will last until", "продлится до", "will be completed by".
_LASTS = re.compile(
    r"\b(?:will\s+)?(?:last|lasts|run|runs|continue|continues)\s+(?:until|till|through|to)\b"
    # "concluded large-scale military exercises in the south of Kazakhstan on Tuesday"
    r"|\b(?:concluded|wrapped up|completed)\s+"
    r"(?=(?:[\w-]+\s+){0,4}?(?:exercises?|drills|operation|manoeuvres|maneuvers)\b)"
    r"|\bwill be (?:completed|over|finished) by\b|\bпродл(?:ится|ятся|ится)\s+(?:до|по)\b"
    # "started on Monday ... and will end on Friday", "began on 5 September and ended on the 9th"
    r"|\b(?:will\s+)?(?:end|ends|ended|conclude|concludes|concluded|close|closes|closed|wrap\s+up|wraps\s+up"
    r"|wrapped\s+up|finish|finishes|finished)\s+(?:on|by|until|till)\b"
    r"|\bwill be (?:completed|over|finished|concluded) on\b|\bwill (?:last|run|continue) till\b"
    r"|\b(?:is|are)\s+(?:set\s+|scheduled\s+|expected\s+)?to\s+(?:last|run|continue)\s+(?:until|till|through|to)\b"
    r"|\b(?:lasted|ran|continued)\s+(?:until|till|through|to)\b|\bпродолжал(?:ось|ись|ся|ась)\s+(?:до|по)\b"
    r"|\bпродл(?:ится|ятся|илось|ились|ился|илась)\s+(?:до|по)\b"
    # "начинается во вторник, 23 августа, и пройдет по 27 августа": "по" before a day is its last.
    r"|\bпро(?:йд[её]т|йдут|шл[оаи]|ходил[оаи]?|должится|должатся)\s+по\b(?=\s+\d)"
    r"|\bзаверш(?:ится|атся|илось|ились|ился|илась|ено|ены)\b|\bбудет завершен\w*"
    r"|\b(?:закончится|закончатся|окончится|окончатся|закончилось|закончились)\b",
    _I,
)
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
    "десять": 10,
}  # fmt: skip
_DURATION = re.compile(
    r"\b(?:will\s+)?(?:last|lasts|run|runs|continue|продлится|продлятся|продолжится)\s+(?:for\s+)?(?P<n>\d{1,2}|"
    + "|".join(_NUMBER_WORDS)
    + r")\s+(?:days|дн\w*)\b",
    _I,
)
_DURATION_ROOTS = {
    "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "четырёх": 4, "пяти": 5, "шести": 6, "семи": 7, "восьми": 8,
    "девяти": 9, "десяти": 10,
}  # fmt: skip
#: A length told as an attribute: "the five-day exercises", "a two-week exercise", "в трехдневных учениях".
#: (of an exercise or an operation: "a two-day working visit" whose first day is not told is no run)
_DURATION_ADJECTIVE = re.compile(
    r"(?:\b(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")[- ](?P<unit>day|week)\b"
    r"|\b(?P<root>" + "|".join(_DURATION_ROOTS) + r"|\d{1,2}-?)(?P<ru>дневн|недельн)\w*)"
    r"(?=(?:\s+[\w-]+){0,2}?\s+(?:exercises?|drills?|manoeuvres|maneuvers|war games?|operations?"
    r"|учени\w*|маневр\w*|манёвр\w*|сбор\w*|операци\w*)\b)",
    _I,
)


def _told_length(text: str) -> int | None:
    """Return the number of days a sentence says something lasts ("продлятся пять дней", "five-day")."""
    duration = _DURATION.search(text)
    if duration:
        return _number(duration.group("n"))
    adjective = _DURATION_ADJECTIVE.search(text)
    if adjective is None:
        return None
    if adjective.group("n"):
        number = _number(adjective.group("n"))
        weeks = adjective.group("unit").lower() == "week"
    else:
        root = adjective.group("root").lower().rstrip("-")
        number = int(root) if root.isdigit() else _DURATION_ROOTS[root]
        weeks = adjective.group("ru").lower() == "недельн"
    return number * 7 if weeks and number else number


POSTPONE = re.compile(r"\bpostpon\w*|\brescheduled\b|\bdeferred\b|\bперенес\w*|\bперенос\w*|\bотложен\w*", _I)
# "(?<!\s)": a run of spaces is tried once, not from each of its positions.
_CLAUSE_BREAK = re.compile(
    r";\s*|,\s+(?:and|while|whereas|but|а|но|а также)\s+|(?<!\s)\s+while\s+"
    # "..., the Chief of the Joint Staff told a briefing on Wednesday.": who said it, and when, is a
    # clause of its own at the end of the sentence.
    rf"|,\s+(?=[^,;]{{0,100}}?\b{_SPEECH}\b[^,;]*$)",
    re.IGNORECASE,
)

#: A relative clause: ", which will be held in September,", ", которая пройдет в сентябре,".
_RELATIVE_CLAUSE = re.compile(r",\s+(?=(?:which|where|who|котор\w+|где)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """An item being read, with what its sentences are read against."""

    text: str
    item: Item
    anchor: dt.date  #: publication date, else the reference date
    gazetteer: Gazetteer
    source_url: str | None
    #: The year the item set for events of a kind so far ("Учения в 2026 году пройдут ..."), for the
    #: months and days it gives without one.
    frames: dict[Category, int] = field(default_factory=dict)

    @property
    def has_publication(self) -> bool:
        return self.item.published is not None

    @property
    def publication_year_written(self) -> bool:
        """The item's publication date has a year the text wrote ("ALMATY, March 14." has none)."""
        return self.item.published is not None and self.item.year_written


@dataclass(frozen=True)
class ReadSentence:
    """A sentence with what was found in it (global offsets)."""

    span: Sentence
    text: str
    names: list[NameMatch]
    masked: str  #: the sentence with body names blanked out, for classification
    mentions: list[DateMention]
    anniversaries: list[Anniversary]
    #: Where something under way ends: "will last until 19 April", "продлится до 29 октября" (a day),
    #: "продлятся пять дней" (a number of days, as a mention-less count).
    ends: list[DateMention] = field(default_factory=list)
    days: int | None = None
    #: Years the sentence writes that date no event of their own ("the first session in 2025"): the
    #: year of its other dates is written, not inferred.
    years: tuple[int, ...] = ()

    @cached_property
    def clause_spans(self) -> list[tuple[int, int]]:
        """The clauses (global offsets), found once however many dates ask for them.

        A relative clause with a date of its own (between commas, or from a comma to the end) is a
        clause of its own, and what follows it another: in
        "Подготовка к сессии, которая пройдет в сентябре, обсуждалась сегодня на встрече" the
        session is in September and the meeting today.
        """
        start = self.span.start
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.text)]
        for relative in _RELATIVE_CLAUSE.finditer(self.text):
            close = self.text.find(",", relative.end())
            if close < 0:  # it runs to the end of the sentence
                close = len(self.text)
            if any(relative.start() < b[0] < close for b in breaks):
                continue
            if not any(start + relative.start() <= m.start < start + close for m in self.mentions):
                continue  # a relative clause without a date of its own tells what the clause around it dates
            breaks += [(relative.start(), relative.start() + 1), (close, close + 1)]
        spans, begin = [], 0
        for first, last in sorted(breaks):
            if first < begin:
                continue
            spans.append((start + begin, start + first))
            begin = last
        spans.append((start + begin, self.span.end))
        return spans


def _is_bound(text: str, mention: DateMention, sentence_start: int, *, csto_ends: tuple[int, ...] = ()) -> bool:
    before = text[max(sentence_start, mention.begin - 80) : mention.begin]
    bound = _BOUND_BEFORE.search(before)
    if bound and not POSTPONE.search(text[sentence_start : mention.begin]) and not _opens(bound, mention, text):
        return True
    if _DOCUMENT_BEFORE.search(before):
        return True
    speech = _SPEECH_BEFORE.search(before)
    # "the Chief of the CSTO Joint Staff told a briefing on Wednesday": a CSTO body's briefing is an event.
    speaker_is_csto = speech is not None and any(
        _SUBJECT_GAP.match(text, end, mention.begin - len(before) + speech.start()) for end in csto_ends
    )
    if speech and not (speaker_is_csto and _STATEMENT_NOUN.search(speech.group())):
        return True
    if _SPEECH_AFTER.match(text, mention.end, mention.end + 60):
        return True
    if mention.precision == "year" and _ORDINAL_BEFORE.search(before):
        return True  # "первое в текущем году заседание", "the first session in 2026": which one, not when
    if mention.precision == "year" and _CHAIR_BEFORE.search(before):
        return True  # "Tajikistan's presidency in 2015", "председательства в Организации в 2025 году"
    # "план консультаций на второе полугодие 2016 года": the period of a plan, as a year is.
    spans_months = mention.precision == "month" and mention.first.month != mention.last.month
    return (mention.precision == "year" or spans_months) and bool(_TOPIC_BEFORE.search(before))


def _opens(bound: re.Match[str], mention: DateMention, text: str) -> bool:
    """Tell a first or last day ("с 5 июля 2023 года", "until 3 March inclusive", "since 26 September
    ... have been held") from a bound.

    "с"/"from"/"starting" before a day is when something begins, and "inclusive" after one is the
    last day of something; "since 2002", "до 2025 года" and "by 1 March" stay bounds.
    """
    word = bound.group().split()[0].lower()
    if _INCLUSIVE.match(text, mention.end, mention.end + 20):
        return True
    if word == "since" and mention.precision == "day" and _UNDER_WAY_SINCE.search(text, mention.end, mention.end + 200):
        return True  # "since September 26 the exercises have been held": the first day of a run under way
    return mention.precision == "day" and word in {"с", "со", "from", "начиная"}


def read_sentences(context: Context) -> list[ReadSentence]:
    """Read every sentence of ``context.item`` (see :func:`read_sentence`).

    Raises:
        InvalidInput: a sentence is past the limits of :func:`read_sentence`, or the item holds more
            than :data:`MAX_DATES_PER_ITEM` dates.
    """
    read: list[ReadSentence] = []
    dates = 0
    for span in context.item.sentences:
        sentence = read_sentence(context, span)
        dates += len(sentence.mentions)
        if dates > MAX_DATES_PER_ITEM:
            raise _too_much(
                context,
                span,
                f"has more than {MAX_DATES_PER_ITEM} dates by this line; split the text into items of its own",
            )
        read.append(sentence)
    return read


def _too_much(context: Context, span: Sentence, message: str) -> InvalidInput:
    line = context.text.count("\n", 0, span.start) + 1
    return InvalidInput([Problem(f"item {context.item.number} {message}", line=line)])


def read_sentence(context: Context, span: Sentence) -> ReadSentence:
    """Read one sentence of ``context.item``: names, dates of events, anniversaries.

    Raises:
        InvalidInput: the sentence is longer than :data:`MAX_SENTENCE_CHARS` or holds more than
            :data:`MAX_DATES_PER_SENTENCE` dates: it is not news prose, and the text is refused
            rather than read for minutes.
    """
    length = span.end - span.start
    if length > MAX_SENTENCE_CHARS:
        raise _too_much(
            context,
            span,
            f"has a sentence of {length:,} characters; at most {MAX_SENTENCE_CHARS:,} are read in one "
            "sentence (is the text missing its full stops?)",
        )
    text = context.text[span.start : span.end]
    names = [
        NameMatch(m.start + span.start, m.end + span.start, m.entry) for m in context.gazetteer.find(text)
    ]
    masked = mask(text, [(m.start, m.end) for m in names if m.entry.kind is Kind.BODY], span.start)
    dated = _URL.sub(lambda url: " " * len(url.group()), text) if "http" in text or "www." in text else text
    found = find_dates(dated, span.start)
    if len(found) > MAX_DATES_PER_SENTENCE:
        raise _too_much(
            context,
            span,
            f"has a sentence with {len(found):,} dates; at most {MAX_DATES_PER_SENTENCE} are read in one sentence",
        )
    csto_ends = tuple(m.end for m in names if m.entry.kind is Kind.BODY and m.entry.part_of)
    mentions = [m for m in found if not _is_bound(context.text, m, span.start, csto_ends=csto_ends)]
    if not found:
        mentions = search_sentence(dated, span.start, context.item.language)
    lasts = _LASTS.search(text)
    # A last day, not a run of its own ("завершилось учение, которое проходило с 10 по 13 сентября").
    # The day right after the verb: "will end on Friday, the ministry said on Thursday" ends on Friday.
    ends = [
        m for m in found
        if lasts and m.precision == "day" and span.start + lasts.start() < m.start <= span.start + lasts.end() + 80
        and m.first == m.last
    ][:1]
    mentions = [m for m in mentions if m not in ends]
    days = _told_length(text)
    years = tuple(
        m.first.year
        for m in found
        if m.precision == "year" and m.first.year is not None and m not in mentions
        and _ORDINAL_BEFORE.search(context.text, max(span.start, m.begin - 80), m.begin)
    )
    return ReadSentence(
        span, text, names, masked, mentions, find_anniversaries(text, span.start), ends, days, years
    )


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower())


def clauses(sentence: ReadSentence) -> list[tuple[int, int]]:
    """Return the clauses of a sentence (global offsets), split at ";", ", and", ", while", ", а" ..."""
    return sentence.clause_spans


def clause_of(sentence: ReadSentence, position: int) -> tuple[int, int]:
    """Return the clause of a sentence that holds ``position``."""
    return next(
        (c for c in sentence.clause_spans if c[0] <= position < c[1]), (sentence.span.start, sentence.span.end)
    )
