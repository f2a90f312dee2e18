"""Render notices as a JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/).

The same entries as the Atom and RSS feeds. Keys are written in a fixed order and every value
comes from the data, so an unchanged stream renders the same bytes. ``next_url`` leads to older
notices (the newest archive page, or the next older one), as JSON Feed's pagination intends.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from calendar_service.models import Notice
from calendar_service.render import FeedSpec
from calendar_service.render.atom import icon_url
from calendar_service.render.entries import FeedEntry, make_entry
from calendar_service.render.paging import Page

__all__ = ["JSONFEED_VERSION", "render_jsonfeed"]

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


def _item(entry: FeedEntry, lang: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "content_html": entry.content_html,
        "summary": entry.summary,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "tags": [term for term, _label in entry.categories],
        "language": lang,
        "attachments": [{"url": entry.ics_url, "mime_type": "text/calendar", "title": "Add to calendar"}],
    }
    if entry.source_url:
        item["external_url"] = entry.source_url
    if entry.title_ru and lang != "ru":
        item["_calendar_service"] = {"title_ru": entry.title_ru, "summary_ru": entry.summary_ru}
    return item


def render_jsonfeed(notices: Iterable[Notice], spec: FeedSpec, page: Page | None = None) -> bytes:
    """Render ``notices`` (newest first, as given) as one JSON Feed document of the stream ``spec``."""
    page = page or Page(self_url=spec.self_url)
    document: dict[str, Any] = {
        "version": JSONFEED_VERSION,
        "title": spec.title,
        "home_page_url": spec.base_url + "/",
        "feed_url": page.self_url,
        "description": spec.description,
        "icon": icon_url(spec),
        "favicon": icon_url(spec),
        "authors": [{"name": "calendar-service", "url": spec.base_url + "/"}],
        "language": spec.lang,
    }
    older = page.next or page.prev_archive
    if older:
        document["next_url"] = older
    document["items"] = [_item(make_entry(notice, spec), spec.lang) for notice in notices]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
