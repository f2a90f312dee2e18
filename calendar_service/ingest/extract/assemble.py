"""Assembly: items and their sentences become dated events.

Extraction step "assembly", where the other steps meet. For each sentence of each item:

1. read it (:mod:`.sentences`): its dates that date events, its names, its anniversaries;
2. split it into clauses; a clause yields the finest date it holds ("On 10 and 11 December ... in
   2026" is dated 10-11 December), with the dates joined to it by "and"; a later clause yields only
   with an event word of its own; a postponement yields its new date, keyed by the old one;
3. an anniversary yields the founding act it counts from, and the date that only marks it ("15 May
   marks the 32nd anniversary of ...") nothing else;
4. compose the events (:mod:`.compose`) with places and bodies from the sentence and the undated
   sentences that follow it.

Then a milestone that only restates a founding act less precisely is dropped, and an article (an
item with a publication date) that reports no event held around that date becomes an event itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import replace

from calendar_service.dates import Precision
from calendar_service.errors import InvalidInput, Problem
from calendar_service.ingest.extract.anniversary import Anniversary, is_founding_act
from calendar_service.ingest.extract.classify import category_of, mask, status_of
from calendar_service.ingest.extract.compose import dated_events, founding_event, publication_event, under_way_event
from calendar_service.ingest.extract.events import ExtractedEvent, deduplicate
from calendar_service.ingest.extract.gazetteer import Gazetteer
from calendar_service.ingest.extract.grammar import DateMention, PartialDate
from calendar_service.ingest.extract.items import ItemKind, split_items
from calendar_service.ingest.extract.places import places_of
from calendar_service.ingest.extract.resolve import Tense, resolve
from calendar_service.ingest.extract.sentences import (
    POSTPONE,
    Context,
    ReadSentence,
    clause_of,
    clauses,
    read_sentences,
)
from calendar_service.ingest.extract.vocabulary import month_pattern
from calendar_service.store.records import Category, Status

__all__ = ["MAX_DATES_PER_TEXT", "MAX_DATE_TOKENS", "extract_events"]

_I = re.IGNORECASE
_CONJUNCTION_GAP = re.compile(r"^\s*(?:,|and|и|as well as|а также)?\s*(?:,\s*)?(?:on|в|во)?\s*$", _I)
_RANK = {"day": 0, "month": 1, "year": 2}
#: Words that put an event where the one before it was: "там же", "there", "on the eve of the session".
_THERE = re.compile(
    # Not "there will be", "there are": "there" as a subject places nothing.
    r"\bтам же\b|\bthere\b(?!\s+(?:is|are|was|were|will|would|has|have|had|may|might|must|should|can)\b)"
    r"|\bin the same (?:place|city)\b|\bon the eve of\b|\bon the sidelines of\b"
    r"|\bнакануне\b|\bна полях\b|\bв тот же день\b",
    _I,
)
_TO_COME = re.compile(r"\bwill\b|\b(?:is|are) to\b|\bбуд(?:ет|ут)\b", _I)
_RESPECTIVELY = re.compile(r"\brespectively\b|\bсоответственно\b", _I)
_INCLUSIVE = re.compile(r",?\s*(?:inclusive(?:ly)?|включительно)\b", _I)
#: An anniversary said to be now: "Today marks", "the CSTO celebrates", "исполняется".
_MARKS_NOW = re.compile(
    r"\btoday\b|\bmark(?:s|ed|ing)?\b|\bcelebrat\w*|\bсегодня\b|\bисполня\w*|\bисполнил\w*|\bотмеча\w*"
    r"|\bпразднует\b|\bпразднуют\b",
    _I,
)
_NEAR_PUBLICATION = dt.timedelta(days=7)
#: Most dates read in one text. A day's news holds a few hundred (about five per kilobyte); a text
#: packed with many times that costs about a millisecond per date and is refused instead.
MAX_DATES_PER_TEXT = 5_000
#: Most numbers and month names in one text, counted before anything else is read: news has about
#: a dozen per kilobyte, so a text at the limit on dates has some 13,000; one with many more is
#: refused in a fraction of a second instead of after seconds of reading.
MAX_DATE_TOKENS = 25_000
_DATE_TOKEN = re.compile(rf"\d+|{month_pattern()}", re.IGNORECASE)


def extract_events(
    text: str, *, reference_date: dt.date, gazetteer: Gazetteer, source_url: str | None = None
) -> list[ExtractedEvent]:
    """Return every dated event in normalised news ``text``, in text order.

    Args:
        reference_date: the day the text is read; decides the year of dates written without one and
            stands for the publication date of items that carry none.
        source_url: the address of the text, for items that do not name their own.
    """
    tokens = sum(1 for _ in itertools.islice(_DATE_TOKEN.finditer(text), MAX_DATE_TOKENS + 1))
    if tokens > MAX_DATE_TOKENS:
        raise InvalidInput([Problem(
            f"the text holds more than {MAX_DATE_TOKENS:,} numbers and month names; it is not news "
            "prose, or too much of it for one import: import it in parts"
        )])
    # Every item is read before any is composed, so a text past the limit on dates is refused
    # before the costlier half of the work is done for any of it.
    read: list[tuple[Context, list[ReadSentence]]] = []
    dates = 0
    for item in split_items(text, reference_date):
        context = Context(
            text, item, item.published or reference_date, gazetteer, item.source_url or source_url
        )
        sentences = read_sentences(context)
        dates += sum(len(sentence.mentions) for sentence in sentences)
        if dates > MAX_DATES_PER_TEXT:
            raise InvalidInput([Problem(
                f"the text holds more than {MAX_DATES_PER_TEXT:,} dates by item {item.number}; "
                "import it in parts",
                line=text.count("\n", 0, item.start) + 1,
            )])
        read.append((context, sentences))
    events: list[ExtractedEvent] = []
    for context, sentences in read:
        events.extend(_item_events(context, sentences))
    return deduplicate(events)


def _item_events(context: Context, sentences: list[ReadSentence]) -> list[ExtractedEvent]:
    item = context.item
    events: list[ExtractedEvent] = []
    told_end: ReadSentence | None = None  # "The withdrawal will be completed by 19 January", before its start
    staged: set[int] = set()  # events of stages told before the run they belong to is known
    for index, sentence in enumerate(sentences):
        # Nothing under way, before or in the sentence: the last day is a date of its own.
        if sentence.ends and _under_way(events, kind=category_of(sentence.masked)) is None and not sentence.mentions:
            # The last day of an exercise or operation whose first is told later (or is the day of the
            # report) waits for it: "Учения завершатся 15 июня", "will be completed by 19 January".
            kind = category_of(sentence.masked)
            if kind is None:  # "The active stage is to run until 7 October", after "the drills began"
                kind = category_of(context.text[item.start : sentence.span.start])
            run_end = kind in _RUNS
            # "Учение завершилось 9 июня", "The exercise ended on Thursday": a day of its own.
            ended = status_of(sentence.masked, sentence.ends[0].start - sentence.span.start) is Status.HELD
            run_end = run_end and not (ended and not _TO_COME.search(sentence.text))
            if told_end is None and run_end:
                told_end = sentence
            ends = [
                m for m in sentence.ends
                if (_INCLUSIVE.match(context.text, m.end, m.end + 20) if run_end else not _is_plain_bound(context, m))
            ]
            sentence = replace(sentence, mentions=sorted([*sentence.mentions, *ends], key=lambda m: m.start), ends=[])
        if not sentence.mentions and not sentence.anniversaries:
            _extend_under_way(context, sentence, events)
            continue
        same_day = _same_day_of(sentence, events)
        sentence = _the_month(sentence, events, sentences[index - 1] if index else None)
        scope = [sentence]
        for later in itertools.islice(sentences, index + 1, None):
            same_paragraph = later.span.paragraph == sentence.span.paragraph or item.kind is ItemKind.NEWS
            if later.mentions or later.anniversaries or not same_paragraph:
                break
            scope.append(later)
        following = sentences[index + 1].text if index + 1 < len(sentences) else ""
        title = item.title if item.kind in (ItemKind.NEWS, ItemKind.AGENCY) and not events else None
        new = _sentence_events(context, sentence, scope, following, title)
        if same_day is not None:  # "the same day" and nowhere else said: where that day's event was
            new = [
                replace(e, countries=same_day.countries, city=same_day.city, country=same_day.country)
                if not e.countries and e.start == same_day.start
                else e
                for e in new
            ]
        unfolded = new
        new = _phases_of_run(context, sentence, events, new)
        if new and new is unfolded and _is_stage(sentence):
            staged.update(id(e) for e in new)
        events.extend(_there(context, sentence, events, new))
        _note_frames(context, new)
        if sentence.ends and _under_way(events, since=len(events) - len(new)) is None:
            sentence = replace(sentence, mentions=sentence.ends, ends=[])
            events.extend(_sentence_events(context, sentence, [sentence], following, None))
            continue
        _extend_under_way(context, sentence, events, since=len(events) - len(new))
    if told_end is not None:  # "... will be completed by 19 January. The peacekeepers arrived on 6 January."
        _extend_under_way(context, told_end, events)
    events = _without_vaguer_mentions(_without_repetitions(_without_restatements(events)))
    if item.kind in (ItemKind.ARTICLE, ItemKind.AGENCY) and item.published is not None:
        own = publication_event(context, sentences) if not _held_near(events, item.published) else None
        if own is not None:
            events.insert(0, own)
            # "The exercise began in Kazakhstan (today). ... It will end on 9 October."; "Tomorrow the
            # exercise will enter its second phase."
            if told_end is not None:
                head = events[:1]
                _extend_under_way(context, told_end, head)
                events[0] = head[0]
            stages = [e for e in events[1:] if id(e) in staged]
            folded = _folded(context, events[0], stages) if stages else None
            if folded is not None:
                events = [folded, *(e for e in events[1:] if id(e) not in staged)]
    elif item.published is None and sentences and not _held_near(events, context.anchor):
        own = under_way_event(context, sentences)
        if own is not None:
            events.insert(0, own)
    return events


def _held_near(events: list[ExtractedEvent], day: dt.date) -> bool:
    """Tell whether the item reports something held on or in the days before ``day``."""
    return any(
        e.status is Status.HELD and not e.anniversary and day - _NEAR_PUBLICATION <= e.start <= day for e in events
    )


def _the_month(
    sentence: ReadSentence, before: list[ExtractedEvent], previous: ReadSentence | None = None
) -> ReadSentence:
    """Read "в конце месяца" as the month of the item's latest dated event ("в начале ноября ... в конце
    месяца"), and "the same day", "на этот день" as the day of its latest event dated to the day."""
    named = [e for e in before if not e.anniversary and e.precision in (Precision.DAY, Precision.MONTH)]
    days = [e for e in named if e.precision is Precision.DAY and e.start == e.end]
    dated = [e for e in named if e.precision is Precision.DAY]
    mentions = []
    # "Накануне, 13 октября, ...": the day written out is the date; the counted one only restates it.
    written = any(not m.counted and m.precision == "day" for m in sentence.mentions)
    for mention in sentence.mentions:
        if mention.counted and written:
            continue
        if mention.relative == ("the_month", 0) and named:
            month = PartialDate(_year_of(named[-1]), named[-1].start.month)
            mention = replace(mention, first=month, last=month, relative=None)
        elif mention.relative == ("the_day", 0) and days:
            day = PartialDate(_year_of(days[-1]), days[-1].start.month, days[-1].start.day)
            mention = replace(mention, first=day, last=day, relative=None)
        elif (
            mention.counted
            and mention.relative is not None
            and mention.relative[1]
            and dated
            and _counts_from(sentence, mention, dated[-1], previous)
        ):
            # "The day before", "накануне", "two days later": counted from the event dated in the
            # sentence before, from its first day back and from its last day on; else from the
            # publication day ("Накануне генсек провел встречу": yesterday).
            offset = mention.relative[1]
            event = dated[-1]
            when = (event.start if offset < 0 else event.end) + dt.timedelta(days=offset)
            year = _year_of(event) if when.year == event.start.year else None
            day = PartialDate(year, when.month, when.day)
            mention = replace(mention, first=day, last=day, relative=None)
        elif mention.counted and mention.relative is not None and (
            mention.relative[1] > 0 or mention.relative[0] == "the_eve"
        ):
            continue  # "the next day", "on the eve of the summit" with no day before it to count from
        mentions.append(mention)
    return replace(sentence, mentions=mentions)


