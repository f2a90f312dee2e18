"""Read what a source serves: its listing (an RSS or Atom feed, or an HTML news list) and its articles.

Pure functions over bytes: feedparser reads feeds (RSS 2.0, Atom, their encodings), lxml with a
CSS selector (cssselect) finds the article links of a news list, trafilatura finds an article's
main text and its publication date in the page's metadata (never a date guessed from the text,
which is the reader's job).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
import trafilatura
from cssselect import SelectorError
from lxml.etree import ParserError
from trafilatura.settings import Document

from calendar_service.errors import InvalidInput, Problem
from calendar_service.ingest.htmltext import html_to_text

__all__ = ["MIN_TEXT", "Article", "Entry", "content_hash", "read_article", "read_feed", "read_list"]

#: An article's text shorter than this (characters) is no article: a menu, a cookie notice, a stub.
MIN_TEXT = 120


@dataclass(frozen=True)
class Entry:
    """An item a listing names."""

    guid: str  #: the feed's guid or id; else the article's address
    url: str | None
    title: str | None
    published: dt.date | None = None  #: from the feed, in the service's time zone
    text: str | None = None  #: the feed's own content or summary, as plain text


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None
    published: dt.date | None  #: from the page's metadata


def content_hash(text: str) -> str:
    """Return the SHA-256 of a text with its spacing and case levelled, so a re-published copy matches."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset=\"?([\w.:-]+)", content_type or "", re.I)
    return match[1] if match else None


def read_feed(data: bytes, url: str, *, content_type: str | None, timezone: zoneinfo.ZoneInfo) -> list[Entry]:
    """Return the entries of an RSS or Atom feed, in the feed's order.

    Raises:
        InvalidInput: not a feed (no entry could be read, and the XML is broken or no feed at all).
    """
    parsed = feedparser.parse(data, response_headers={"content-type": content_type or "application/xml",
                                                      "content-location": url})
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        link = urljoin(url, link) if link else None
        guid = item.get("id") or link
        if not guid:
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = None
        if stamp is not None:
            moment = dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC)
            published = moment.astimezone(timezone).date()
        html = (item.get("content") or [{}])[0].get("value") or item.get("summary") or ""
        entries.append(Entry(guid=guid, url=link, title=(item.get("title") or "").strip() or None,
                             published=published, text=html_to_text(html) if html else None))
    if not entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom feed"
        raise InvalidInput([Problem(f"not a readable feed: {reason}", source=url)])
    return entries


def _document(data: bytes, content_type: str | None) -> lxml.html.HtmlElement:
    charset = _charset(content_type)
    try:
        if charset:
            return lxml.html.document_fromstring(data.decode(charset, errors="replace"))
        return lxml.html.document_fromstring(data)
    except (ParserError, LookupError, ValueError) as error:
        raise InvalidInput([Problem(f"not a readable HTML page: {error}")]) from None


def read_list(data: bytes, url: str, *, selector: str, content_type: str | None) -> list[Entry]:
    """Return the articles an HTML news list links to: the links ``selector`` finds, each once, in page order."""
    document = _document(data, content_type)
    try:
        found = document.cssselect(selector)
    except SelectorError as error:
        raise InvalidInput([Problem(f"not a usable CSS selector: {error}", field="selector")]) from None
    entries: dict[str, Entry] = {}
    for element in found:
        link = element if element.tag == "a" else next(iter(element.iter("a")), None)
        href = link.get("href") if link is not None else None
        if not href:
            continue
        address = urljoin(url, href.strip()).split("#")[0]
        if urlsplit(address).scheme not in {"http", "https"}:
            continue
        title = " ".join(element.text_content().split()) or None
        entries.setdefault(address, Entry(guid=address, url=address, title=title))
    return list(entries.values())


def read_article(data: bytes, url: str, *, content_type: str | None) -> Article | None:
    """Return an article page's main text, title and publication date; None when it holds no article."""
    charset = _charset(content_type)
    page: bytes | str = data
    if charset:
        try:
            page = data.decode(charset, errors="replace")
        except LookupError:
            page = data
    document = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"},
    )
    if not isinstance(document, Document):
        return None
    text = (document.text or "").strip()
    if len(text) < MIN_TEXT:
        return None
    published = None
    if document.date:
        try:
            published = dt.date.fromisoformat(document.date)
        except ValueError:
            published = None
    return Article(text=text, title=document.title or None, published=published)
