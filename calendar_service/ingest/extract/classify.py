"""Classification: what kind of event a clause describes, and whether it happened or is to come.

Extraction step "classify", on the clause that holds a date (with the names of bodies blanked out,
so "Collective Peacekeeping Forces" is not an operation). The category is the one whose cue comes
first: in "consultations on joint training activities" the event is the consultation, the training
its topic. The status is cancelled or postponed when the clause says so anywhere, else the planned
or held cue nearest the date ("will be held", "состоялось"); without any cue :mod:`.assemble`
decides by the date.
"""

from __future__ import annotations

import functools
import re

from calendar_service.russian import analyzer, has_cyrillic
from calendar_service.store.records import Category, Status

__all__ = [
    "category_named_back", "category_of", "first_cue", "last_cue", "mask", "names_kind", "occurs", "statement_cue",
    "status_of", "tense_of", "under_way_now",
]

_I = re.IGNORECASE

#: Whom one receives: an office or a delegation (English titles are capitalised).
_ROLE_EN = (
    r"[A-Z][a-z]+ (?:Secretary|Minister|Chief|Chairman|Speaker|Ambassador|President|General|of)\b"
    r"|Secretary|Minister|Chief"
)
_ROLE_RU = (
    r"генеральн\w+ секретар\w+|генсек\w*|делегаци\w+|министр\w*|посл[аео]\w*|секретар\w+|начальник\w*"
    r"|председател\w+|заместител\w+|глав\w+ "
)

#: What one adopts rather than receives ("принял Декларацию", "принял Закон").
_ACT_RU = r"Деклараци|Заявлени|Решени|План|Устав|Протокол|Закон|Положени|Программ|Обращени"

