"""The notice streams (Atom, RSS, JSON Feed) and their documents: what ``build`` publishes.

A stream is a selection of notices with a name: everything (``/feed.atom``), one category
(``/feeds/meetings.atom``), the anniversaries, the changes, one country (``/feeds/kz.atom``).
Each is rendered in the three formats, with its complete RFC 5005 archive pages under
``/feeds/archive/<slug>/<n>.<format>``. The web layer renders a query-string selection of the
whole stream on request with :func:`render_selection`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from calendar_service import __version__
from calendar_service.config import Settings
from calendar_service.errors import NotFound
from calendar_service.models import Notice, NoticeKind
from calendar_service.notices.selection import (
    NoticeSelection,
    list_countries,
    list_notice_page,
    list_notices,
    matches,
)
from calendar_service.publish.calendars import narrow
from calendar_service.publish.files import read_manifest
from calendar_service.render import FeedSpec, country_name
from calendar_service.render.atom import render_atom
from calendar_service.render.entries import make_entry
from calendar_service.render.jsonfeed import render_jsonfeed
from calendar_service.render.paging import PAGE_SIZE, Page, archive_pages, page_count
from calendar_service.render.rss import render_rss
from calendar_service.store.queries import EventFilter
from calendar_service.store.records import Category
from calendar_service.wording.en import describe_selection
from calendar_service.wording.ru import country_name_ru, describe_selection_ru

__all__ = ["FORMATS", "ArchiveReuse", "Stream", "count_streams", "find_stream", "list_streams", "render_selection",
           "render_stream", "render_syndication", "stream_spec", "stream_title"]

Renderer = Callable[[Sequence[Notice], FeedSpec, Page | None], bytes]

#: File extension -> renderer.
FORMATS: dict[str, Renderer] = {"atom": render_atom, "rss": render_rss, "json": render_jsonfeed}
_TITLE = "CSTO calendar"
_TITLE_RU = "Календарь ОДКБ"
_PLURALS_RU = {"meeting": "встречи", "consultation": "консультации", "training": "учения",
               "operation": "операции", "statement": "заявления", "milestone": "вехи"}
_PLURALS = {"meeting": "meetings", "consultation": "consultations", "training": "trainings",
            "operation": "operations", "statement": "statements", "milestone": "milestones"}


@dataclass(frozen=True)
class Stream:
    """A named notice stream: its documents are ``<path>.<format>``."""

    path: str  #: "feed" or "feeds/meetings"
    slug: str  #: its archive folder below feeds/archive/
    title: str
    description: str
    selection: NoticeSelection
    label: str = ""  #: what its kinds of notice are called in a narrowed title ("anniversaries")
    title_ru: str = ""  #: the name, description and label of its Russian documents (``?lang=ru``)
    description_ru: str = ""
    label_ru: str = ""


def list_streams(countries: Sequence[str]) -> list[Stream]:
    """Return every published stream: the whole, per category, anniversaries, changes, per country."""
    streams = [Stream("feed", "all", f"{_TITLE}: notices",
                      "New, changed, postponed and cancelled events of the Collective Security Treaty "
                      "Organization, and its anniversaries", NoticeSelection(), "", f"{_TITLE_RU}: уведомления",
                      "Новые, изменённые, отложенные и отменённые события Организации Договора о коллективной "
                      "безопасности и её годовщины")]
    for category, plural in _PLURALS.items():
        streams.append(Stream(f"feeds/{plural}", plural, f"{_TITLE}: {plural}",
                              f"Notices about CSTO {plural}",
                              NoticeSelection(EventFilter(categories=(Category(category).value,))), "",
                              f"{_TITLE_RU}: {_PLURALS_RU[category]}", f"Уведомления ОДКБ: {_PLURALS_RU[category]}"))
    streams.append(Stream("feeds/anniversaries", "anniversaries", f"{_TITLE}: anniversaries",
                          "Anniversaries of the Collective Security Treaty Organization, ahead and on the day",
                          NoticeSelection(kinds=(NoticeKind.ANNIVERSARY_AHEAD.value,
                                                 NoticeKind.ANNIVERSARY_TODAY.value)), "anniversaries",
                          f"{_TITLE_RU}: годовщины",
                          "Годовщины Организации Договора о коллективной безопасности: заранее и в день годовщины",
                          "годовщины"))
    streams.append(Stream("feeds/changes", "changes", f"{_TITLE}: changes",
                          "Rescheduled, moved, postponed and cancelled CSTO events",
                          NoticeSelection(kinds=(NoticeKind.CHANGED.value,)), "changes", f"{_TITLE_RU}: изменения",
                          "Перенесённые, отложенные и отменённые события ОДКБ, смена места", "изменения"))
    for code in countries:
        name, name_ru = country_name(code), country_name_ru(code)
        streams.append(Stream(f"feeds/{code.lower()}", code.lower(), f"{_TITLE}: {name}",
                              f"Notices about CSTO events in or involving {name}",
                              NoticeSelection(EventFilter(countries=(code,))), "", f"{_TITLE_RU}: {name_ru}",
                              f"Уведомления о событиях ОДКБ, связанных со страной: {name_ru}"))
    return streams


def stream_spec(stream: Stream, settings: Settings, extension: str, lang: str = "en") -> FeedSpec:
    """Return the self-description of a stream's subscription document in one format and language."""
    base = settings.base_url
    russian = lang == "ru"
    return FeedSpec(title=stream.title_ru if russian else stream.title,
                    description=stream.description_ru if russian else stream.description,
                    self_url=f"{base}/{stream.path}.{extension}", base_url=base, timezone=settings.timezone.key,
                    refresh_minutes=settings.refresh_minutes,
                    tag_authority=settings.tag_authority, lang=lang)


