"""Extracted events: the value extraction returns, its natural key, its JSON and its EventRecord.

Extraction step "assembly", the last. The key is the event's identity in the store, so a newer
text about the same event updates it instead of adding a second one:

    news:<category>:<core>:<period>

- ``core`` is the event's principal body (the body the event noun governs: "meeting of the
  Working Group on Afghanistan"; else the first CSTO body named; else the first body), written as
  a slug of its canonical English name, so the English and the Russian report of one event share
  it. Without any body it is a slug of the first significant words of the title.
- ``period`` is the month the event starts in (``2024-05``); for an event of a body that meets at
  most twice a year (the councils, the summit; ``sessions: half-yearly`` in the gazetteer) the
  half-year (``2024h1``); for an event known only to the year, the year. A postponement keeps the
  period of the date it moves away from.

So a date that moves within its period, a precision that sharpens (the councils' "May-June" ->
3 June; "in March" -> 5 March) and any change of status keep the key; three councils meeting in
May-June get three keys, and so do two meetings of one body on one day with different partners
when the partner is a body. Anniversaries
(founding acts) are keyed by their date: ``news:anniversary:1992-05-15``; an article's own
publication by its title and day: ``news:statement:<title>:<date>``. When one text still yields
the same key twice, an identical event (same dates, same status) is a repetition and dropped, a
different one gets ``~2``, ``~3`` in text order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from calendar_service.dates import Precision, format_at_precision
from calendar_service.store.records import MAX_TEXT, MAX_TITLE, Category, EventRecord, Status

__all__ = ["ExtractedEvent", "confidence", "deduplicate", "event_key", "period_of", "slug"]

_TRANSLIT = str.maketrans(
    dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziyklmnoprstufye", strict=True))
    | {
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ь": "",
        "ю": "yu",
        "я": "ya",
    }
)
_STOPWORD_TEXT = (
    "a an the of and or in on at by for to with from was were is are be been will has have had this "
    "that its their it as also between within under during held hold holds hosted host conducted "
    "conduct took take place planned scheduled postponed cancelled canceled next regular о в во на по "
    "с со и к у за из от для при а также был была было были будет будут года году год состоялось "
    "состоялась состоялся состоялись состоится состоятся прошло прошла прошел прошёл прошли пройдет "
    "пройдёт пройдут провел провёл провела провели проведет проведут проведена проведено проведен "
    "проведены запланировано запланирован запланирована перенесено перенесен перенесена отменено "
    "отменен отменена очередное очередной очередная"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_KEY_CORE_WORDS = 4


def slug(text: str, limit: int = 80) -> str:
    """Return ``text`` as a lower-case ASCII slug (Cyrillic transliterated)."""
    ascii_text = text.lower().translate(_TRANSLIT)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].rstrip("-") or "event"


def title_core(title: str) -> str:
    """Return the first significant words of ``title``, without dates and status verbs."""
    words = [word for word in re.findall(r"[^\W\d_]+", title.lower()) if word not in _STOPWORDS]
    return " ".join(words[:_KEY_CORE_WORDS])


def period_of(start: dt.date, precision: Precision, *, half_yearly: bool = False) -> str:
    """Return the period an event belongs to for its key: ``2024``, ``2024h1`` or ``2024-05``."""
    if precision is Precision.YEAR:
        return f"{start.year}"
    if half_yearly:
        return f"{start.year}h{1 if start.month <= 6 else 2}"
    return f"{start.year}-{start.month:02d}"


def event_key(category: Category, core: str, period: str) -> str:
    """Return the natural key ``news:<category>:<core>:<period>``."""
    return f"news:{category}:{slug(core)}:{period}"


@dataclass(frozen=True)
class ExtractedEvent:
    """An event found in news text, with everything the text says about it."""

    key: str
    title: str
    summary: str
    start: dt.date
    end: dt.date
    precision: Precision
    category: Category
    status: Status
    countries: tuple[str, ...]
    bodies: tuple[str, ...]
    anniversary: bool
    year_inferred: bool
    evidence: str
    language: str
    published: dt.date
    source_url: str | None = None
    city: str | None = None
    country: str | None = None
    item: int = 0  #: 1-based number of the item it came from
    offset: int = 0  #: where its evidence starts in the text
    confidence: float = 0.5  #: how surely the text says it happened on these dates, 0 to 1 (:func:`confidence`)

    def as_json(self) -> dict[str, Any]:
        """Return the JSON object of ``calendar-service extract --format json``."""
        return {
            "title": self.title,
            "summary": self.summary,
            "start": format_at_precision(self.start, self.precision),
            "end": format_at_precision(self.end, self.precision),
            "precision": str(self.precision),
            "category": str(self.category),
            "status": str(self.status),
            "countries": list(self.countries),
            "bodies": list(self.bodies),
            "anniversary": self.anniversary,
            "year_inferred": self.year_inferred,
            "evidence": self.evidence,
            "confidence": self.confidence,
            "key": self.key,
            "language": self.language,
            "published": self.published.isoformat(),
            "source_url": self.source_url,
            "city": self.city,
            "item": self.item,
        }

    def to_record(self) -> EventRecord:
        """Return the event as the store takes it (Russian text also fills the required English fields)."""
        title = _clip(self.title, MAX_TITLE)
        summary = _clip(self.summary, MAX_TEXT)
        russian = self.language == "ru"
        return EventRecord(
            key=self.key,
            title=title,
            summary=summary,
            start=self.start,
            end=self.end,
            precision=self.precision,
            category=self.category,
            status=self.status,
            title_ru=title if russian else None,
            summary_ru=summary if russian else None,
            city=self.city,
            country=self.country,
            countries=self.countries,
            bodies=self.bodies,
            anniversary=self.anniversary,
            year_inferred=self.year_inferred,
            evidence=_clip(self.evidence, MAX_TEXT),
            source_url=self.source_url,
            published=self.published,
        )


def confidence(
    *,
    precision: Precision,
    year_inferred: bool,
    occurrence: bool,
    own_clause: bool,
    named_kind: bool,
    on_publication_day: bool = False,
) -> float:
    """Return how surely an event happens on its dates, from what the text gave for it.

    Args:
        occurrence: the text says that it happened or will ("was held", "will take place", "met").
        own_clause: its kind is named in the clause of its date, not only elsewhere in the sentence.
        named_kind: the text names what kind of event it is (not only that something happened).
        on_publication_day: it is dated by the publication day alone, the text giving no date.

    A full date and a clear verb of occurrence score high; a year the text did not give, a date
    known only to the year, and a sentence that only mentions it (no verb, its kind named elsewhere)
    score low.
    """
    score = 0.55
    score += 0.2 if occurrence else -0.1
    score += 0.1 if own_clause else -0.1
    score += 0.0 if named_kind else -0.1
    score += {Precision.DAY: 0.1, Precision.MONTH: 0.0, Precision.YEAR: -0.15}[precision]
    if year_inferred:
        score -= 0.2
    if on_publication_day:
        score -= 0.15
    return round(min(max(score, 0.05), 0.99), 2)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def deduplicate(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Drop repeated events and give the rest distinct keys (see the module docstring)."""
    kept: list[ExtractedEvent] = []
    seen: dict[str, list[ExtractedEvent]] = {}
    for event in events:
        same_key = seen.setdefault(event.key, [])
        if any((e.start, e.end, e.status) == (event.start, event.end, event.status) for e in same_key):
            continue
        if same_key:
            event = replace(event, key=f"{event.key}~{len(same_key) + 1}")
        same_key.append(event)
        kept.append(event)
    return kept