_CATEGORY_CUES: dict[Category, re.Pattern[str]] = {
    Category.CONSULTATION: re.compile(r"\bconsultations?\b|\bконсультаци\w*", _I),
    Category.TRAINING: re.compile(
        r"\btrainings?\b|\bexercises?\b|\bdrills?\b|\bcommand[- ]staff\b|\bучени[йяеюи]\w*|\bтрениров\w*"
        r"|\bкомандно-штабн\w*|\bсборы\b|\bстажировк\w*|\bпроверк\w* (?:боевой )?готовности|\breadiness check\w*",
        _I,
    ),
    Category.OPERATION: re.compile(
        r"\boperations?\b|\bpeacekeeping (?:mission|contingent)s?\b|\bdeploy(?:ed|ment)\b"
        r"|\bstabili[sz](?:e|ed|ing|ation)\b[^.;]{0,40}\bsituation\b|\bоперац\w*"
        r"|\bмиротворческ\w* (?:мисси|контингент)\w*"
        r"|\bразвертывани\w*|\bразвёртывани\w*|\bстабилизаци\w*"
        # Peacekeepers sent and brought back: "the peacekeepers arrived", "the withdrawal of the contingent".
        # (however many countries they come from: "peacekeepers from Russia, Belarus and Armenia began to arrive")
        r"|\bpeacekeepers\b(?=(?: \w+)?(?: from [^.;]{0,80}?)? (?:arrived|were deployed|began|started|landed)\b)"
        r"|\bwithdrawal of\b(?! \w+ from the)|\bwithdrawal (?:began|started)\b"
        r"|\bмиротворц\w*(?=(?: \w+)?(?: из [^.;]{0,80}?)? (?:прибыли|развернуты|начали|приступили|стали)\b)"
        # Troops sent in: "прибыли подразделения российских десантников в составе сил ОДКБ", "paratroopers arrived".
        # (not to a range: "прибыли на полигон", "arrived at the range" is an exercise's business)
        r"|\bприбыли (?:(?!на\b)\w+ ){0,3}?(?:подразделени\w*|десантник\w*|военнослужащ\w*|контингент\w*|войск\w*)"
        r"|\b(?:troops|units|paratroopers|servicemen|contingents?) (?:\w+ ){0,2}?(?:arrived|landed) in\b"
        r"|\bвывод\w* (?:\w+\s+){0,2}?(?:войск|контингент\w*|сил|миротворц\w*|подразделени\w*)",
        _I,
    ),
    Category.STATEMENT: re.compile(
        # A draft is a document still being written, not a statement made: "проект декларации", "draft statement".
        r"(?<!\bпроект )(?<!\bпроекта )(?<!\bпроекты )(?<!\bпроектов )(?<!\bdraft )(?<!\bdrafts )(?:"
        r"\bstatements?\b|\bdeclarations?\b|\bappeal(?:ed)?\b|\bmessage\b|\bcongratulat\w*"
        r"|\bpress release\b|\bcommented\b|\b(?:press|news) (?:conferences?|briefings?)\b"
        # A briefing speaks to the press; one "for the diplomatic corps" is a meeting with diplomats.
        r"|\b(?:news )?briefings?\b(?! (?:for|with) (?:the )?(?:diplomat|ambassador|representative))"
        r"|\bбрифинг\w*|\bпресс-конференци\w*|\binterviews?\b|\bинтервью\b"
        r"|\bзаявлени\w*|\bобращени\w*|\bпослани\w*|\bпоздрав\w*"
        r"|\bдекларац\w*|\bкомментари\w*)",
        _I,
    ),
    Category.MILESTONE: re.compile(
        r"\bsign(?:ed|ing)\b|\bentered into force\b|\bentry into force\b|\bfound(?:ed|ing)\b"
        r"|\bestablish(?:ed|ment)\b|\bdecision was (?:taken|made)\b|\bdecided to\b|\bratif\w*|\baccession\b"
        r"|\bjoined\b|\bgranted\b|\bstatus of (?:an? )?(?:international|observer|partner)\b"
        r"|\b(?:observer|partner) status\b|\bwas created\b|\btransformed\b|\bподписан\w*|\bвступ\w* в силу"
        r"|\bучрежд\w*|\bсоздани\w*|\bсоздан[аоы]?\b|\bпринято решение|\bпринял\w* решение|\bратифи\w*"
        r"|\bприсоедин\w*|\bпреобразован\w*|\bпридани\w* .{0,40}статус\w*",
        _I,
    ),
    Category.MEETING: re.compile(
        r"\bmeetings?\b|\bmet\b|\bmeet\b|\bsessions?\b|\bsummits?\b|\btalks\b|\bnegotiations\b|\bconferences?\b"
        r"|\bforums?\b|\bround[- ]table\b|\bseminars?\b|\bvisit(?:s|ed)?\b"
        r"|\bbriefing\b(?= (?:for|with) (?:the )?(?:diplomat|ambassador|representative))"
        r"|\b(?:working|official) trip\b"
        r"|\bзаседани\w*|\bвстреч\w*|\bвстретил(?:ись|ся|ась)\b|\bвстрет(?:ятся|ится)\b|\bсовещани\w*|\bсаммит\w*|\bпереговор\w*|\bсесси[ияюей]\w*|\bконференци\w*"
        r"|\bфорум\w*|\bкругл\w* стол\w*|\bсеминар\w*|\bвизит\w*|\bпосети\w*|\bрабоч\w+ поездк\w*"
        # Receiving a visitor is meeting them: "received today the Chief of ...", "принял генсека".
        # (a body's name is blanked out of the text classified: "received today the [CSTO Secretary General]")
        rf"|\breceived\b(?=(?:\s+(?:today|yesterday|here|on \w+|in \w+))?\s+(?:the\s+)?"
        rf"(?:delegation|{_ROLE_EN}|\s{{4,}}\S))"
        rf"|\bпринял[аи]?\b(?=(?:\s+\S+){{0,3}}?\s+(?:{_ROLE_RU}|(?!{_ACT_RU})[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+))"
        r"|\bgathered\b|\bwill gather\b|\bсобрал(?:ись|ась|ся)\b|\bсобер[её]тся\b|\bсоберутся\b|\bсъехались\b",
        _I,
    ),
    Category.OTHER: re.compile(
        r"\bceremony\b|\breception\b|\bparade\b|\bпарад\w*|\bwreath\b|\bexhibition\b|\bexposition\b|\bэкспозици\w*|\bcompetition\b|\bcontest\b|\bcelebrat\w*"
        r"|\bцеремони\w*|\bторжествен\w*|\bприем\b|\bприём\b|\bвозложени\w*|\bвыставк\w*|\bконкурс\w*|\bсоревновани\w*",
        _I,
    ),
}