def _counts_from(
    sentence: ReadSentence, mention: DateMention, event: ExtractedEvent, previous: ReadSentence | None
) -> bool:
    """Tell whether a day counted from another ("the day before") counts from ``event``: the event
    dated in the sentence just before, told in the same tense (a meeting to come is no anchor for
    what "was held the day before")."""
    if previous is None or not previous.span.start <= event.offset < previous.span.end:
        return False
    status = status_of(sentence.masked, mention.start - sentence.span.start)
    held, to_come = status is Status.HELD, status in (Status.PLANNED, Status.POSTPONED)
    return not (held and event.status is not Status.HELD) and not (to_come and event.status is Status.HELD)


def _same_day_of(sentence: ReadSentence, before: list[ExtractedEvent]) -> ExtractedEvent | None:
    """Return the event whose day "the same day" of ``sentence`` names, if it names one."""
    if not any(m.relative == ("the_day", 0) for m in sentence.mentions):
        return None
    days = [e for e in before if not e.anniversary and e.precision is Precision.DAY and e.start == e.end]
    return days[-1] if days else None


def _year_of(event: ExtractedEvent) -> int | None:
    """Return the year an event's text wrote, None where it was inferred (and is inferred again)."""
    return None if event.year_inferred else event.start.year


#: Longest an exercise or operation read from its first day and its last is taken to run.
_LONGEST_RUN = dt.timedelta(days=62)