@dataclass
class ArchiveReuse:
    """Archive pages published before, reused when what they would render is unchanged.

    A full archive page never changes (RFC 5005), so re-rendering it on every build is wasted
    work: each page's *input key* (a hash of the renderer version, the feed's self-description,
    the page's links and every entry's content) is recorded in the manifest, and a page whose key
    is unchanged is read back from its published file instead of rendered, provided the file's
    bytes still match the manifest's sha256.
    """

    feeds_dir: Path | None = None
    previous: Mapping[str, str] = field(default_factory=dict)  #: name -> input key, from the manifest
    files: Mapping[str, Any] = field(default_factory=dict)  #: the manifest's file entries
    keys: dict[str, str] = field(default_factory=dict)  #: name -> input key, of this build
    reused: int = 0

    @classmethod
    def from_feeds_dir(cls, feeds_dir: Path) -> ArchiveReuse:
        manifest = read_manifest(feeds_dir)
        keys = manifest.get("archive_keys")
        return cls(feeds_dir, keys if isinstance(keys, dict) else {}, manifest["files"])

    def load(self, name: str, key: str) -> bytes | None:
        """Return the published bytes of ``name`` if they were rendered from ``key``; record the key."""
        self.keys[name] = key
        if self.feeds_dir is None or self.previous.get(name) != key or name not in self.files:
            return None
        try:
            data = (self.feeds_dir / name).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != self.files[name].get("sha256"):
            return None
        self.reused += 1
        return data


def _input_key(extension: str, spec: FeedSpec, page: Page, notices: Sequence[Notice]) -> str:
    digests = [make_entry(notice, spec).digest for notice in notices]
    return hashlib.sha256(repr((__version__, extension, spec, page, digests)).encode()).hexdigest()


def _archive_name(stream: Stream, number: int, extension: str) -> str:
    return f"feeds/archive/{stream.slug}/{number}.{extension}"