#: "On the basis of the experience of this peacekeeping operation": a sentence naming its
#: predecessor's event.
_ANAPHORA = re.compile(
    r"\b(?:this|that|the said)\s+(?:\w+\s+)?(operation|exercise|training|meeting|consultations)\b"
    r"|\b(?:эт\w+|данн\w+)\s+(?:\w+\s+)?(операци\w*|учени\w*|заседани\w*|встреч\w*|консультаци\w*)",
    _I,
)

_CANCELLED = re.compile(
    r"\bcancel+ed\b|\bcancell?ation\b|\bcalled off\b|\bwill not (?:take place|be held)\b|\bотмен[её]н\w*"
    r"|\bотмен[аеуы]\b"
    r"|\bне состоится\b|\bне состоятся\b|\bотменил\w*|\bотменено\b",
    _I,
)
_POSTPONED = re.compile(
    r"\bpostponed?\b|\bpostponement\b|\brescheduled\b|\bdeferred\b|\bdelayed\b"
    r"|\bперенес[её]н\w*|\bперенесл\w*|\bперенос\w*|\bотложен\w*",
    _I,
)
_PLANNED = re.compile(
    r"\bwill\b|\bshall\b|\bwould\b|\b(?:is|are)\s+(?:scheduled|planned|expected|due|set)\b|\b(?:is|are)\s+to\s+be\b"
    r"|\bto be held\b|\bscheduled\b|\bforthcoming\b|\bupcoming\b|\bplans? to\b|\bintends? to\b|\bnext\b"
    r"|\bбудет\b|\bбудут\b|\bпримет\b|\bпримут\b|\bсостоится\b|\bсостоятся\b|\bпройд[её]т\b|\bпройдут\b|\bсобер[её]тся\b|\bсоберутся\b|\bоткро[её]тся\b|\bоткроются\b|\bначн[её]тся\b"
    r"|\bначнутся\b|\bстартует\b|\bстартуют\b|\bзаверш[иа]тся\b|\bпродл[ия]тся\b|\b(?:is|are) to (?!be\b)[a-z]+\b"
    r"|\bпроведут\b|\bпроведет\b"
    r"|\bпроведёт\b|\bпланиру\w*|\bзапланирован\w*|\bпредстоящ\w*|\bнамечен\w*|\bожида\w+ся\b"
    r"|\bпредполагается\b|\bследующ\w*"
    # Someone ordered or agreed that it be held: "поручил провести в понедельник консультации".
    r"|\bпоручил\w*|\bпоручено\b|\b(?:предложил\w*|решено|решил\w*|договорил\w*)\s+провести\b",
    _I,
)
_HELD = re.compile(
    r"\b(?:was|were|has been|have been|had been)\s+(?:\w+\s+)?"
    r"(?:\w+ed|held|taken|made|given|begun|done|sent)\b"
    # "will be held", "is to be conducted": a participle after "be" announces, it does not report.
    r"|(?<!\bbe )(?:\btook place\b|\bheld\b|\bhosted\b|\bmet\b|\bdiscussed\b|\bsigned\b|\badopted\b"
    r"|\battended\b|\bvisited\b|\btook part\b|\bparticipated\b|\bconducted\b|\borgani[sz]ed\b|\bcompleted\b"
    r"|\bended\b|\bbegan\b|\bstarted\b|\bopened\b|\bmarked\b|\bcelebrated\b|\bwelcomed\b|\bapproved\b"
    r"|\bdecided\b|\blaunched\b|\breceived\b|\bgathered\b|\btold\b)"
    r"|\bis being held\b|\bare being held\b|\bis taking place\b|\bare taking place\b|\bmarks\b"
    r"|\b(?:has|have)\s+(?:already\s+)?(?:begun|started|opened|arrived|ended|completed|concluded)\b"
    r"|\bоткрывая\b|\bopening the\b"
    # Under way on the day of the report: "Yerevan is hosting", "the ministers are discussing".
    r"|\b(?:is|are)\s+(?:now\s+)?(?:hosting|holding|discussing|meeting|attending|taking part|under\s?way)\b"
    r"|\bkicks? off\b|\bworked out\b|\bпроводит\b|\bпроводят\b|\bзаседает\b|\bзаседают\b"
    # (a participle after "будет", "будут" announces: "учения будут проведены в октябре")
    r"|\bсостоял\w*|\bпрош(?:ел|ёл|ла|ло|ли)\b|\bпров[её]л\w*|(?<!будут )(?<!будет )\bпровед[её]н(?!и)\w*"
    r"|\bприня\w+ участие"
    r"|\bпрошедш\w*|\bсостоявш\w*|\bпроходивш\w*"
    r"|\bобсудил\w*|\bподписал\w*|\bпринял\w*|\bпосетил\w*|\bвстретил\w*|\bотметил\w*"
    r"|\bначал(?:ся|ась|ось|ись|и|а|о)?\b|\bстартовал\w*|\bприбыл(?:и|а)?\b|\bзавершил\w*"
    r"|(?<!будут )(?<!будет )\bзаверш[её]н\w*|\bоткрыл\w*"
    r"|\bорганизовал\w*|\bпроходит\b|\bпроходят\b|\bисполня\w*|\bисполнил\w*|\bотмеча\w*"
    r"|\bсобрал(?:ись|ась|ся)\b|\bсъехались\b",
    _I,
)