def _extend_under_way(
    context: Context, sentence: ReadSentence, events: list[ExtractedEvent], *, since: int | None = None
) -> None:
    """Give the exercise or operation under way its last day: "started today ... will last until 19 April".

    The last day ("until", "продлится до", "will be completed by") or the length ("продлятся пять дней")
    of a sentence extends the latest one-day exercise or operation of the item; an end with nothing
    under way before it is a date of its own.
    """
    if not sentence.ends and sentence.days is None:
        return
    index = _under_way(events, since=since, kind=category_of(sentence.masked))
    if index is not None:
        event = events[index]
        if sentence.ends:
            mention = sentence.ends[0]
            end = resolve(mention, anchor=event.start, tense=Tense.FUTURE, anchor_is_published=True).end
        else:
            end = event.start + dt.timedelta(days=(sentence.days or 1) - 1)
        if event.start < end <= event.start + _LONGEST_RUN and end >= event.end:
            status = Status.HELD if event.start <= context.anchor else event.status
            # Exercises opened together ("учений «A» и «B»") run on together.
            while index >= 0 and _same_run(events[index], event):
                events[index] = replace(events[index], end=end, status=status)
                index -= 1


def _same_run(one: ExtractedEvent, other: ExtractedEvent) -> bool:
    return (one.start, one.end, one.category, one.anniversary) == (other.start, other.end, other.category, False)


