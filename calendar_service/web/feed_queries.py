"""Serve the notice feeds: published files as they are, query-string selections rendered on request.

``/feed.atom``, ``/feed.rss``, ``/feed.json`` and ``/feeds/<stream>.<format>`` (with their archive
pages) are served from the published files, so a request costs no rendering. A query string with
filters (the calendars': ``category``, ``country``, ``body``, ``status``, ``from``, ``to``) or a
``page`` renders a paged feed (RFC 5005 §3) of that stream narrowed by the filters, and
``lang=ru`` renders it in Russian; a filter the
stream never matches (``/feeds/meetings.atom?category=training``) is a 400, an unknown parameter
or value is a 400 that lists the valid ones, and a page past the last is a 404. The bytes are
kept in a bounded cache under (store state, stream, format, canonical query, page). The feed
writers (feedgen, lxml) are loaded by the first query that renders a feed, never for a published file.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, request
from sqlalchemy import func, select

from calendar_service import get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import InvalidInput, NotFound, Problem
from calendar_service.models import Notice, StoreState
from calendar_service.notices.selection import list_countries
from calendar_service.store.queries import list_bodies
from calendar_service.web.filters import (
    FEED_KEYS,
    FILTER_KEYS,
    canonical_query,
    check_parameters,
    parse_filter,
    parse_page,
)
from calendar_service.web.published import is_published, serve_published
from calendar_service.web.responses import (
    GATE,
    MEDIA_TYPES,
    BoundedCache,
    Document,
    cached_or_rendered,
    send_document,
)

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    from calendar_service.publish.streams import Stream

__all__ = ["HARDENED", "init_app", "stream_counts"]

_RENDERED = "calendar_service.syndication_cache"
_FACTS = "calendar_service.syndication_facts"
#: Feeds opened in a browser must never be sniffed into HTML and run.
HARDENED = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}
#: The feeds' formats, by extension (the keys of :data:`calendar_service.publish.streams.FORMATS`).
FEED_FORMATS = ("atom", "rss", "json")


def _state(session: Session) -> tuple[Any, ...]:
    """Return what a rendered selection depends on: the store's revision and the notices' high-water marks."""
    store = session.execute(select(StoreState.revision, StoreState.changed_dt).where(StoreState.id == 1)).one_or_none()
    notices = session.execute(select(func.count(Notice.id), func.max(Notice.id), func.max(Notice.updated_dt))).one()
    return (*(store or (0, None)), *notices)


def _last_modified(state: tuple[Any, ...]) -> dt.datetime | None:
    stamps = [stamp for stamp in (state[1], state[4]) if stamp is not None]
    return max(stamps) if stamps else None


def _lang() -> str:
    value = request.args.get("lang", "en").strip().lower() or "en"
    if value not in {"en", "ru"}:
        raise InvalidInput([Problem(f"unknown lang {value!r}; valid: en, ru", field="lang")])
    return value


def _query_response(stream: Stream, extension: str) -> Response:
    check_parameters(request.args, (*FILTER_KEYS, *FEED_KEYS, "lang"))
    page, lang = parse_page(request.args), _lang()
    cache: BoundedCache[Document] = current_app.extensions[_RENDERED]
    with transaction(get_session_factory(current_app)) as session:
        state = _state(session)
        bodies = list_bodies(session) if "body" in request.args else ()
        where = parse_filter(request.args, known_bodies=bodies)
        key = (state, stream.path, extension, where, page, lang)

        def render() -> Document:
            from calendar_service.publish.streams import render_selection

            query = "&".join(part for part in (canonical_query(where), "lang=ru" if lang == "ru" else "") if part)
            data = render_selection(session, get_settings(current_app), stream, where, extension, page, query, lang)
            return Document(data, MEDIA_TYPES[f".{extension}"], _last_modified(state))

        document = cached_or_rendered(cache, key, current_app.extensions[GATE], render)
    if isinstance(document, Response):
        return document
    return send_document(document, headers=HARDENED)


def _published_response(path: str) -> Response:
    response = serve_published(path)
    response.headers.update(HARDENED)
    return response


def serve_stream(extension: str) -> Response:
    """Answer ``/feed.<extension>``: the published file, or a filtered, paged rendering."""
    if not request.args:
        return _published_response(f"feed.{extension}")  # the common case touches neither store nor renderer
    from calendar_service.publish.streams import find_stream

    stream = find_stream("feed", ())
    if stream is None:  # pragma: no cover - the whole stream is always defined
        raise NotFound("there is no feed /feed")
    return _query_response(stream, extension)


def serve_named(name: str, extension: str) -> Response:
    """Answer ``/feeds/<name>.<extension>``: a named stream or an archive page, narrowed by a query string."""
    path = f"feeds/{name}.{extension}"
    if name.startswith("archive/"):
        if is_published(path) is False:
            raise NotFound(f"there is no feed /{path}; the feeds are listed at /")
        if request.args:
            raise InvalidInput([Problem(f"an archive page takes no parameters: {', '.join(sorted(request.args))}",
                                        field=sorted(request.args)[0])])
        return _published_response(path)
    if not request.args:
        if is_published(path) is False:
            raise NotFound(f"there is no feed /{path}; the feeds are listed at /")
        return _published_response(path)
    from calendar_service.publish.streams import find_stream

    with transaction(get_session_factory(current_app)) as session:
        stream = find_stream(f"feeds/{name}", list_countries(session))
    if stream is None:
        raise NotFound(f"there is no feed /{path}; the feeds are listed at /")
    return _query_response(stream, extension)


def stream_counts(session: Session) -> dict[str, int]:
    """Return how many notices each published stream holds now, counted once per state of the store."""
    from calendar_service.publish.streams import count_streams

    facts: BoundedCache[Any] = current_app.extensions[_FACTS]
    return facts.get_or_make(_state(session), lambda: count_streams(session))


def init_app(app: Flask) -> None:
    app.extensions[_RENDERED] = BoundedCache(max_entries=256, max_bytes=32 * 1024 * 1024, size=lambda doc: doc.size)
    app.extensions[_FACTS] = BoundedCache(max_entries=2, max_bytes=2)
    for extension in FEED_FORMATS:
        app.add_url_rule(f"/feed.{extension}", endpoint=f"stream:{extension}",
                         view_func=lambda extension=extension: serve_stream(extension), methods=["GET"])
        app.add_url_rule(f"/feeds/<path:name>.{extension}", endpoint=f"named:{extension}",
                         view_func=lambda name, extension=extension: serve_named(name, extension), methods=["GET"])
