"""How the web layer answers with a document, and the one bounded cache behind every memory of it.

Every route that serves a document (published files, calendars and feeds rendered for a query
string, an event's ``.ics``, the HTML pages) answers through :func:`send_document`: a strong
``ETag`` over the bytes, ``Last-Modified``, ``Vary: Accept-Encoding``, ``Cache-Control``, the gzip
twin when the client accepts it, and ``304 Not Modified`` to a conditional request. Every
in-memory cache of the web layer is a :class:`BoundedCache`: least recently used first out, past
an entry bound or a byte bound, so no sequence of requests can grow a worker without limit.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Generic, TypeVar

from flask import Response, request

from calendar_service.web.errors import problem

__all__ = ["GATE", "MEDIA_TYPES", "BoundedCache", "Document", "RenderGate", "busy", "cached_or_rendered",
           "send_document"]

MEDIA_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}

V = TypeVar("V")
#: The app's :class:`RenderGate`, in ``app.extensions``.
GATE = "calendar_service.render_gate"


class Document:
    """Bytes ready to be served, with their validators; the gzip twin is made once, when first asked.

    Args:
        etag: the strong validator of ``data`` (a digest of it unless given, as the manifest does
            for published files).
        gzipped: the compressed twin, when it exists already (published files).
    """

    __slots__ = ("_gzipped", "data", "etag", "gzip_etag", "last_modified", "media_type", "size")

    def __init__(self, data: bytes, media_type: str, last_modified: dt.datetime | None, *,
                 etag: str | None = None, gzip_etag: str | None = None, gzipped: bytes | None = None) -> None:
        self.data = data
        self.media_type = media_type
        self.last_modified = last_modified
        self.etag = etag or hashlib.sha256(data).hexdigest()[:32]
        self.gzip_etag = gzip_etag or self.etag + "-gz"
        self._gzipped = gzipped
        #: Bytes held at most: the document and its twin (which gzip never makes much larger).
        self.size = len(data) + (len(gzipped) if gzipped is not None else len(data))

    def gzipped(self) -> bytes:
        """Return the gzip twin (``mtime=0``: the same bytes always compress to the same twin)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.data, compresslevel=6, mtime=0)
        return self._gzipped


def send_document(document: Document, *, max_age: int = 300, headers: Mapping[str, str] | None = None) -> Response:
    """Answer a GET with ``document``: gzip when accepted, validators, 304 to a conditional request."""
    wants_gzip = request.accept_encodings["gzip"] > 0
    response = Response(document.gzipped() if wants_gzip else document.data, content_type=document.media_type)
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(document.gzip_etag if wants_gzip else document.etag)
    if document.last_modified is not None:
        response.last_modified = document.last_modified
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.make_conditional(request)  # answers 304 or 206 in place
    return response


class BoundedCache(Generic[V]):
    """A thread-safe LRU map bounded in entries and in bytes (``size`` tells a value's bytes).

    A value larger than the whole byte bound is not kept at all.
    """

    def __init__(self, max_entries: int, max_bytes: int, size: Callable[[V], int] = lambda value: 1) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> V | None:
        """Return the value of ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` under ``key``, dropping the least recently used past the bounds; return it."""
        size = self._size(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return value
            while self._items and (len(self._items) >= self.max_entries or self._bytes + size > self.max_bytes):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
            self._items[key] = (value, size)
            self._bytes += size
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """Return the value of ``key``, made with ``make()`` and kept when missing."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Bytes held, as ``size`` counts them."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


class RenderGate:
    """One query render at a time per worker; a request that waits too long is told to come back.

    A render holds the GIL for its whole length: several at once slowed every other answer of the
    worker (a 304 that takes 2 ms alone took seconds among them). Waiting renders queue here.
    """

    def __init__(self, wait_seconds: float = 10.0) -> None:
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[bool]:
        """Hold the gate for a render; yield False (and hold nothing) if it stayed shut too long."""
        acquired = self._lock.acquire(timeout=self.wait_seconds)
        try:
            yield acquired
        finally:
            if acquired:
                self._lock.release()


def busy() -> Response:
    """Answer 503 with ``Retry-After``: the worker is rendering other queries."""
    response = problem(503, "Service Unavailable", "busy rendering other queries; try again shortly")
    response.headers["Retry-After"] = "5"
    return response


def cached_or_rendered(
    cache: BoundedCache[Document], key: Hashable, gate: RenderGate, render: Callable[[], Document]
) -> Document | Response:
    """Return the cached document for ``key``, or render it once under the gate and keep it.

    A request that waited at the gate looks in the cache again: the request it waited for has
    usually rendered the same document. A gate that stays shut answers :func:`busy`.
    """
    document = cache.get(key)
    if document is not None:
        return document
    with gate.held() as open_:
        if not open_:
            return busy()
        document = cache.get(key)
        return document if document is not None else cache.put(key, render())