#: The stages of an exercise or operation: "the first stage", "the active phase", "на втором этапе".
#: The withdrawal of a force is the last stage of its operation ("arrived on 6 January ... On 13 January
#: their withdrawal began").
_STAGE = re.compile(r"\bstages?\b|\bphases?\b|\bwithdrawal\b|\bэтап\w*|\bфаз[аеуы]\w*|\bвывод\w*", _I)
_RUNS = (Category.TRAINING, Category.OPERATION)
#: Longest pause between two stages of one exercise: stages weeks or months apart are runs of their own.
_STAGE_GAP = dt.timedelta(days=7)


def _is_stage(sentence: ReadSentence) -> bool:
    return any(m.counted for m in sentence.mentions) or _STAGE.search(sentence.text) is not None


def _phases_of_run(
    context: Context, sentence: ReadSentence, before: list[ExtractedEvent], new: list[ExtractedEvent]
) -> list[ExtractedEvent]:
    """Fold a stage of the exercise under way, or what happens in it a day later, into that exercise.

    "The exercise began on 2 October ... The active phase will be held on 6 October", "Учение
    стартовало 5 сентября. На следующий день ...": one exercise from its first stage to its last. A
    stage weeks away is a run of its own ("в два этапа: с 13 по 17 мая и с 9 по 13 декабря").
    """
    if not new or not before or not _is_stage(sentence):
        return new
    run = next((i for i in range(len(before) - 1, -1, -1) if not before[i].anniversary), None)
    if run is None:
        return new
    folded = _folded(context, before[run], new)
    if folded is None:
        return new
    before[run] = folded
    return []