#: Words that say something takes place, whatever it is: a date with one of them dates an event even
#: without a word for the kind of event.
_OCCURS = re.compile(
    r"\btook place\b|\btakes place\b|\b(?:will|to) take place\b|\b(?:was|were|is|are|be|been) held\b"
    r"|\bwas organi[sz]ed\b|\bopened\b|\bбыл\w* организован\w*|\bсостоял\w*|\bсостоит\w*"
    r"|\bпрош(?:ел|ёл|ла|ло|ли)\b|\bпройд[её]т\b|\bпройдут\b|\bпроходит\b|\bпроходят\b|\bпровед[её]н(?!и)\w*"
    r"|\bпроходил[аио]?\b|\bпроводил(?:ся|ась|ось|ись)\b|\b(?:was|were|is|are|be|been) (?:conducted|staged)\b"
    r"|\b(?:lasted|ran|runs|will run) (?:from|until|till|through)\b"
    # Something is planned to happen: "the start of which is scheduled for September".
    r"|\b(?:is|are|was|were) (?:scheduled|planned|due|slated) (?:for|on|in)\b|\bзапланирован\w*|\bнамечен\w*"
    r"|\bоткрыл\w*|\bоткрыт\w*",
    _I,
)


def occurs(text: str) -> bool:
    """Tell whether ``text`` says that something takes place ("was held", "состоялось")."""
    return _OCCURS.search(text) is not None


def mask(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """Blank out ``spans`` (global offsets; ``text`` starts at ``offset``), keeping every other position."""
    chars = list(text)
    for start, end in spans:
        for index in range(max(start - offset, 0), min(end - offset, len(chars))):
            chars[index] = " "
    return "".join(chars)


#: Words that make what follows a time or a frame, not the event: "ahead of the summit", "на полях
#: сессии", "в рамках учения".
_ADJUNCT = re.compile(
    r"(?:\bahead of|\bon the eve of|\bbefore|\bafter|\bduring|\bfollowing|\bon the (?:sidelines|margins) of"
    r"|\bin the run-up to|\bin preparation for|\bwithin the framework of|\bas part of|\bнакануне|\bв преддверии"
    r"|\bна полях|\bв ходе|\bпо итогам|\bв рамках|\bпосле|\bперед|\bв период)\s+(?:the\s+|an?\s+)?(?:[^\s,;]+\s+)?$",
    _I,
)


_OPENING = re.compile(
    r"(?:(?:opening|closing)\s+)?(?:ceremony|церемони\w*|торжественн\w*)(?:\s+(?:of|of the|открытия|закрытия|открытие"
    r"|закрытие))?\b",
    _I,
)


_AT_MEETING = re.compile(
    r"\b(?:at|after|during|following|in the course of|на|в ходе|по итогам|после)\s+(?:the\s+|an?\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?P<cue>sessions?\b|meetings?\b|summits?\b|talks\b|заседани\w*|сесси[ияюей]\w*"
    r"|саммит\w*|встреч\w*|переговор\w*)",
    _I,
)


def statement_cue(text: str) -> int | None:
    """Return where ``text`` first names a statement ("an interview", "said in a statement", "заявление")."""
    match = _CATEGORY_CUES[Category.STATEMENT].search(text)
    return match.start() if match else None


@functools.lru_cache(maxsize=256)
def first_cue(text: str) -> tuple[int, Category] | None:
    """Return where the first category cue in ``text`` starts, and its category.

    A cue inside a frame ("ahead of the summit", "на полях сессии") names when or where the event
    happens, not what it is, and counts only when there is no other. Cached: a sentence with many
    dates asks about the same clause once per date, and the answer must not cost a scan of the
    clause each time.
    """
    best: tuple[int, Category] | None = None
    framed: tuple[int, Category] | None = None
    for category, pattern in _CATEGORY_CUES.items():
        for match in pattern.finditer(text):
            if _ADJUNCT.search(text, max(0, match.start() - 60), match.start()):
                if framed is None or match.start() < framed[0]:
                    framed = (match.start(), category)
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), category)
            break
    if best is not None and best[1] is Category.MILESTONE:
        # "the decision was made at the anniversary session", "documents signed after a session of the
        # Council on Friday", "решение принято на заседании": what was decided or signed is the
        # session's business; the date is the session's.
        at = _AT_MEETING.search(text, best[0], best[0] + 80)
        if at is not None:
            return at.start("cue"), Category.MEETING
    if best is not None and best[1] is Category.OTHER:
        # "the opening ceremony of the exercise", "открытие учения": the exercise has begun.
        opening = _OPENING.match(text, best[0])
        if opening:
            after = first_cue(text[opening.end() :])
            if after is not None and after[1] in (Category.TRAINING, Category.OPERATION) and after[0] < 40:
                return opening.end() + after[0], after[1]
    return best or framed


