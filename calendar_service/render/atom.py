"""Render notices as an Atom feed (RFC 4287) with feedgen, deterministically, with RFC 5005 links.

feedgen stamps "now" into ``<updated>`` unless told otherwise; every timestamp here is set
from the data: an entry's ``published`` is when its notice was issued, its ``updated`` when that
notice's content last changed, the feed's ``updated`` the newest entry's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from calendar_service import __version__
from calendar_service.models import Notice
from calendar_service.render import FeedSpec
from calendar_service.render.entries import FeedEntry, feed_id, make_entry
from calendar_service.render.paging import Page

__all__ = ["EPOCH", "HISTORY_NS", "feed_links", "icon_url", "render_atom"]

#: RFC 5005 feed history namespace (``fh:archive``).
HISTORY_NS = "http://purl.org/syndication/history/1.0"

#: ``updated`` of a feed with no entries: a fixed instant, so an empty feed is deterministic too.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class _LinksFeed(BaseExtension):
    """Feed half of the link extension: the ``fh:archive`` marker of an RFC 5005 archive document."""

    def __init__(self) -> None:
        self.is_archive = False

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NS} if self.is_archive else {}

    def extend_atom(self, feed: object) -> object:
        if self.is_archive:
            xml_elem(f"{{{HISTORY_NS}}}archive", feed)
        return feed


class _LinksEntry(BaseEntryExtension):
    """Write an entry's ``<link>`` elements with their ``rel`` and ``type``.

    feedgen 1.0.0 loses both: its ``atom_entry`` rebinds ``link`` to the new XML element before
    reading ``link.get('rel')`` from it, so every entry link comes out as a bare ``href``.

    Categories are written here too: feedgen's own ``category()`` validates and copies each one
    and was a sixth of the render time of a 10,000-entry feed.
    """

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.categories: tuple[tuple[str, str], ...] = ()

    def add(self, href: str, rel: str, media_type: str, title: str | None = None) -> None:
        self.items.append({"href": href, "rel": rel, "type": media_type, **({"title": title} if title else {})})

    def extend_atom(self, entry: object) -> object:
        for term, label in self.categories:
            xml_elem("category", entry, term=term, label=label)
        for attributes in self.items:
            xml_elem("link", entry, **attributes)
        return entry


def icon_url(spec: FeedSpec) -> str:
    """Return the address of the service's square icon."""
    return f"{spec.base_url}/static/icon.png"


def feed_links(spec: FeedSpec, page: Page) -> list[tuple[str, str]]:
    """Return a document's (rel, href) navigation links, RFC 5005 and RFC 4287, in a fixed order."""
    links = [("current", page.current), ("prev-archive", page.prev_archive), ("next-archive", page.next_archive),
             ("first", page.first), ("previous", page.previous), ("next", page.next), ("last", page.last)]
    return [(rel, href) for rel, href in links if href]


def _add_entry(feed: FeedGenerator, entry: FeedEntry) -> None:
    item = feed.add_entry(order="append")
    item.id(entry.id)
    item.title(entry.title)
    item.published(entry.published)
    item.updated(entry.updated)
    item.summary(entry.summary)
    item.content(entry.content_html, type="html")
    item.links.categories = entry.categories
    item.links.add(entry.url, "alternate", "text/html")
    item.links.add(entry.api_url, "alternate", "application/json")
    item.links.add(entry.ics_url, "alternate", "text/calendar", "Add to calendar")
    if entry.source_url:
        item.links.add(entry.source_url, "related", "text/html", "Source")


def render_atom(notices: Iterable[Notice], spec: FeedSpec, page: Page | None = None) -> bytes:
    """Render ``notices`` (newest first, as given) as one Atom document of the stream ``spec``.

    Args:
        page: where the document sits in its stream (archive or paged-feed links); the
            subscription document of a stream that fits in one page needs none.
    """
    page = page or Page(self_url=spec.self_url)
    entries = [make_entry(notice, spec) for notice in notices]
    feed = FeedGenerator()
    feed.id(feed_id(spec))
    feed.title(spec.title)
    feed.subtitle(spec.description)
    feed.author({"name": "calendar-service", "uri": spec.base_url + "/"})
    feed.link(href=page.self_url, rel="self", type="application/atom+xml")
    feed.link(href=spec.base_url + "/", rel="alternate", type="text/html")
    for rel, href in feed_links(spec, page):
        feed.link(href=href, rel=rel, type="application/atom+xml")
    feed.icon(icon_url(spec))
    feed.logo(icon_url(spec))
    feed.generator("calendar-service", version=__version__, uri=spec.base_url + "/")
    feed.language(spec.lang)
    feed.updated(max((entry.updated for entry in entries), default=EPOCH))
    feed.register_extension("links", _LinksFeed, _LinksEntry, atom=True, rss=False)
    feed.links.is_archive = page.is_archive
    for entry in entries:
        _add_entry(feed, entry)
    return feed.atom_str(pretty=True)