def _folded(context: Context, event: ExtractedEvent, stages: list[ExtractedEvent]) -> ExtractedEvent | None:
    """Return ``event``, an exercise or operation, run on over ``stages``; None if they are not its stages."""
    if event.category not in _RUNS or event.precision is not Precision.DAY:
        return None
    if any(
        e.precision is not Precision.DAY
        or e.category not in (*_RUNS, Category.OTHER)
        or e.start > event.end + _STAGE_GAP
        or e.end < event.start - _STAGE_GAP
        for e in stages
    ):
        return None
    start, end = min(event.start, *(e.start for e in stages)), max(event.end, *(e.end for e in stages))
    status = Status.HELD if start <= context.anchor else event.status
    return replace(event, start=start, end=end, status=status)


def _there(
    context: Context, sentence: ReadSentence, before: list[ExtractedEvent], new: list[ExtractedEvent]
) -> list[ExtractedEvent]:
    """Give events placed "there" ("там же", "on the eve of the session") the venue of the event before.

    A place the sentence names itself wins; the dateline's, taken for want of one, does not.
    """
    if not before or not _THERE.search(sentence.text):
        return new
    venue = before[-1]
    named = bool(places_of(context.text, sentence.names).countries)
    return [
        replace(event, countries=venue.countries, city=venue.city, country=venue.country)
        if (not event.countries or (not named and venue.countries)) and not event.anniversary
        else event
        for event in new
    ]


def _under_way(
    events: list[ExtractedEvent], *, since: int | None = None, kind: Category | None = None
) -> int | None:
    """Return the index of the latest one-day exercise or operation of the item, if it is the latest event.

    From index ``since`` on are the events of the sentence that says how long it lasts ("arrived on
    Sunday on a visit that will last until 30 September"): there any kind of event runs on. So does
    one of the ``kind`` that sentence names: "Consultations began on Thursday. The consultations
    will last till 14 April", "Он прибыл в воскресенье. Визит продлится до 17 декабря".
    """
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.anniversary:
            continue
        one_day = event.precision is Precision.DAY and event.start == event.end
        same_sentence = since is not None and index >= since
        if one_day and (same_sentence or event.category in (*_RUNS, kind)):
            return index
        # An operation run on over its stages goes on: "... On 13 January their withdrawal began. It will
        # run until 19 January."
        runs_on = event.precision is Precision.DAY and event.category in _RUNS and kind in (None, event.category)
        if since is None and runs_on:
            return index
        return None
    return None


_UNTIL_BEFORE = re.compile(r"(?:\buntil|\btill|\bby|\bthrough|\bдо|\bпо)\s+(?:the\s+)?$", _I)


def _is_plain_bound(context: Context, mention: DateMention) -> bool:
    """Tell "until 20 March" (a deadline, no date of an event) from "until 20 March inclusive" and
    from the day something ends ("ended on 13 September", "завершилось 13 сентября")."""
    if not _UNTIL_BEFORE.search(context.text, max(0, mention.begin - 12), mention.begin):
        return False
    return not _INCLUSIVE.match(context.text, mention.end, mention.end + 20)


_QUOTED_NAME = re.compile(r"[«\"“]([^«»\"“”]{2,40})[»\"”]")


def _named_apart(one: ExtractedEvent, other: ExtractedEvent) -> bool:
    """Tell two exercises by their names in quotes: "«Поиск»" and "«Эшелон»" on one day are two."""
    first, second = (set(_QUOTED_NAME.findall(event.title)) for event in (one, other))
    return bool(first) and bool(second) and not first & second


