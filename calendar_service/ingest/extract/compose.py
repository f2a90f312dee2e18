"""Composing events: one read sentence (or an article's header) becomes ExtractedEvent values.

Extraction step "assembly", second half: classify the clause of a date (:mod:`.classify`), infer
its year (:mod:`.resolve`), take places and bodies from the sentence and the undated sentences
after it (:mod:`.places`), title it, and key it (:mod:`.events`). "Meetings of A, B and C" becomes
one event per CSTO body; an anniversary becomes the founding act it counts from; an article that
reports nothing held around its publication date is itself an event of that day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from calendar_service.dates import Precision, format_at_precision, period_bounds
from calendar_service.ingest.extract.anniversary import Anniversary, founding_date, founding_title
from calendar_service.ingest.extract.classify import (
    category_named_back,
    category_of,
    first_cue,
    last_cue,
    names_kind,
    occurs,
    statement_cue,
    status_of,
    tense_of,
    under_way_now,
)
from calendar_service.ingest.extract.events import (
    ExtractedEvent,
    confidence,
    event_key,
    period_of,
    slug,
    title_core,
)
from calendar_service.ingest.extract.gazetteer import Entry, Kind, NameMatch
from calendar_service.ingest.extract.grammar import DateMention, find_dates
from calendar_service.ingest.extract.items import LEAD_PREFIX, ItemKind
from calendar_service.ingest.extract.places import Places, bodies_of, places_of
from calendar_service.ingest.extract.resolve import Tense, resolve
from calendar_service.ingest.extract.sentences import Context, ReadSentence, clause_of
from calendar_service.store.records import Category, Status

__all__ = ["dated_events", "founding_event", "make_event", "principal_body", "publication_event", "under_way_event"]

_I = re.IGNORECASE
_SPLIT_NOUN = re.compile(r"\b(?:meetings|sessions|заседани(?:я|й|ях|ями)|встреч(?:и|ах))\b", _I)
_JOINT = re.compile(r"\bjoint\b|\bсовместн\w*", _I)
_EVENT_NOUN = re.compile(
    r"\b(?:sessions?|meetings?|summits?|сесси[яиюей]|заседани[еяюий]\w*|саммит\w*|встреч[аиуей])\b", _I
)
#: Between two coordinated phrases: "and", "as well as", "и", "а также", with the adjectives of the next.
_PHRASE_JOIN = re.compile(
    r"\s*\)?\s*(?:\([^()\s]{1,12}\)\s*)?(?:,\s*)?(?:and|as well as|и|а также)\s+"
    r"(?:(?:the|a|an|joint|extraordinary|regular|совместн\w*|внеочередн\w*|очередн\w*)\s+)*$",
    _I,
)
#: The adjectives before an event word, part of its phrase: "the joint meeting", "совместного заседания".
_PHRASE_HEAD = re.compile(
    r"(?:(?:joint|extraordinary|regular|совместн\w*|внеочередн\w*|очередн\w*)\s+)*$", _I
)
_BODY_HEAD_GAP = re.compile(r"^\s*(?:of\s+)?(?:the\s+)?$", _I)
#: (a body's acronym may follow it in brackets: "Совета министров обороны (СМО) и Комитета ...")
_LIST_GAP = re.compile(
    r"^\s*\)?\s*(?:\([^()\s]{1,12}\)\s*)?(?:,|and|и|as well as|а также|,\s*and|,\s*и)?\s*(?:the\s+)?\(?$", _I
)
_AFTER_LEAD = re.compile(r"^[\s,:–—-]*")
_TODAY = re.compile(r"\btoday\b|\bсегодня\b", _I)
_TITLE_LENGTH = 160
_ORGANIZATION = "CSTO"


def founding_event(
    context: Context,
    sentence: ReadSentence,
    anniversary: Anniversary,
    mention: DateMention | None,
    *,
    marks_the_day: bool,
) -> ExtractedEvent:
    """Return the act ``anniversary`` counts from, dated by the day that marks it (``mention``).

    When the date is that of an event held for the anniversary ("On 3 October, a round table
    dedicated to the 75th anniversary of ..."), ``marks_the_day`` is false and only the year is
    known. Without a date in its clause the anniversary is counted from the publication day when
    the text says "today", else from the year of the anchor.
    """
    if mention is not None:
        resolved = resolve(
            mention, anchor=context.anchor, tense=Tense.PAST, anchor_is_published=context.publication_year_written
        )
        commemorated, precision = resolved.start, resolved.precision
        if not marks_the_day:
            precision = Precision.YEAR
        inferred = resolved.year_inferred and not context.publication_year_written
        evidence_span = (min(mention.start, anniversary.start), max(mention.end, anniversary.end))
    else:
        today = (anniversary.today or _TODAY.search(sentence.text)) and context.has_publication
        commemorated, precision = context.anchor, Precision.DAY if today else Precision.YEAR
        inferred = not context.publication_year_written
        evidence_span = (anniversary.start, anniversary.end)
    start = founding_date(commemorated, anniversary.years, precision)
    end = _period_end(start, precision)
    title = founding_title(anniversary.what, context.item.language, done=anniversary.done)
    key = f"news:anniversary:{format_at_precision(start, precision)}"
    if precision is not Precision.DAY:
        key += f":{slug(title_core(title))}"
    bodies = bodies_of(context.gazetteer.find(anniversary.what))
    return make_event(
        context,
        confidence=confidence(
            precision=precision, year_inferred=inferred, occurrence=True, own_clause=True, named_kind=True
        ),
        key=key,
        title=title,
        summary=sentence.text,
        start=start,
        end=end,
        precision=precision,
        category=Category.MILESTONE,
        status=Status.HELD,
        countries=(),
        bodies=bodies,
        anniversary=True,
        year_inferred=inferred,
        evidence_span=evidence_span,
        city=None,
        country=None,
    )


def _period_end(start: dt.date, precision: Precision) -> dt.date:
    month = None if precision is Precision.YEAR else start.month
    day = start.day if precision is Precision.DAY else None
    return period_bounds(start.year, month, day)[1]


def dated_events(
    context: Context,
    sentence: ReadSentence,
    scope: list[ReadSentence],
    following: str,
    mention: DateMention,
    original: DateMention | None,
    title: str | None,
) -> list[ExtractedEvent]:
    """Return the event(s) a date of a sentence stands for.

    Args:
        scope: the sentence and the undated sentences after it, for places, bodies and summary.
        following: the next sentence, which may name the event ("this operation").
        original: for a postponement, the date the event moved from; it decides the key.
        title: the item's title line, for the first event of a news item.
    """
    clause_start, clause_end = clause_of(sentence, mention.start)
    offset = sentence.span.start
    clause = sentence.masked[clause_start - offset : clause_end - offset]
    status = (
        status_of(clause, mention.start - clause_start)
        or tense_of(clause)
        or status_of(sentence.masked, mention.start - offset)
    )
    # "had been planned for September; it will not take place": cancelled wherever the sentence says so.
    stated_in_sentence = status_of(sentence.masked, mention.start - offset)
    if stated_in_sentence in (Status.CANCELLED, Status.POSTPONED) and original is None:
        status = stated_in_sentence
    # "... проведена операция «Канал». Мероприятие проходило с 22 по 26 сентября": the event the
    # sentence before named (and, if it was called off, its fate).
    told_before, fate = _told_before(context, sentence) if _GENERIC_EVENT.search(clause) else (None, None)
    if told_before is not None and fate is not None and original is None and category_of(clause) is None:
        status = fate
    stated = status is not None
    tense = Tense.PAST if status in (None, Status.HELD) else Tense.FUTURE
    resolved = resolve(
        mention, anchor=context.anchor, tense=tense, anchor_is_published=context.publication_year_written
    )
    if status is None and resolved.year_inferred and mention.relative is None:
        # No word says whether it happened or is to come ("the exercise that starts on 5 September"):
        # the reading in the year the item set for this kind of event ("Учения в 2026 году пройдут
        # ... В сентябре – «Рубеж»"), else the nearer of the two readings.
        ahead = resolve(
            mention, anchor=context.anchor, tense=Tense.FUTURE, anchor_is_published=context.publication_year_written
        )
        kind = category_of(clause) or category_of(sentence.masked)
        frame = context.frames.get(kind) if kind is not None else None
        if frame is not None and frame in (ahead.start.year, resolved.start.year):
            resolved = ahead if ahead.start.year == frame else resolved
        elif abs((ahead.start - context.anchor).days) < abs((resolved.start - context.anchor).days):
            resolved = ahead
    if resolved.year_inferred and (
        any(m is not mention and m.first.year == m.last.year == resolved.start.year for m in sentence.mentions)
        or resolved.start.year in sentence.years
    ):
        resolved = replace(resolved, year_inferred=False)  # "в 2013 году в два этапа: с 13 по 17 мая"
    if status is None:
        status = Status.HELD if resolved.start <= context.anchor else Status.PLANNED
    if _is_history(context, clause, resolved.precision, resolved.end) or _is_an_old_act(context, clause, resolved.end):
        return []
    own_clause = category_of(clause) is not None
    if mention.counted and (not own_clause or _SPOKEN.search(clause)):
        return []  # "Накануне президент заявил, что ...": a day counted from another dates only a kind of event
    category = (
        _participle_kind(clause, mention.begin - clause_start)
        or category_of(clause)
        or category_of(sentence.masked)
        or category_named_back(following)
    )
    if category is None and told_before is not None:
        category = told_before
    if _outside_only(sentence) or _others_event(sentence, (clause_start, clause_end)):
        # "Межпарламентская ассамблея СНГ пройдет 24-25 ноября"; "the CSTO leaders will meet on 28
        # November, and an informal meeting of the CIS will take place at the end of December".
        return []
    if category is Category.OTHER and _OPENS_OR_CLOSES.search(clause):
        # "В Казахстане начались учения ... Церемония открытия состоялась 3 октября": the exercise begun.
        told = category_of(context.text[context.item.start : sentence.span.start])
        category = told if told in (Category.TRAINING, Category.OPERATION) else category
    if category is Category.STATEMENT and _said_by_others(context, sentence, clause_start, clause_end):
        return []  # "The Russian Defense Ministry said in a statement", "In an interview, Pashinyan said"
    named_kind = category is not None
    if category is None:
        if not occurs(clause):
            return []  # a date nothing happens on: "chaired by Kazakhstan in 2023-2024", "said in March"
        category = Category.OTHER
    if (
        category is Category.MILESTONE
        and not _RECALLED.search(sentence.text)
        and _is_history(context, clause, Precision.YEAR, resolved.end)
    ):
        return []  # "The Treaty was signed in Tashkent on 15 May 1992", recalled in a report of 2012
    keyed = (
        resolve(original, anchor=context.anchor, tense=tense, anchor_is_published=context.publication_year_written)
        if original is not None
        else resolved
    )
    scope_names = [name for part in scope for name in part.names]
    if category is Category.STATEMENT and (clause_start, clause_end) != (sentence.span.start, sentence.span.end):
        # "Kazakhstan will host ..., the Chief of the Joint Staff told a briefing on Wednesday": a
        # statement is made where its own clause says, not where the news it gives is to happen.
        scope_names = [name for name in sentence.names if clause_start <= name.start < clause_end]
    places = places_of(context.text, scope_names)
    where = _WHERE.match(context.text, clause_start)
    if where is not None:
        # "Среди стран-участниц значится и Казахстан, где в сентябре развернутся тренировки": the
        # place the relative clause hangs on.
        before = [n.entry for n in sentence.names if clause_start - 3 <= n.end <= clause_start]
        if before and before[-1].kind in (Kind.COUNTRY, Kind.CITY):
            entry = before[-1]
            code = entry.country or entry.name
            places = Places((code,), entry.name if entry.kind is Kind.CITY else None, code)
    if len(places.countries) > 1:
        # "Очередная сессия состоится в Душанбе, — сообщили по итогам прошедшего 28 ноября саммита в
        # Бишкеке": the place in the date's own clause.
        own = places_of(context.text, [n for n in sentence.names if clause_start <= n.start < clause_end])
        if own.countries:
            places = own
    if len(places.countries) > 1 and any(m.start != mention.start for m in sentence.mentions):
        # Two dates, two places: each event is where the stretch of the sentence around its date
        # (between commas) puts it: "пройдет в кыргызской столице завтра, в четвертом квартале
        # следующего года лидеры соберутся в Москве".
        left, right = _stretch(sentence, mention)
        own = places_of(context.text, [n for n in sentence.names if left < n.start < right])
        if not own.countries:  # "In September, Kazakhstan will host ..., and in the autumn Belarus ..."
            own = places_of(context.text, [n for n in sentence.names if clause_start <= n.start < clause_end])
        if own.countries:
            places = own
    remote = _REMOTE.search(sentence.text) is not None  # a videoconference is held nowhere
    near = category is Category.STATEMENT or _near(resolved.start, resolved.end, context.anchor)
    # "on the territory of all member states": a place of its own, though none in particular.
    everywhere = _EVERY_STATE.search(sentence.text) is not None
    if not places.countries and not remote and not everywhere:
        places = place_before(context, sentence, category, resolved.start, resolved.end) or places
    if not places.countries and near and not remote and not everywhere:
        places = title_place(context, category) or dateline_place(context) or places
    summary = " ".join(" ".join(part.text.split()) for part in scope)
    common = {
        "summary": summary,
        "start": resolved.start,
        "end": resolved.end,
        "precision": resolved.precision,
        "category": category,
        "status": status,
        "countries": places.countries,
        "anniversary": False,
        "year_inferred": resolved.year_inferred,
        "city": places.city,
        "country": places.country,
        "confidence": confidence(
            precision=resolved.precision,
            year_inferred=resolved.year_inferred,
            occurrence=stated or occurs(clause),
            own_clause=own_clause,
            named_kind=named_kind,
        ),
    }
    phrases = _coordinated(context.text, sentence) if category is Category.MEETING else []
    if phrases:
        return [
            make_event(
                context,
                key=event_key(
                    category,
                    " ".join(m.entry.name for m in bodies),
                    period_of(
                        keyed.start, keyed.precision, half_yearly=all(m.entry.half_yearly for m in bodies)
                    ),
                ),
                title=_shorten(context.text[start:end]),
                bodies=tuple(dict.fromkeys(m.entry.name for m in bodies)),
                evidence_span=(mention.start, mention.end),
                **common,
            )
            for start, end, bodies in phrases
        ]
    named = _exercise_names(clause) if category is Category.TRAINING else []
    if named:
        return [
            make_event(
                context,
                key=event_key(category, name, period_of(keyed.start, keyed.precision, half_yearly=False)),
                title=_shorten(("Учение «{}»" if context.item.language == "ru" else 'Exercise "{}"').format(name)),
                bodies=bodies_of(scope_names),
                evidence_span=(mention.start, mention.end),
                **common,
            )
            for name in named
        ]
    split = _split_bodies(context.text, sentence) if category is Category.MEETING else []
    if split:
        russian = context.item.language == "ru"
        return [
            make_event(
                context,
                key=event_key(
                    category,
                    match.entry.name,
                    period_of(keyed.start, keyed.precision, half_yearly=match.entry.half_yearly),
                ),
                title=("Заседание " + context.text[match.start : match.end])
                if russian
                else f"Meeting of the {match.entry.name}",
                bodies=(match.entry.name,),
                evidence_span=(mention.start, mention.end),
                **common,
            )
            for match in split
        ]
    title = title or _title(context.text, sentence, mention)
    principal = principal_body(sentence)
    period = period_of(
        keyed.start, keyed.precision, half_yearly=principal is not None and principal.half_yearly
    )
    core = principal.name if principal is not None else title_core(title)
    return [
        make_event(
            context,
            key=event_key(category, core, period),
            title=title,
            bodies=bodies_of(scope_names),
            evidence_span=(mention.start, mention.end),
            **common,
        )
    ]


#: A chairmanship or a count of events ("five extraordinary sessions in 2022") is no event of its own.
_CHAIR = re.compile(
    r"\bchair(?:s|ed|ing|manship)?\b|\bpresid(?:es|ed|ency)\b|\bпредседательств\w*|\bпредседател\w*", _I
)
_COUNT = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|два|две|три|четыре|пять|шесть|семь|восемь|девять"
    r"|десять)\s+(?:[\w-]+\s+){0,3}?(?:sessions|meetings|exercises|drills|events|сесси\w*|заседани\w*|учени\w*"
    r"|мероприяти\w*)",
    _I,
)


def _is_history(context: Context, clause: str, precision: Precision, end: dt.date) -> bool:
    """Tell background from news in an agency's report or plain text.

    A year before the year of the item ("signed in 1992", "created in 2002", "obligations in 2021")
    is history there, and a chairmanship or a count of events is background in any year. A body's
    own article (an item headed by its date) may recall its history as events: it is left alone.
    """
    if precision is not Precision.YEAR or context.item.kind in (ItemKind.ARTICLE, ItemKind.NEWS):
        return False
    if end.year < context.anchor.year:
        return True
    if _COUNT.search(clause):
        return True
    # "the chairmanship will pass to Russia, which will host the session": the session is news.
    return _CHAIR.search(clause) is not None and category_of(clause) is None


#: What a decision or a document does: agreed, approved, adopted, signed, established ...
_ACT = re.compile(
    r"\b(?:agreed|approved|adopted|signed|decided|established|founded|created|ratified|endorsed"
    r"|подписал\w*|подписан\w*|утвердил\w*|утвержд[её]н\w*|принял[аи]?\b|принят[аоы]?\b|учредил\w*|создал\w*"
    r"|договорил\w*|ратифицировал\w*|одобрил\w*)",
    _I,
)
#: Kinds of event that stay events however long ago they were: "the first exercise was held in October 2009".
_GATHERINGS = (Category.MEETING, Category.TRAINING, Category.OPERATION, Category.CONSULTATION)
_LONG_AGO = dt.timedelta(days=366)
_AT_GATHERING = re.compile(
    r"\b(?:at|during|in the course of|following|on the sidelines of|в ходе|на|по итогам|в рамках)\s+"
    r"(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,2}?(?:sessions?|meetings?|summits?|talks|conference|exercises?"
    r"|заседани\w*|сесси\w*|саммит\w*|встреч\w*|переговор\w*|учени\w*|конференци\w*)",
    _I,
)


def _is_an_old_act(context: Context, clause: str, end: dt.date) -> bool:
    """Tell a decision or a document of years past, recalled in a report, from news.

    "On October 6, 2007, CSTO member nations agreed to create a Peacekeeping Force", "В 2010 году была
    принята декларация": background for a report of today (a body's own article may recall its history
    as events, and an anniversary recalls it as one). A meeting or exercise of that day named in the
    clause before the act stays an event.
    """
    if context.item.kind in (ItemKind.ARTICLE, ItemKind.NEWS) or end >= context.anchor - _LONG_AGO:
        return False
    act = _ACT.search(clause)
    if act is None or _RECALLED.search(clause):
        return False
    # Who acted, or where: "the summit in Minsk adopted ..." is the summit's day; what the act was
    # about ("agreed to create a force that could be deployed") is not.
    if _AT_GATHERING.search(clause):  # "Документы подписаны в ходе саммита ОДКБ в Ереване 14 октября 2016 года"
        return False
    return not any(names_kind(clause[: act.start()], category) for category in _GATHERINGS)


#: A founding act the sentence recalls as an anniversary ("Twenty years ago, on 7 October 2002, ..."):
#: not background.
_RECALLED = re.compile(r"\byears? ago\b|\bлет назад\b|\bгод назад\b|\banniversar|\bгодовщин|летие\b|лети[яюе]\b", _I)
_EVERY_STATE = re.compile(
    r"\b(?:in|on the territor(?:y|ies) of|across)\s+(?:all|each of the|every)\s+(?:\w+\s+){0,2}?"
    r"(?:states|countries|members)\b"
    r"|\b(?:на|в)\s+территори\w*\s+(?:всех|каждого из)\s+(?:\w+\s+){0,2}?(?:государств|стран)"
    r"|\bво всех\s+(?:\w+\s+){0,2}?(?:государствах|странах)",
    _I,
)
#: Words of saying: a day counted from another ("накануне") that only dates a remark dates no event.
_SPOKEN = re.compile(
    r"\b(?:said|says|told|stated|announced|noted|reported|declared|заявил\w*|сообщил\w*|отметил\w*"
    r"|рассказал\w*|подчеркнул\w*|сообщалось|заявлял\w*|говорил\w*)\b",
    _I,
)
#: An event noun with a participle that carries the date: "exercises conducted in Armenia on 24-26 May",
#: "the session held in Minsk on", "учения, проходившие с 3 по 7 июня", "запланированного на 5 мая".
_PARTICIPLE = re.compile(
    r"\b(?:held|conducted|scheduled|planned|set|due|slated|(?:that|which) (?:took|will take|takes) place"
    r"|проведенн\w*|прошедш\w*|проходивш\w*|проходящ\w*|состоявш\w*|запланированн\w*|намеченн\w*"
    r"|назначенн\w*)\b(?=[^.;,]{0,50}$)",
    _I,
)


def _participle_kind(clause: str, position: int) -> Category | None:
    """Return the kind of the event noun that a participle ties to the date at ``position`` of ``clause``.

    "to participate at the meeting ... and to observe exercises conducted in Armenia on May 24-26": the
    days are the exercises', though the meeting is named first.
    """
    if position <= 0:
        return None
    participles = list(_PARTICIPLE.finditer(clause, max(0, position - 110), position))
    if not participles:
        return None
    # The noun nearest before the participle: "the first joint command-staff exercises, Kavkaz-2020,
    # will be held at the end of September", after "decided to expand cooperation".
    return last_cue(clause[max(0, participles[-1].start() - 100) : participles[-1].start()])


#: A relative clause of place: "..., где в сентябре ...", "..., where the exercise will be held".
_WHERE = re.compile(r"\s*(?:где|where)\b", _I)


#: The Organization named without its name: "the Organization", "the bloc", "Организации".
_THE_ORGANIZATION = re.compile(r"\bOrgani[sz]ation\b|\balliance\b|\bbloc\b|\bОрганизаци\w*|\bблок\w*", _I)


def _outside_only(sentence: ReadSentence, clause: tuple[int, int] | None = None) -> bool:
    """Tell a sentence (or one of its clauses) that names only organisations other than the CSTO (the
    CIS, the SCO, the UN ...): what it dates is theirs, not the Organization's, unless it names the
    Organization in other words (an organisation's own name, "Шанхайской организации сотрудничества",
    does not)."""
    start, end = clause if clause is not None else (sentence.span.start, sentence.span.end)
    bodies = [m.entry for m in _bodies_of_their_own(sentence) if start <= m.start < end]
    offset = sentence.span.start
    return (
        bool(bodies)
        and not any(entry.part_of or entry.name == "CSTO" for entry in bodies)
        and not _THE_ORGANIZATION.search(sentence.masked[start - offset : end - offset])
    )


#: An organisation's own event: "an informal meeting of the CIS heads of state", "the SCO summit".
_ITS_EVENT = re.compile(
    r"\b(?:sessions?|meetings?|summits?|exercises?|drills|сесси[яиюей]|заседани\w*|саммит\w*|встреч[аиуей]"
    r"|учени\w*)\s+(?:of\s+)?(?:the\s+)?$",
    _I,
)
_BEFORE_ITS_EVENT = re.compile(r"^['’]?s?\s+(?:\w+\s+)?(?:sessions?|meetings?|summits?|exercises?|drills)\b", _I)


#: Between a statement's word and whose it is: "Statement of the Ministers ... of the", "Заявление министров".
_OF_WHOM = re.compile(r"^\S+\s+(?:of\b[^.;,]{0,100}|(?:[^\s.;,]+\s+){0,6}(?:[–-]\s+)?(?:[^\s.;,]+\s+){0,2})$", _I)


def _said_by_others(context: Context, sentence: ReadSentence, clause_start: int, clause_end: int) -> bool:
    """Tell a statement, interview or press conference that someone other than the Organization gives:
    the last name before its word is a state's or another organisation's ("The Russian Defense Ministry
    said in a statement", "Armenia's minister told a press conference"), or none is ("In an interview,
    Pashinyan said ..."). The CSTO's own news service speaks for the Organization."""
    if _OWN_OUTLET.search(context.text, context.item.start, context.item.end):
        return False
    offset = sentence.span.start
    cue = statement_cue(sentence.masked[clause_start - offset : clause_end - offset])
    if cue is None:
        return False
    before = [m for m in sentence.names if m.start < clause_start + cue and m.entry.kind in (Kind.BODY, Kind.COUNTRY)]
    if not before:
        # "Statement of the Ministers of Foreign Affairs of the Member States of the CSTO", "Заявление
        # министров иностранных дел государств - членов ОДКБ": whose statement its words say.
        for name in sentence.names:
            if name.start > clause_start + cue and name.entry.kind is Kind.BODY:
                gap = context.text[clause_start + cue : name.start]
                if _OF_WHOM.match(gap) and (name.entry.part_of or name.entry.name == "CSTO"):
                    return False
                break
        return not _THE_ORGANIZATION.search(sentence.masked[: clause_start + cue - offset])
    last = before[-1].entry
    return last.kind is Kind.COUNTRY or not (last.part_of or last.name == "CSTO")


def _bodies_of_their_own(sentence: ReadSentence) -> list[NameMatch]:
    """Return the bodies a sentence names, without an office that another organisation's name heads or
    follows: "CIS Secretary General Sergei Lebedev", "генеральный секретарь СНГ" are the CIS's, not the
    CSTO's Secretary General."""
    bodies = [m for m in sentence.names if m.entry.kind is Kind.BODY]
    outside = [m for m in bodies if not m.entry.part_of and m.entry.name != "CSTO"]
    return [
        m for m in bodies
        if not (m.entry.part_of and any(0 <= m.start - o.end <= 1 or 0 <= o.start - m.end <= 1 for o in outside))
    ]


def _others_event(sentence: ReadSentence, clause: tuple[int, int]) -> bool:
    """Tell a clause whose event belongs to another organisation, in a sentence that names the CSTO in
    another clause: "the CSTO leaders will meet on 28 November, and an informal meeting of the CIS
    heads of state will take place at the end of December"."""
    start, end = clause
    bodies = [m for m in _bodies_of_their_own(sentence) if start <= m.start < end]
    if not bodies or any(m.entry.part_of or m.entry.name == "CSTO" for m in bodies):
        return False
    offset = sentence.span.start
    if _THE_ORGANIZATION.search(sentence.masked[start - offset : end - offset]):
        return False
    text = sentence.text
    return any(
        _ITS_EVENT.search(text[max(0, m.start - offset - 40) : m.start - offset])
        or _BEFORE_ITS_EVENT.match(text[m.end - offset : m.end - offset + 40])
        for m in bodies
    )


#: A noun that names an event without saying which kind: the one just named ("The event ran ...").
_GENERIC_EVENT = re.compile(
    r"^\W*(?:(?:the|this|that|the said)\s+)?(?:events?|activity|action)\b"
    r"|^\W*(?:it|they)\s+(?:was|were|had|will|is|are)\b"
    r"|^\W*(?:(?:это|данное|само|эти|данные)\s+)?(?:мероприяти[ея]|событи[ея]|акция)\b|^\W*(?:оно|они|она)\s",
    _I,
)


def _told_before(context: Context, sentence: ReadSentence) -> tuple[Category | None, Status | None]:
    """Return the category the item's sentence before ``sentence`` names, if any, and whether it says
    that event was cancelled or postponed ("Киргизия отменила учения ... Они планировались с 10 по 14
    октября")."""
    spans = context.item.sentences
    index = next((i for i, span in enumerate(spans) if span.start == sentence.span.start), 0)
    if index == 0:
        return None, None
    before = context.text[spans[index - 1].start : spans[index - 1].end]
    stated = status_of(before, 0)
    return category_of(before), stated if stated in (Status.CANCELLED, Status.POSTPONED) else None


_OPENS_OR_CLOSES = re.compile(r"\b(?:opening|closing)\s+ceremony\b|\bцеремони\w*\s+(?:открытия|закрытия)\b", _I)
_REMOTE = re.compile(
    r"\bvideo\s*conferenc\w*|\bvideo\s+link\b|\bonline\b|\bvirtual(?:ly)?\b|\bby video\b|\bвидеоконференц\w*"
    r"|\bвидеосвяз\w*|\bонлайн\b|\bдистанционн\w*|\bв режиме видео\w*",
    _I,
)
#: A report that names its source: "the press service of the ministry reports", "сообщает ТАСС".
_ATTRIBUTED = re.compile(
    r"\b(?:reports|reported|said|says|according to|citing|quoted)\b"
    r"|\bсообща(?:ет|ют|ли|л|ла)\b|\bсообщил(?:а|и)?\b|\bпереда[её]т\b|\bпередают\b|\bпишет\b|\bпо данным\b"
    r"|\bсо ссылкой\b",
    _I,
)
#: The CSTO's own news service: its items are the Organization's statements, like its site's articles.
_OWN_OUTLET = re.compile(r"ОДКБ-?информ|CSTO-?inform|odkb-csto", _I)
#: How far from the publication day an event may lie for the dateline's place to be taken as its
#: venue when the text names none: agencies file from where the news happens, on or about the day.
_DATELINE_REACH = dt.timedelta(days=7)


def _near(start: dt.date, end: dt.date, anchor: dt.date) -> bool:
    return start - _DATELINE_REACH <= anchor <= end + _DATELINE_REACH


def title_place(context: Context, category: Category) -> Places | None:
    """Return the one city the item's title puts an event of this kind in ("Session of the CSTO
    Council of Foreign Ministers in Yerevan"), for the item's report of it that names no place."""
    title = context.item.title
    if not title or category_of(title) not in (category, None):
        return None
    places = places_of(title, context.gazetteer.find(title))
    # A city: a country in a title is as often the topic ("unrest in Kyrgyzstan") as the venue.
    return places if len(places.countries) == 1 and places.city is not None else None


#: "the next session", "очередное заседание": another occurrence, not the one told before.
_ANOTHER = re.compile(r"\b(?:next|another|following)\b|\b(?:следующ|очередн|друг)\w*", _I)
#: How far apart a date of the earlier sentence and the event may lie and still be one happening.
_SAME_HAPPENING = dt.timedelta(days=31)


def place_before(
    context: Context, sentence: ReadSentence, category: Category, start: dt.date, end: dt.date
) -> Places | None:
    """Return the one venue the item's sentence before ``sentence`` gives the event both tell of ("The
    exercise opened in Yerevan on Monday. It will last until Friday ..."; "Учение проходит в
    Таджикистане. Активная фаза начнется 20 октября"), for a sentence that names no place.

    The same event: the sentence names no body of its own, and the sentence before an event of the
    same kind (a summit in Minsk does not place "a meeting of the Permanent Council on Friday").
    """
    if any(name.entry.kind is Kind.BODY for name in sentence.names) or _ANOTHER.search(sentence.text):
        return None
    spans = context.item.sentences
    index = next((i for i, span in enumerate(spans) if span.start == sentence.span.start), 0)
    for earlier in reversed(spans[:index]):
        before = context.text[earlier.start : earlier.end]
        if not (names_kind(before, category) if category is not Category.OTHER else category_of(before)):
            continue
        places = places_of(before, context.gazetteer.find(before))
        if places.countries:
            return places if len(places.countries) == 1 and _one_happening(context, before, start, end) else None
    return None


def _one_happening(context: Context, before: str, start: dt.date, end: dt.date) -> bool:
    """Tell whether the dates of the earlier sentence (if any) lie near the event's: "состоялось 11
    ноября ... Следующее заседание намечено на весну" are two sessions."""
    mentions = find_dates(before)
    if not mentions:
        return True
    for mention in mentions:
        for tense in (Tense.PAST, Tense.FUTURE):
            told = resolve(
                mention, anchor=context.anchor, tense=tense, anchor_is_published=context.publication_year_written
            )
            if told.start - _SAME_HAPPENING <= end and start <= told.end + _SAME_HAPPENING:
                return True
    return False


def dateline_place(context: Context) -> Places | None:
    """Return the place of the item's dateline ("ALMATY, March 14. /TASS/." is Almaty), if known."""
    if context.item.place is None:
        return None
    for match in context.gazetteer.find(context.item.place):
        if match.entry.kind is Kind.CITY and match.entry.country:
            return Places((match.entry.country,), match.entry.name, match.entry.country)
        if match.entry.kind is Kind.COUNTRY:
            return Places((match.entry.name,), None, match.entry.name)
    return None


def principal_body(sentence: ReadSentence) -> Entry | None:
    """Return the body the event belongs to: the first after the event word, else the first CSTO body.

    The CSTO itself counts only when no other body is named ("the CSTO member states" do not make
    a Joint Staff event the CSTO's).
    """
    bodies = [m for m in sentence.names if m.entry.kind is Kind.BODY]
    if not bodies:
        return None
    specific = [m for m in bodies if m.entry.name != _ORGANIZATION] or bodies
    cue = first_cue(sentence.masked)
    if cue is not None:
        after = [m for m in specific if m.start >= sentence.span.start + cue[0]]
        if after:
            return after[0].entry
    own = [m for m in specific if m.entry.part_of]
    return (own or specific)[0].entry


def _coordinated(text: str, sentence: ReadSentence) -> list[tuple[int, int, list[NameMatch]]]:
    """Return the meetings of "a session of A and a joint meeting of B, C and D", one per noun phrase.

    Each phrase is an event word followed by the bodies it governs; two or more phrases joined by
    "and"/"и" are as many events ("сессии СКБ и совместного заседания СМИД, СМО и КССБ" are two).
    """
    bodies = [m for m in sentence.names if m.entry.kind is Kind.BODY and m.entry.part_of]
    phrases: list[tuple[int, int, list[NameMatch]]] = []
    for noun in _EVENT_NOUN.finditer(sentence.text):
        start = sentence.span.start + noun.start()
        if phrases and start < phrases[-1][1]:
            continue
        if phrases and not _PHRASE_JOIN.match(text[phrases[-1][1] : start]):
            if len(phrases) >= 2:
                break
            phrases = []
        position = sentence.span.start + noun.end()
        governed: list[NameMatch] = []
        for body in bodies:
            if body.start < position:
                continue
            if not (_BODY_HEAD_GAP if not governed else _LIST_GAP).match(text[position : body.start]):
                break
            governed.append(body)
            position = body.end
        if not governed:
            if len(phrases) >= 2:
                break
            phrases = []
            continue
        words = _PHRASE_HEAD.search(text, sentence.span.start, start)  # matches, if only nothing
        head = start - (len(words.group()) if words else 0)
        phrases.append((head, position, governed))
    return phrases if len(phrases) >= 2 else []


#: Exercises named in a list after their noun: "учений «Взаимодействие», «Поиск» и «Эшелон»".
_NAMED_EXERCISES = re.compile(
    r"(?:\bучени\w*|\bexercises\b|\bdrills\b|\bcode\s?names?|\bпод (?:кодовыми )?названиями)\s+"
    r"(?:[^\s«»\"“”]+\s+){0,3}?"
    r"(?P<list>[«\"“][^«»\"“”]{2,40}[»\"”](?:\s*(?:,\s*(?:and\s+)?|\s+(?:и|and)\s+)"
    # "«Нерушимое братство» и специальное учение «Барьер»": the next one may name its kind again.
    r"(?:(?:специальн\w+|командно-штабн\w+|совместн\w+|special|joint|command-staff)\s+)?"
    r"(?:(?:учени\w*|exercises?|drills?)\s+)?[«\"“][^«»\"“”]{2,40}[»\"”])+)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[«\"“]([^«»\"“”]{2,40})[»\"”]")
#: Exercises named by their code names with the year, unquoted: "the exercises Interaction-2022,
#: Search-2022 and Echelon-2022".
_CODE_NAME = r"[A-ZА-ЯЁ][\w]+(?:[ -][A-ZА-ЯЁ][\w]+)?-(?:19|20)\d\d"
_NAMED_BARE = re.compile(
    rf"(?:\bучени\w*|\bexercises\b|\bdrills\b)\s+(?:[^\s,]+\s+){{0,3}}?"
    rf"(?P<list>{_CODE_NAME}(?:\s*(?:,\s*(?:and\s+)?|\s+(?:и|and)\s+){_CODE_NAME})+)",
    re.IGNORECASE,
)


def _stretch(sentence: ReadSentence, mention: DateMention) -> tuple[int, int]:
    """Return the commas or semicolons around ``mention`` in its sentence (global offsets)."""
    text, offset = sentence.text, sentence.span.start
    before = text[: mention.start - offset]
    left = max(before.rfind(","), before.rfind(";"))
    after = [i for i in (text.find(",", mention.end - offset), text.find(";", mention.end - offset)) if i >= 0]
    return offset + left, offset + min(after, default=len(text))


def _exercise_names(clause: str) -> list[str]:
    """Return the names of two or more exercises listed together: each is an event of its own."""
    listed = _NAMED_EXERCISES.search(clause)
    if listed is not None:
        names = list(dict.fromkeys(name.strip() for name in _QUOTED.findall(listed.group("list"))))
    else:
        bare = _NAMED_BARE.search(clause)
        names = list(dict.fromkeys(re.findall(_CODE_NAME, bare.group("list")))) if bare is not None else []
    return names if len(names) >= 2 else []


def _split_bodies(text: str, sentence: ReadSentence) -> list[NameMatch]:
    """Return the CSTO bodies listed after "meetings of", when there are two or more."""
    bodies = [m for m in sentence.names if m.entry.kind is Kind.BODY]
    for noun in _SPLIT_NOUN.finditer(sentence.text):
        if _JOINT.search(sentence.text[max(0, noun.start() - 30) : noun.start()]):
            continue
        position = sentence.span.start + noun.end()
        listed: list[NameMatch] = []
        for body in bodies:
            if body.start < position:
                continue
            gap = text[position : body.start]
            if not (_BODY_HEAD_GAP if not listed else _LIST_GAP).match(gap):
                break
            if body.entry.part_of:
                listed.append(body)
            position = body.end
        if len(listed) >= 2:
            return listed
    return []


def _title(text: str, sentence: ReadSentence, mention: DateMention) -> str:
    start = sentence.span.start
    if LEAD_PREFIX.match(text[start : mention.begin]):
        gap = _AFTER_LEAD.match(text[mention.end : sentence.span.end])  # matches, if only nothing
        start = mention.end + (gap.end() if gap else 0)
    return _shorten(text[start : sentence.span.end])


def _shorten(text: str) -> str:
    title = " ".join(text.split()).rstrip(" .;:")
    if len(title) > _TITLE_LENGTH:
        title = title[:_TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:-–—") + "…"
    return title[:1].upper() + title[1:] if title else "Event"


def publication_event(context: Context, sentences: list[ReadSentence]) -> ExtractedEvent | None:
    """Return the event an article is on its publication day, if it is one.

    When its first sentence, undated, reports something held ("14.02.2025 The Secretariat hosted a
    briefing"), that is the event of the day. Otherwise an article of a body's own site (an item
    headed by its date) is a statement that body published that day; an agency's report (an item
    with a dateline) is news about something, not a statement, unless its first sentence reports a
    statement made ("the Council adopted a statement", "МИД распространил заявление").
    """
    item = context.item
    published = item.published
    span = item.published_span
    assert published is not None  # only articles get here
    assert span is not None
    first = [s for s in sentences if s.span.paragraph == 0]
    # A season without its year ("would follow in the autumn") does not date what the lead reports.
    undated = bool(first) and not first[0].anniversaries and (
        not first[0].mentions
        or (all(m.loose for m in first[0].mentions) and category_of(first[0].masked) is Category.STATEMENT)
    )
    lead = first[0] if undated else None
    category = category_of(lead.masked) if lead is not None else None
    held = lead is not None and (status_of(lead.masked, 0) is Status.HELD or under_way_now(lead.masked))
    agency = item.kind is ItemKind.AGENCY
    if lead is not None and category is not None and held and (agency or category is not Category.STATEMENT):
        places = places_of(context.text, lead.names)
        if not places.countries:
            places = title_place(context, category) or dateline_place(context) or places
        return _held_on(context, lead, category, places, published,
                        year_inferred=not context.publication_year_written, evidence_span=span)
    if not sentences:
        return None  # a date closing the text ("..., which took place on October 13. / Oct. 13, 2022") heads nothing
    story = item.sentences[0].start if item.sentences else item.end
    if agency and not _OWN_OUTLET.search(context.text, item.start, story):
        return None
    if not agency and any(_ATTRIBUTED.search(s.text) for s in sentences[:3]):
        return None  # an outlet's report of what others said or did ("..., the ministry reports"), not a body's word
    title = item.title or (_shorten(first[0].text) if first else f"Publication of {published.isoformat()}")
    summary = " ".join(" ".join(" ".join(s.text for s in first).split())[:1000].split())
    return make_event(
        context,
        # A body's article is its statement of the day: no verb says so, the day is certain.
        confidence=confidence(
            precision=Precision.DAY, year_inferred=False, occurrence=False, own_clause=True, named_kind=True
        ),
        key=f"news:statement:{slug(title_core(title))}:{published.isoformat()}",
        title=title,
        summary=summary or title,
        start=published,
        end=published,
        precision=Precision.DAY,
        category=Category.STATEMENT,
        status=Status.HELD,
        countries=(),
        bodies=bodies_of(context.gazetteer.find(title)),
        anniversary=False,
        year_inferred=False,
        evidence_span=span,
        city=None,
        country=None,
    )


#: What is under way as the text is written: "Yerevan is hosting", "kicks off", "проходит".
_UNDER_WAY = re.compile(
    r"\b(?:is|are)\s+(?:now\s+)?(?:hosting|being held|taking place|under\s?way)\b|\bkicks? off\b|\bopens\b"
    # A headline tells what happens in the present simple: "Kazakhstan hosts CSTO summit", "Pashinyan attends ...".
    r"|\b(?:starts|begins|gets under\s?way|hosts|attends)\b"
    r"|\bпроход(?:ит|ят)\b|\bоткрыва(?:ется|ются)\b|\bначина(?:ется|ются)\b|\bпровод(?:ит|ят)\b",
    _I,
)
#: What has just begun or been held, told without a day: "стартовало заседание", "the session opened",
#: "speaking at a session held in Astana". In a text's first paragraph it is the news of the day.
_JUST_HELD = re.compile(
    r"\b(?:began|opened|started|commenced|kicked off|got under\s?way|(?:has|have) (?:begun|opened|started|commenced))\b"
    r"|\b(?:participated|took part) in\b"
    r"|\b(?:session|meeting|summit|talks|exercises?|drills)\s+(?:[\w-]+\s+){0,4}?held in\b"
    r"|\bстартовал[аио]?\b|\bначал(?:ось|ась|ся|ись)\b|\bоткрыл(?:ось|ась|ся|ись)\b|\bсостоял(?:ось|ась|ся|ись)\b"
    r"|\bпрош(?:ло|ла|ел|ёл|ли)\b",
    _I,
)
#: Told at second hand: "По его словам, у него состоялись переговоры", "according to him".
_HEARSAY = re.compile(r"\bпо (?:его|её|ее|их) словам\b|\baccording to (?:him|her|them)\b", _I)
#: Kinds of event a text reports held on the day it is read.
_OF_THE_DAY = (Category.MEETING, Category.CONSULTATION, Category.TRAINING, Category.OPERATION)


def under_way_event(context: Context, sentences: list[ReadSentence]) -> ExtractedEvent | None:
    """Return what a text without a publication date reports under way or just held, on the day it is read.

    "Yerevan is hosting an informal summit ...", "Заседание СКБ ОДКБ проходит за закрытыми дверями", "В
    Алма-Ате стартовало заседание СМИД ОДКБ": a text that dates neither itself nor this is read on the
    day it tells of; the year is inferred, and the confidence is low. What is under way counts in the
    first four sentences, what has begun or been held in the first two paragraphs (a headline may
    be the first); the sentence names the
    kind of event (a meeting, an exercise ...), dates nothing else, and is not hearsay.
    """
    lead = None
    for index, sentence in enumerate(sentences[:4]):
        if sentence.mentions or sentence.anniversaries or category_of(sentence.masked) not in _OF_THE_DAY:
            continue
        just_held = sentence.span.paragraph <= 1 and _JUST_HELD.search(sentence.masked) is not None
        if _UNDER_WAY.search(sentence.masked) or (just_held and not _HEARSAY.search(sentence.text)):
            lead = sentence
            break
        if index == 0:
            break  # the first sentence names an event it does not say is held: the text is not a report of the day
    if lead is None:
        return None
    category = category_of(lead.masked)
    assert category is not None
    places = places_of(context.text, lead.names)
    if not places.countries:  # "... проходит за закрытыми дверями. ... В Ереван прибыли все главы государств"
        scope = [s for s in sentences if s.span.paragraph <= lead.span.paragraph + 1 and not s.mentions]
        places = places_of(context.text, [name for s in scope for name in s.names])
    return _held_on(context, lead, category, places, context.anchor, year_inferred=True,
                    evidence_span=(lead.span.start, lead.span.end))


def _held_on(context: Context, lead: ReadSentence, category: Category, places: Places, day: dt.date, *,
             year_inferred: bool, evidence_span: tuple[int, int]) -> ExtractedEvent:
    """Return what the undated ``lead`` sentence reports held, on ``day`` (the day of the text)."""
    title = context.item.title or _shorten(lead.text)
    principal = principal_body(lead)
    core = principal.name if principal is not None else title_core(title)
    half_yearly = principal is not None and principal.half_yearly
    return make_event(
        context,
        confidence=confidence(
            precision=Precision.DAY, year_inferred=year_inferred, occurrence=True, own_clause=True,
            named_kind=True, on_publication_day=True,
        ),
        key=event_key(category, core, period_of(day, Precision.DAY, half_yearly=half_yearly)),
        title=title,
        summary=" ".join(lead.text.split()),
        start=day,
        end=day,
        precision=Precision.DAY,
        category=category,
        status=Status.HELD,
        countries=places.countries,
        bodies=bodies_of(lead.names),
        anniversary=False,
        year_inferred=year_inferred,
        evidence_span=evidence_span,
        city=places.city,
        country=places.country,
    )


def make_event(context: Context, *, evidence_span: tuple[int, int], **fields: object) -> ExtractedEvent:
    """Return an ExtractedEvent of ``context.item`` with its evidence cut from the text."""
    start, end = evidence_span
    return ExtractedEvent(
        evidence=context.text[start:end],
        language=context.item.language,
        published=context.anchor,
        source_url=context.source_url,
        item=context.item.number,
        offset=start,
        # The rest of ExtractedEvent's fields, by name; the dataclass refuses a wrong or missing one.
        **fields,  # type: ignore[arg-type]
    )
