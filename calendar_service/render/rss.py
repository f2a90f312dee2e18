"""Render notices as an RSS 2.0 feed with feedgen, deterministically.

The same entries as the Atom feed: ``guid`` is the notice's permanent ``tag:`` id (not a
permalink), ``pubDate`` is when it was issued, ``lastBuildDate`` the newest entry's last change
(feedgen's default is "now", which would change the bytes on every render). RSS has no archive
links of its own, so the RFC 5005 links travel as ``atom:link`` elements, as RFC 5005 allows.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from calendar_service import __version__
from calendar_service.models import Notice
from calendar_service.render import FeedSpec
from calendar_service.render.atom import EPOCH, feed_links, icon_url
from calendar_service.render.entries import make_entry
from calendar_service.render.paging import Page

__all__ = ["render_rss"]

_ATOM_NS = "http://www.w3.org/2005/Atom"


class _HistoryFeed(BaseExtension):
    """Write the stream's navigation links into the channel as ``atom:link``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def extend_rss(self, feed: Any) -> Any:  # feedgen hands its lxml <rss> element; neither ships types
        channel = feed[0]
        for rel, href in self.items:
            xml_elem(f"{{{_ATOM_NS}}}link", channel, href=href, rel=rel, type="application/rss+xml")
        return feed


class _HistoryEntry(BaseEntryExtension):
    """Entry half of the extension (nothing to add per item)."""


def render_rss(notices: Iterable[Notice], spec: FeedSpec, page: Page | None = None) -> bytes:
    """Render ``notices`` (newest first, as given) as one RSS 2.0 document of the stream ``spec``."""
    page = page or Page(self_url=spec.self_url)
    entries = [make_entry(notice, spec) for notice in notices]
    feed = FeedGenerator()
    feed.title(spec.title)
    feed.description(spec.description)
    feed.link(href=page.self_url, rel="self", type="application/rss+xml")
    feed.link(href=spec.base_url + "/", rel="alternate", type="text/html")
    feed.language(spec.lang)
    feed.generator("calendar-service", version=__version__, uri=spec.base_url + "/")
    feed.image(icon_url(spec), title=spec.title, link=spec.base_url + "/")
    feed.ttl(spec.refresh_minutes)
    feed.updated(max((entry.updated for entry in entries), default=EPOCH))
    feed.register_extension("history", _HistoryFeed, _HistoryEntry, atom=False, rss=True)
    feed.history.items = feed_links(spec, page)
    for entry in entries:
        item = feed.add_entry(order="append")
        item.guid(entry.id, permalink=False)
        # RSS readers take <title> and <description> as HTML (feedparser does, and so do readers
        # that render a title), so plain text goes in escaped: "<" shows as "<", never as a tag.
        item.title(html.escape(entry.title, quote=False))
        item.link(href=entry.url)
        item.description(html.escape(entry.summary, quote=False))
        item.content(entry.content_html)
        item.published(entry.published)
        for term, label in entry.categories:
            item.category(term=term, label=label)
    return feed.rss_str(pretty=True)
