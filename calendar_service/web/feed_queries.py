"""Serve the notice feeds: published files as they are, query-string selections rendered on request.

``/feed.atom``, ``/feed.rss``, ``/feed.json`` and ``/feeds/<stream>.<format>`` (with their archive
pages) are served from the published files, so a request costs no rendering. A query string with
filters (the same as the calendars': ``category``, ``country``, ``body``, ``status``, ``from``,
``to``) or a ``page`` renders a paged feed (RFC 5005 §3) from the store; the bytes are cached per
(store state, format, normalised query), so a repeated request is not rendered again, and the
strong ETag over the bytes answers conditional requests with 304.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import Response, current_app, request
from sqlalchemy import func, select

from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import InvalidInput, NotFound, Problem
from calendar_service.models import Notice
from calendar_service.publish.streams import FORMATS, render_selection
from calendar_service.store.queries import EventFilter, get_store_revision, list_bodies
from calendar_service.web.filters import FILTER_KEYS, parse_filter
from calendar_service.web.published import MEDIA_TYPES, is_published, serve_published

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["canonical_query", "init_app"]

_EXTENSION = "calendar_service.syndication_cache"
_CACHE_SIZE = 256
MAX_PAGE = 10_000


@dataclass(frozen=True)
class _Rendered:
    data: bytes
    gzipped: bytes
    etag: str


class _RenderCache:
    """A small LRU of rendered selections; a key names the store state, so stale bytes never match."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._items: OrderedDict[tuple[object, ...], _Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[object, ...]) -> _Rendered | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], value: _Rendered) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def canonical_query(where: EventFilter) -> str:
    """Return the query string of ``where`` in a fixed order, so equal filters share one cache entry."""
    pairs = [("category", value) for value in sorted(where.categories)]
    pairs += [("country", value) for value in sorted(where.countries)]
    pairs += [("body", value) for value in sorted(where.bodies)]
    pairs += [("status", value) for value in sorted(where.statuses)]
    if where.start:
        pairs.append(("from", where.start.isoformat()))
    if where.end:
        pairs.append(("to", where.end.isoformat()))
    return urlencode(pairs)


def _page_number() -> int:
    value = request.args.get("page", "1")
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidInput([Problem(f"page must be a whole number from 1 to {MAX_PAGE}, not {value!r}",
                                    field="page")])
    return int(value)


def _send(rendered: _Rendered, extension: str) -> Response:
    wants_gzip = request.accept_encodings["gzip"] > 0
    response = Response(rendered.gzipped if wants_gzip else rendered.data, content_type=MEDIA_TYPES[f".{extension}"])
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(rendered.etag + ("-gz" if wants_gzip else ""))
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


def _harden(response: Response) -> Response:
    # A browser opening a feed must never sniff it into HTML and run anything in it.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def serve_stream(extension: str) -> Response:
    """Answer ``/feed.<extension>``: the published file, or a filtered, paged rendering."""
    return _harden(_stream(extension))


def _stream(extension: str) -> Response:
    page = _page_number()
    if page == 1 and not any(request.args.get(key, "").strip() for key in FILTER_KEYS):
        return serve_published(f"feed.{extension}")  # the common case touches neither store nor renderer
    with transaction(get_session_factory(current_app)) as session:
        where = parse_filter(request.args, known_bodies=list_bodies(session) if "body" in request.args else ())
        state = session.execute(select(func.count(Notice.id), func.max(Notice.id), func.max(Notice.updated_dt))).one()
        key = (get_store_revision(session), *state, extension, where, page)
        cache: _RenderCache = current_app.extensions[_EXTENSION]
        rendered = cache.get(key)
        if rendered is None:
            data = render_selection(session, current_app.config, where, extension, page, canonical_query(where))
            rendered = _Rendered(data, gzip.compress(data, compresslevel=6, mtime=0),
                                 hashlib.sha256(data).hexdigest()[:32])
            cache.put(key, rendered)
    return _send(rendered, extension)


def serve_named(name: str, extension: str) -> Response:
    """Answer ``/feeds/<name>.<extension>``: a named stream or an archive page, as published."""
    path = f"feeds/{name}.{extension}"
    if is_published(path) is False:
        raise NotFound(f"there is no feed /{path}; the feeds are listed at /")
    return _harden(serve_published(path))


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = _RenderCache()
    for extension in FORMATS:
        app.add_url_rule(f"/feed.{extension}", endpoint=f"stream:{extension}",
                         view_func=lambda extension=extension: serve_stream(extension), methods=["GET"])
        app.add_url_rule(f"/feeds/<path:name>.{extension}", endpoint=f"named:{extension}",
                         view_func=lambda name, extension=extension: serve_named(name, extension), methods=["GET"])