def render_stream(stream: Stream, newest_first: Sequence[Notice], settings: Settings,
                  reuse: ArchiveReuse | None = None, formats: Mapping[str, Renderer] = FORMATS) -> dict[str, bytes]:
    """Render a stream's subscription documents and archive pages; return them by file name."""
    base = settings.base_url
    reuse = reuse or ArchiveReuse()
    pages = archive_pages(newest_first)
    documents: dict[str, bytes] = {}
    for extension, render in formats.items():
        spec = stream_spec(stream, settings, extension)

        def url(number: int, extension: str = extension) -> str:
            return f"{base}/{_archive_name(stream, number, extension)}"

        current = Page(self_url=spec.self_url, prev_archive=url(len(pages)) if pages else None)
        documents[f"{stream.path}.{extension}"] = render(newest_first[:PAGE_SIZE], spec, current)
        for number, notices in enumerate(pages, start=1):
            page = Page(self_url=url(number), is_archive=True, current=spec.self_url,
                        prev_archive=url(number - 1) if number > 1 else None,
                        next_archive=url(number + 1) if number < len(pages) else None)
            name = _archive_name(stream, number, extension)
            kept = reuse.load(name, _input_key(extension, spec, page, notices)) if reuse.feeds_dir else None
            documents[name] = kept if kept is not None else render(notices, spec, page)
    return documents


def render_syndication(session: Session, settings: Settings,
                       reuse: ArchiveReuse | None = None) -> dict[str, bytes]:
    """Render every stream from one read of the store; return the documents by file name.

    Args:
        reuse: the archive pages published before, to be kept where unchanged.
    """
    documents: dict[str, bytes] = {}
    everything = list_notices(session)
    for stream in list_streams(list_countries(session)):
        selected = [notice for notice in everything if matches(notice, stream.selection)]
        documents.update(render_stream(stream, selected, settings, reuse))
    return documents


def find_stream(path: str, countries: Sequence[str]) -> Stream | None:
    """Return the stream published as ``path`` ("feed", "feeds/kz"), or None."""
    return next((stream for stream in list_streams(countries) if stream.path == path), None)


def stream_title(stream: Stream, where: EventFilter, lang: str = "en") -> str:
    """Return the title of ``stream`` narrowed by ``where`` ("CSTO calendar: meetings, Kazakhstan")."""
    if lang == "ru":
        if where == EventFilter():
            return stream.title_ru
        parts = ([stream.label_ru] if stream.label_ru else []) + describe_selection_ru(where)
        return f"{_TITLE_RU}: {', '.join(parts)}"
    if where == EventFilter():
        return stream.title
    parts = ([stream.label] if stream.label else []) + describe_selection(where)
    return f"{_TITLE}: {', '.join(parts)}"


def count_streams(session: Session) -> dict[str, int]:
    """Return how many notices each published stream holds now, by path."""
    everything = list_notices(session)
    return {stream.path: sum(1 for notice in everything if matches(notice, stream.selection))
            for stream in list_streams(list_countries(session))}


def render_selection(session: Session, settings: Settings, stream: Stream, where: EventFilter,
                     extension: str, page: int, query: str, lang: str = "en") -> bytes:
    """Render page ``page`` of ``stream`` narrowed by ``where`` (RFC 5005 paged feed).

    The narrowed feed has its own title and id (its URL with the canonical query, without the page).

    Args:
        query: the canonical query string of ``where`` and ``lang`` (without ``page``), for the links.
        lang: "ru" renders every notice's Russian text, with Russian labels and names.

    Raises:
        InvalidInput: ``where`` asks for what the stream never holds (``category`` on the meetings stream).
        NotFound: ``page`` is past the last page.
    """
    events = narrow(stream.selection.events, where, f"{stream.path}.{extension}")
    plain = stream_spec(stream, settings, extension, lang)
    spec = dataclasses.replace(plain, title=stream_title(stream, events if where != EventFilter() else where, lang),
                               self_url=plain.self_url + (f"?{query}" if query else ""))
    notices, total = list_notice_page(session, NoticeSelection(events, stream.selection.kinds), page, PAGE_SIZE)
    pages = page_count(total)
    if page > pages:
        raise NotFound(f"/{stream.path}.{extension} has {pages} page(s) with this selection, not {page}")

    def url(number: int) -> str:
        parts = [query] if query else []
        if number > 1:
            parts.append(f"page={number}")
        return plain.self_url + ("?" + "&".join(parts) if parts else "")

    current = Page(self_url=url(page), first=url(1), last=url(pages),
                   previous=url(page - 1) if page > 1 else None, next=url(page + 1) if page < pages else None)
    return FORMATS[extension](notices, spec, current)
