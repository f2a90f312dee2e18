"""Render events as an Atom feed (RFC 4287) with feedgen, deterministically.

feedgen stamps "now" into ``<updated>`` unless told otherwise; every timestamp here is set
from the data: an entry's ``updated`` is its event's last change, the feed's is the newest entry's.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from .. import __version__
from ..models import Event
from . import FeedSpec, event_ics_url, event_url
from .text import describe_dates, describe_event

__all__ = ["EPOCH", "entry_id", "render_atom"]

#: ``updated`` of a feed with no entries: a fixed instant, so an empty feed is deterministic too.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class _LinksFeed(BaseExtension):
    """Feed half of the link extension (nothing to add at feed level)."""


class _LinksEntry(BaseEntryExtension):
    """Write an entry's ``<link>`` elements with their ``rel`` and ``type``.

    feedgen 1.0.0 loses both: its ``atom_entry`` rebinds ``link`` to the new XML element before
    reading ``link.get('rel')`` from it, so every entry link comes out as a bare ``href``.
    """

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, href: str, rel: str, media_type: str, title: str | None = None) -> None:
        self.items.append({"href": href, "rel": rel, "type": media_type, **({"title": title} if title else {})})

    def extend_atom(self, entry: object) -> object:
        for attributes in self.items:
            xml_elem("link", entry, **attributes)
        return entry


def entry_id(spec: FeedSpec, uid: str) -> str:
    """Return the permanent ``tag:`` URI (RFC 4151) of an event's entry."""
    return f"tag:{spec.tag_authority},2025:event/{uid}"


def _content(event: Event) -> str:
    paragraphs = describe_event(event).split("\n\n")
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )


def render_atom(events: Iterable[Event], spec: FeedSpec) -> bytes:
    """Render ``events``, newest change first, as an Atom document."""
    ordered = sorted(events, key=lambda event: (event.updated_dt, event.uid), reverse=True)
    feed = FeedGenerator()
    feed.id(f"tag:{spec.tag_authority},2025:feed/{spec.self_url.removeprefix(spec.base_url).lstrip('/')}")
    feed.title(spec.title)
    feed.subtitle(spec.description)
    feed.author({"name": "calendar-service", "uri": spec.base_url + "/"})
    feed.link(href=spec.self_url, rel="self", type="application/atom+xml")
    feed.link(href=spec.base_url + "/", rel="alternate", type="text/html")
    feed.generator("calendar-service", version=__version__)
    feed.language("en")
    feed.updated(ordered[0].updated_dt if ordered else EPOCH)
    feed.register_extension("links", _LinksFeed, _LinksEntry, atom=True, rss=False)
    # feedgen prepends each new entry; add oldest first so the document lists newest first.
    for event in reversed(ordered):
        entry = feed.add_entry(order="prepend")
        entry.id(entry_id(spec, event.uid))
        entry.title(f"{event.title} ({describe_dates(event)})")
        entry.published(event.created_dt)
        entry.updated(event.updated_dt)
        entry.summary(describe_event(event).split("\n\n")[0])
        entry.content(_content(event), type="html")
        entry.category(term=event.category, label=event.category.capitalize())
        entry.links.add(event_url(spec.base_url, event.uid), "alternate", "application/json")
        entry.links.add(event_ics_url(spec.base_url, event.uid), "alternate", "text/calendar", "Add to calendar")
        if event.source_url:
            entry.links.add(event.source_url, "related", "text/html", "Source")
    return feed.atom_str(pretty=True)
