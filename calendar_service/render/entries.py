"""Notices as feed entries: the values every syndication format shares, computed once per notice.

A notice's text is rendered as stored (it was composed when the notice was issued), so an entry
stays byte-identical until that notice's own content changes. Its ``id`` is a ``tag:`` URI
(RFC 4151) built from the notice's unique key, never from a row id, so it survives a rebuilt
store. HTML content is built from escaped plain text only: no stored text is ever markup.

A document in Russian (``FeedSpec.lang == "ru"``) carries each notice's Russian text and labels.
Notices issued in one load share one instant; an entry's ``updated`` adds the notice's row id in
microseconds (below one second, so loads never reorder), so entries of one load are ordered as
they were issued and no two carry the same ``updated`` (the W3C validator's "DuplicateUpdated"),
the same on every render, since it comes from stored data only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import html
import threading
import weakref
from dataclasses import dataclass

from calendar_service.models import Notice
from calendar_service.render import FeedSpec, event_ics_url, event_page_url, event_url
from calendar_service.wording import ru

__all__ = ["KIND_LABELS", "KIND_LABELS_RU", "FeedEntry", "entry_updated", "feed_id", "make_entry", "notice_id"]

#: Notice kind -> category label shown by feed readers.
KIND_LABELS = {
    "announced": "Announced",
    "changed": "Changed",
    "anniversary_ahead": "Anniversary ahead",
    "anniversary_today": "Anniversary today",
}
KIND_LABELS_RU = {
    "announced": "Объявлено",
    "changed": "Изменено",
    "anniversary_ahead": "Скоро годовщина",
    "anniversary_today": "Годовщина сегодня",
}
#: Labels of the content, by language.
_LABELS = {
    "en": {"when": "When", "where": "Where", "bodies": "Bodies", "status": "Status", "ics": "Add to calendar (.ics)",
           "source": "Source", "jubilee": "Jubilee"},
    "ru": {"when": "Когда", "where": "Где", "bodies": "Органы", "status": "Статус",
           "ics": "Добавить в календарь (.ics)", "source": "Источник", "jubilee": "Юбилей"},
}
_MICROSECONDS = 1_000_000


@dataclass(frozen=True)
class FeedEntry:
    """One notice, ready for any feed format."""

    id: str
    title: str
    summary: str
    content_html: str
    published: dt.datetime
    updated: dt.datetime
    categories: tuple[tuple[str, str], ...]  #: (term, label)
    url: str  #: the event's HTML page
    api_url: str  #: the event's JSON record
    ics_url: str  #: the event's single-event calendar file
    source_url: str | None
    title_ru: str | None
    summary_ru: str | None

    @functools.cached_property
    def digest(self) -> str:
        """A hash of everything the entry renders from (archive pages are reused while it holds)."""
        return hashlib.sha256(repr(dataclasses.astuple(self)).encode()).hexdigest()


def notice_id(authority: str, uid: str, kind: str, occurrence_year: int, lead_days: int, sequence: int) -> str:
    """Return the permanent ``tag:`` URI of a notice, from its unique key."""
    return f"tag:{authority},2025:notice/{uid}/{kind}/{occurrence_year}/{lead_days}/{sequence}"


def feed_id(spec: FeedSpec) -> str:
    """Return the permanent ``tag:`` URI of a feed (shared by its archive pages, RFC 5005)."""
    return f"tag:{spec.tag_authority},2025:feed/{spec.self_url.removeprefix(spec.base_url).lstrip('/')}"


def _paragraphs(text: str) -> str:
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return "".join("<p>" + "<br/>".join(html.escape(line) for line in block.split("\n")) + "</p>"
                   for block in blocks)


def _facts(notice: Notice) -> list[str]:
    # The English facts as issued; a Russian document has them in its Russian summary already.
    details = notice.details or {}
    facts = []
    if details.get("dates"):
        facts.append(f"When: {details['dates']}")
    if details.get("place"):
        facts.append(f"Where: {details['place']}")
    bodies = details.get("bodies")
    if isinstance(bodies, list) and bodies:
        facts.append("Bodies: " + ", ".join(str(body) for body in bodies))
    if details.get("status"):
        facts.append(f"Status: {details['status']}")
    return facts


def _content(notice: Notice, ics_url: str, source_url: str | None, lang: str) -> str:
    labels = _LABELS[lang]
    russian = lang == "ru" and bool(notice.title_ru)
    parts = [_paragraphs((notice.summary_ru or notice.title_ru or "") if russian else notice.summary)]
    facts = [] if russian else _facts(notice)
    if facts:
        parts.append("<ul>" + "".join(f"<li>{html.escape(fact)}</li>" for fact in facts) + "</ul>")
    links = [f'<a href="{html.escape(ics_url)}">{labels["ics"]}</a>']
    if source_url:
        links.append(f'<a href="{html.escape(source_url)}">{labels["source"]}</a>')
    parts.append("<p>" + " · ".join(links) + "</p>")
    if notice.title_ru and not russian:
        parts.append(f'<div lang="ru"><p><strong>{html.escape(notice.title_ru)}</strong></p>'
                     f"{_paragraphs(notice.summary_ru or '')}</div>")
    return "".join(parts)


def entry_updated(notice: Notice) -> dt.datetime:
    """Return an entry's ``updated``: the notice's, ordered within its load by the notice's row id."""
    return notice.updated_dt + dt.timedelta(microseconds=(notice.id or 0) % _MICROSECONDS)