def names_kind(text: str, category: Category) -> bool:
    """Tell whether ``text`` names an event of ``category`` anywhere ("a meeting", "учения")."""
    return _CATEGORY_CUES[category].search(text) is not None


def last_cue(text: str) -> Category | None:
    """Return the category whose cue comes last in ``text`` (the noun nearest to what follows it)."""
    best: tuple[int, Category] | None = None
    for category, pattern in _CATEGORY_CUES.items():
        for match in pattern.finditer(text):
            if best is None or match.start() > best[0]:
                best = (match.start(), category)
    return best[1] if best else None


def category_of(text: str) -> Category | None:
    """Return the category whose cue comes first in ``text``, or None when there is none."""
    cue = first_cue(text)
    return cue[1] if cue else None


@functools.lru_cache(maxsize=256)  # asked once per date of the sentence before
def category_named_back(next_sentence: str) -> Category | None:
    """Return the category a following sentence gives by naming "this operation", else None."""
    match = _ANAPHORA.search(next_sentence)
    return category_of(match.group()) if match else None


#: An event's noun near a word that calls off or puts off ("отменила учения", "the summit was postponed").
_EVENT_NOUN = re.compile(
    r"\b(?:sessions?|meetings?|summits?|talks|consultations?|exercises?|drills|trainings?|operations?|visits?"
    r"|conferences?|forums?|events?|parade|ceremony|заседани\w*|сесси\w*|саммит\w*|встреч\w*|переговор\w*"
    r"|консультаци\w*|учени\w*|тренировк\w*|операци\w*|визит\w*|конференци\w*|форум\w*|мероприяти\w*"
    r"|парад\w*|церемони\w*|совещани\w*)",
    _I,
)
_OBJECT_AFTER = re.compile(r"\s+(?:(?:the|its|their|a|an|his|her|свой|своё|свое|свою|свои)\s+)?([\w-]+)")
#: Words after the verb that do not make an object of their own: "cancelled due to", "отменено в связи с".
_NO_OBJECT = frozenset({
    "due", "because", "in", "on", "by", "for", "at", "after", "until", "till", "to", "amid", "owing", "following",
    "and", "over", "as", "from", "with", "without", "again", "indefinitely", "earlier", "today", "yesterday",
    "в", "во", "на", "с", "со", "из-за", "по", "и", "до", "ввиду", "из", "без", "сегодня", "вчера",
})  # fmt: skip


def _of_an_event(pattern: re.Pattern[str], text: str) -> bool:
    """Tell a cancellation or postponement of an event from one of something else: "Uzbekistan has
    cancelled its moratorium on work within the CSTO" calls off no event. The word's object, when it
    has one right after it, must be an event ("отменила учения", "postponed the summit"); a word
    without one ("has been cancelled", "отменено в связи с паводками") is the event's."""
    for match in pattern.finditer(text):
        after = _OBJECT_AFTER.match(text, match.end())
        if after is None or after.group(1).lower() in _NO_OBJECT:
            return True
        if _EVENT_NOUN.search(text, match.end(), match.end() + 40):  # its object, or a noun right after it
            return True
    return False