def _without_repetitions(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Keep one event for one happening reported twice in an item.

    "On 12 March the ministers met in Minsk. ... The meeting of the Council of Foreign Ministers on
    12 March approved ...": same dates, kind and status, and the bodies of one are among the other's
    (or it names none). The report that names more bodies is kept, where the first one stood; of a
    day and the run it starts, the run. Meetings of different bodies on one day stay two.
    """
    kept: list[ExtractedEvent] = []
    for event in events:
        for index, earlier in enumerate(kept):
            if not _same_happening(earlier, event) or earlier.anniversary or _named_apart(earlier, event):
                continue
            if earlier.status is not event.status:  # the day's event as begun and as to come: begun
                longer = event if event.end > earlier.end else earlier
                kept[index] = replace(
                    longer, status=Status.HELD, countries=event.countries or earlier.countries,
                    city=event.city or earlier.city, country=event.country or earlier.country,
                )
                break
            if (earlier.start, earlier.end) != (event.start, event.end):  # the day it starts, then its run
                if event.end > earlier.end:
                    kept[index] = replace(
                        event,
                        countries=event.countries or earlier.countries,
                        city=event.city or earlier.city,
                        country=event.country or earlier.country,
                    )
                break
            if event.category is not earlier.category:  # one told as what it is, one as "an event"
                if earlier.category is Category.OTHER:
                    kept[index] = replace(event, countries=event.countries or earlier.countries)
                break
            # The Organization itself is named by every report of its bodies: it tells none apart.
            bodies, earlier_bodies = set(event.bodies) - {"CSTO"}, set(earlier.bodies) - {"CSTO"}
            if bodies <= earlier_bodies:
                if not earlier.countries and event.countries:  # the second report says where
                    kept[index] = replace(earlier, countries=event.countries, city=event.city, country=event.country)
                break
            if earlier_bodies <= bodies:
                kept[index] = replace(
                    event,
                    countries=event.countries or earlier.countries,
                    city=event.city or earlier.city,
                    country=event.country or earlier.country,
                    title=earlier.title,
                )
                break
        else:
            kept.append(event)
    return kept


def _note_frames(context: Context, new: list[ExtractedEvent]) -> None:
    """Note the year an item sets for events of a kind: "Учения ОДКБ в 2026 году пройдут ..." (a year
    written alone, this year, the next or the last), for the months and days it then gives without one."""
    for event in new:
        if (
            event.precision is Precision.YEAR
            and not event.year_inferred
            and not event.anniversary
            and event.start.year == event.end.year
            and abs(event.start.year - context.anchor.year) <= 1
        ):
            context.frames.setdefault(event.category, event.start.year)


def _same_happening(one: ExtractedEvent, other: ExtractedEvent) -> bool:
    """Tell two reports of one happening in an item: the same days, status and kind (or one of no kind
    named: "The sitting of the Council ... on 1 December. The meeting of the Council ... on 1 December"),
    or the same kind starting on the same day, once as the day and once as a run ("пройдут 18 августа
    ... с 18 по 22 августа пройдут учения")."""
    if one.anniversary != other.anniversary or one.start != other.start:
        return False
    if one.status is not other.status:
        # "открывается сессия ... Сегодняшняя встреча пройдет в узком составе": the day's event told
        # as begun and as to come; "The exercises began on Monday. The exercises will be held from
        # September 26 to October 8": the run begun that day.
        # "Kazakhstan is conducting the drill from September 26 to October 7 ... scheduled to take place
        # from September 26 to October 7": one run told as under way and as to come.
        day = one if one.start == one.end else other if other.start == other.end else None
        return (
            {one.status, other.status} == {Status.HELD, Status.PLANNED}
            and ((day is not None and day.status is Status.HELD) or one.end == other.end)
            and one.category is other.category
            and one.precision is other.precision is Precision.DAY
        )
    if one.end == other.end:
        return one.category is other.category or Category.OTHER in (one.category, other.category)
    one_day = one if one.start == one.end else other if other.start == other.end else None
    return (
        one_day is not None
        and one.category is other.category
        and one.precision is other.precision is Precision.DAY
    )


#: A week named against the day of the report: "this week", "next week", "на этой неделе".
_WEEK = re.compile(r"\b(?:this|next|last|the coming)\s+week\b|\bweek['’]s\b|\bнедел[еияю]\w*", re.IGNORECASE)


def _without_vaguer_mentions(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Drop an event known only to the year (or the month) that an event of the item dates more closely.

    "The exercises will be held in October-November 2018 ... This year we will hold the drills", "Саммит
    пройдет в Москве в декабре 2020 года ... в этом году ... саммит пройдет там": one happening, told
    twice; the reading with the month or the day is kept. Only one of the same kind and status within
    that year counts, and not a founding act.
    """
    precise = {
        (e.category, e.status, e.start.year)
        for e in events
        if e.precision is not Precision.YEAR and not e.anniversary and e.start.year == e.end.year
    }
    days = [e for e in events if e.precision is Precision.DAY and not e.anniversary]
    told_by_day = [e for e in days if not _WEEK.search(e.evidence)]
    months = [
        e for e in events if e.precision is Precision.MONTH and not e.anniversary and e.start.month == e.end.month
    ]
    # The place the week's report gives completes the days' ("this week's summit in Astana ... on Thursday").
    events = list(events)
    for week in [e for e in days if _WEEK.search(e.evidence) and e.countries]:
        for index, event in enumerate(events):
            if (
                any(event is d for d in told_by_day)
                and not event.countries
                and event.category is week.category
                and event.start <= week.end
                and week.start <= event.end
            ):
                events[index] = replace(event, countries=week.countries, city=week.city, country=week.country)
                told_by_day = [replace(d, countries=week.countries) if d is event else d for d in told_by_day]
    return [
        e
        for e in events
        if not (
            e.precision is Precision.YEAR
            and not e.anniversary
            and e.start.year == e.end.year
            and (e.category, e.status, e.start.year) in precise
        )
        # "in early August ... on August 2-5": the month told first, then the days.
        and not (
            e.precision is Precision.MONTH
            and not e.anniversary
            and any(d.category is e.category and d.status is e.status and e.start <= d.start <= d.end <= e.end
                    for d in days)
        )
        # "this week's summit ... The meeting, scheduled for Thursday", "this week is conducting exercises
        # ... The exercises began Saturday and run through Wednesday": the week told, then the days.
        and not (
            e.precision is Precision.DAY
            and not e.anniversary
            and _WEEK.search(e.evidence) is not None
            and any(d.category is e.category and d.start <= e.end and e.start <= d.end for d in told_by_day)
        )
        # "Этой осенью ... будут проведены учения ... в конце октября": the season (a quarter, a half-year)
        # told first, then the month. ("In September, Rubezh; in September-October, Interaction" are two.)
        and not (
            e.precision is Precision.MONTH
            and not e.anniversary
            and (e.end.year - e.start.year) * 12 + e.end.month - e.start.month >= 2
            and any(m.category is e.category and m.status is e.status and e.start <= m.start <= m.end <= e.end
                    for m in months)
        )
    ]


def _without_restatements(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Drop a milestone that only restates, less precisely, a founding act read from an anniversary.

    "the 22nd anniversary of the signing of the Charter ... The Charter was signed in 2002": one act.
    The founding days are sorted once per precision, so an item of many anniversaries costs a
    binary search per milestone rather than a walk over all of them.
    """
    founded: dict[object, list[dt.date]] = {}
    for event in events:
        if event.anniversary:
            founded.setdefault(event.precision, []).append(event.start)
    for starts in founded.values():
        starts.sort()

    def restates(event: ExtractedEvent) -> bool:
        for precision, starts in founded.items():
            if precision != event.precision:
                index = bisect.bisect_left(starts, event.start)
                if index < len(starts) and starts[index] <= event.end:
                    return True
        return False

    return [e for e in events if e.anniversary or e.category is not Category.MILESTONE or not restates(e)]


def _primaries(
    sentence: ReadSentence, mentions: list[DateMention]
) -> list[tuple[DateMention, DateMention | None]]:
    """Return the event dates of a sentence, each with the date it was moved from (postponements)."""
    postponed = POSTPONE.search(sentence.text)
    if postponed and mentions:
        cue = sentence.span.start + postponed.start()
        before = [m for m in mentions if m.start < cue]
        after = [m for m in mentions if m.start >= cue]
        if len(after) >= 2:
            return [(after[1], after[0])]
        if after:
            return [(after[0], before[0] if before else None)]
        return [(before[0], None)]
    chosen: list[DateMention] = []
    for start, end in clauses(sentence):
        inside = [m for m in mentions if start <= m.start < end]
        if not inside:
            continue
        offset = sentence.span.start
        if chosen and category_of(sentence.masked[start - offset : end - offset]) is None:
            continue
        # A date written out outranks one named against the day ("in 2002 ..., which today unites");
        # among days named against it, the finest wins ("this year's first session was held today").
        written = any(m.relative is None and m.relative_year is None and not m.loose for m in inside)
        best = min(
            inside, key=lambda m: (m.loose, written and m.relative is not None, _RANK[m.precision], m.start)
        )
        chosen.extend(_joined(sentence, inside, best))
    return [(mention, None) for mention in chosen]


def _joined(sentence: ReadSentence, mentions: list[DateMention], best: DateMention) -> list[DateMention]:
    """Return ``best`` with the dates of its precision joined to it by "and": "on 5 March and on 12 March"."""
    joined = [best]
    for mention in (m for m in mentions if m.start >= best.start and m is not best):
        gap = sentence.text[joined[-1].end - sentence.span.start : mention.begin - sentence.span.start]
        if mention.start == joined[-1].start or (
            mention.precision == best.precision and _CONJUNCTION_GAP.match(gap)
        ):
            joined.append(mention)
        else:
            break
    return joined


def _sentence_events(
    context: Context, sentence: ReadSentence, scope: list[ReadSentence], following: str, title: str | None
) -> list[ExtractedEvent]:
    foundings: list[ExtractedEvent] = []
    consumed: set[DateMention] = set()
    for anniversary in sentence.anniversaries:
        if not is_founding_act(anniversary.what):
            continue  # "the 80th anniversary of the Victory": no founding act to date
        mention = _commemoration(sentence, anniversary)
        if mention is None and not anniversary.today and not _MARKS_NOW.search(sentence.text):
            continue  # "a plan devoted to the 25th anniversary": not said to be now
        # What the sentence says up to the anniversary: "..., which later, in 2002, was transformed"
        # after it is another clause, and does not make the day a ceremony's.
        offset = sentence.span.start
        frame = mask(sentence.masked[: anniversary.end - offset], [(anniversary.start, anniversary.end)], offset)
        marks_the_day = category_of(frame) is None
        if mention is not None and marks_the_day:
            consumed.add(mention)
        # A date inside the phrase is part of it: "20 years ago today the Charter was signed".
        consumed.update(m for m in sentence.mentions if anniversary.start <= m.start < anniversary.end)
        foundings.append(founding_event(context, sentence, anniversary, mention, marks_the_day=marks_the_day))
    events: list[ExtractedEvent] = []
    mentions = _stages_as_one([m for m in sentence.mentions if m not in consumed], sentence)
    primaries = _primaries(sentence, mentions)
    per_date = []
    for mention, original in primaries:
        per_date.append(dated_events(context, sentence, scope, following, mention, original, title))
        title = None
    if _RESPECTIVELY.search(sentence.text) and len(per_date) > 1 and all(len(e) == len(per_date) for e in per_date):
        # "sessions of A and B on 27 and 29 April respectively": the n-th date is the n-th body's.
        events.extend(dated[index] for index, dated in enumerate(per_date))
    else:
        events.extend(event for dated in per_date for event in dated)
    return events + foundings


def _stages_as_one(mentions: list[DateMention], sentence: ReadSentence) -> list[DateMention]:
    """Read the stages of one exercise dated in one sentence as one run: "the first stage on 2-4
    October, the active phase on 6 October", "на первом этапе, 2-4 октября, ... на втором, 6 октября"."""
    days = [m for m in mentions if m.precision == "day" and m.relative is None and not m.counted]
    if len(days) < 2 or not _STAGE.search(sentence.text) or category_of(sentence.masked) not in _RUNS:
        return mentions
    spans = []
    for mention in days:
        year = mention.last.year or 2001
        first_year = mention.first.year or year
        if not (mention.first.month and mention.first.day and mention.last.month and mention.last.day):
            return mentions
        try:
            spans.append((
                dt.date(first_year, mention.first.month, mention.first.day),
                dt.date(year, mention.last.month, mention.last.day),
            ))
        except ValueError:
            return mentions
    if any(b[0] < a[1] or b[0] - a[1] > _STAGE_GAP for a, b in itertools.pairwise(spans)):
        return mentions
    run = replace(days[0], last=days[-1].last, end=days[-1].end)
    return [run if m is days[0] else m for m in mentions if m is days[0] or m not in days]


def _commemoration(sentence: ReadSentence, anniversary: Anniversary) -> DateMention | None:
    """Return the date that marks ``anniversary``: the nearest one before it, else after it, in its clause."""
    clause = clause_of(sentence, anniversary.start)
    inside = [m for m in sentence.mentions if clause[0] <= m.start < clause[1]]
    before = [m for m in inside if m.end <= anniversary.start]
    after = [m for m in inside if m.start >= anniversary.end]
    return before[-1] if before else (after[0] if after else None)