#: Entries already made from a loaded notice, so one read of the store feeds every format and
#: stream at the cost of one entry per notice; an entry goes when its notice object does.
_MADE: weakref.WeakKeyDictionary[Notice, dict[tuple[object, ...], FeedEntry]] = weakref.WeakKeyDictionary()
_MADE_LOCK = threading.Lock()


def make_entry(notice: Notice, spec: FeedSpec) -> FeedEntry:
    """Return the feed entry of ``notice`` (its ``event`` loaded)."""
    event = notice.event
    key = (spec.base_url, spec.tag_authority, spec.lang, notice.updated_dt, notice.kind, notice.title, event.uid,
           event.category, event.source_url)
    with _MADE_LOCK:  # web workers render filtered feeds in threads
        made = _MADE.setdefault(notice, {})
        entry = made.get(key)
    if entry is None:
        entry = _make_entry(notice, spec)
        with _MADE_LOCK:
            made[key] = entry
    return entry


def _make_entry(notice: Notice, spec: FeedSpec) -> FeedEntry:
    event = notice.event
    details = notice.details or {}
    source = details.get("source_url", event.source_url)
    source_url = str(source) if source else None
    ics = event_ics_url(spec.base_url, event.uid)
    russian = spec.lang == "ru"
    if russian:
        ics += "?lang=ru"
    category = str(details.get("category") or event.category)
    kinds = KIND_LABELS_RU if russian else KIND_LABELS
    label = ru.CATEGORIES.get(category, category).capitalize() if russian else category.capitalize()
    categories = [(notice.kind, kinds.get(notice.kind, notice.kind)), (category, label)]
    if details.get("jubilee") or details.get("is_jubilee"):
        categories.append(("jubilee", _LABELS[spec.lang]["jubilee"]))
    title = (notice.title_ru or notice.title) if russian else notice.title
    summary = (notice.summary_ru or title) if russian and notice.title_ru else (notice.summary or notice.title)
    return FeedEntry(
        id=notice_id(spec.tag_authority, event.uid, notice.kind, notice.occurrence_year, notice.lead_days,
                     notice.event_sequence),
        title=title,
        summary=summary,
        content_html=_content(notice, ics, source_url, spec.lang),
        published=notice.issued_dt,
        updated=entry_updated(notice),
        categories=tuple(categories),
        url=event_page_url(spec.base_url, event.uid) + ("?lang=ru" if russian else ""),
        api_url=event_url(spec.base_url, event.uid),
        ics_url=ics,
        source_url=source_url,
        title_ru=notice.title_ru,
        summary_ru=notice.summary_ru,
    )