@functools.lru_cache(maxsize=256)
def _status_cues(text: str) -> Status | tuple[tuple[int, int, Status], ...]:
    """Return the status ``text`` states outright, else its planned and held cues, in that order.

    Computed once per text (cached), so that each date of a clause costs a walk over the cues only.
    """
    if _of_an_event(_CANCELLED, text):
        return Status.CANCELLED
    if _of_an_event(_POSTPONED, text):
        return Status.POSTPONED
    return tuple(
        (match.start(), match.end(), status)
        for status, pattern in ((Status.PLANNED, _PLANNED), (Status.HELD, _HELD))
        for match in pattern.finditer(text)
    )


def status_of(text: str, position: int) -> Status | None:
    """Return the status ``text`` states for the date at ``position``, or None when it states none."""
    cues = _status_cues(text)
    if isinstance(cues, Status):
        return cues
    best: tuple[int, Status] | None = None
    for start, end, status in cues:
        distance = min(abs(start - position), abs(end - position))
        if best is None or distance < best[0]:
            best = (distance, status)
    return best[1] if best else None


_WORD = re.compile(r"[а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)?")
#: Verbs whose tense says nothing of the event's: who told the news, the auxiliary, planning.
_NOT_THE_EVENT = frozenset({
    "быть", "сообщить", "сообщать", "заявить", "заявлять", "отметить", "отмечать", "рассказать",
    "рассказывать", "подчеркнуть", "подчёркивать", "подчеркивать", "сказать", "говорить", "напомнить",
    "уточнить", "добавить", "пояснить", "указать", "передать", "информировать", "проинформировать",
    "планировать", "запланировать", "намечать", "наметить", "предполагать", "ожидать", "ожидаться",
    "собираться", "решить", "договориться", "согласовать", "объявить", "анонсировать", "пообещать",
    "написать", "писать", "опубликовать", "процитировать", "цитировать", "поручить", "предложить",
    "призвать", "попросить", "рекомендовать",
})  # fmt: skip


@functools.lru_cache(maxsize=256)
def _verbs(text: str) -> tuple[tuple[str, str | None, str], ...]:
    """Return the verbs and short participles of a Russian clause: (part of speech, tense, lemma), in
    order. Parsed once per clause however many questions are asked of it."""
    if not has_cyrillic(text):
        return ()
    morph = analyzer()
    verbs = []
    for word in _WORD.findall(text):
        parse = morph.parse(word.lower())[0]
        if parse.tag.POS in ("VERB", "PRTS"):
            verbs.append((parse.tag.POS, parse.tag.tense, parse.normal_form))
    return tuple(verbs)


def tense_of(text: str) -> Status | None:
    """Return the status the tense of a Russian clause's verb gives, when no word of the lists does.

    "Подготовка ... обсуждалась сегодня на встрече": a verb in the past (or a past participle, "проведено")
    reports what was held, one in the future announces. pymorphy3 gives the tense of any verb, so
    the lists of :data:`_HELD` and :data:`_PLANNED` need not name every one. The auxiliary, verbs of
    speech and of planning say nothing of the event. None for text without Cyrillic.
    """
    for _pos, tense, lemma in _verbs(text):
        if lemma in _NOT_THE_EVENT:
            continue
        if tense == "past":
            return Status.HELD
        if tense == "futr":
            return Status.PLANNED
    return None


#: Verbs that, in the present, tell an event under way: "принимает участие в учениях", "отрабатывают
#: задачи", "заседает" (not "не возражает", "считает": opinions and states).
_UNDER_WAY_VERBS = frozenset({
    "участвовать", "принимать", "проходить", "проводить", "отрабатывать", "выполнять", "заседать",
    "обсуждать", "рассматривать", "продолжаться", "идти", "начинаться", "открываться", "работать",
    "тренироваться", "совершенствовать", "демонстрировать", "действовать", "задействовать",
})  # fmt: skip


def under_way_now(text: str) -> bool:
    """Tell whether a Russian clause says something is under way as it is written: a verb of activity in
    the present ("принимает участие в учениях", "отрабатывают задачи"), not of opinion or state."""
    return any(
        pos == "VERB" and tense == "pres" and lemma in _UNDER_WAY_VERBS for pos, tense, lemma in _verbs(text)
    )
