"""Serve the published feed files in front of the framework: bytes and validators from the last build.

:class:`PublishedFront` is WSGI middleware around the Flask app. A ``GET`` or ``HEAD`` without a
query string for a name the manifest lists is answered here, before routing: a dictionary lookup,
the validators compared with the request's, and headers made once per publish. Everything else
(query strings, other methods, names not published) goes on to Flask, whose routes answer
through :func:`serve_published` with the same code, so both ways give the same answer.

What the front keeps, per process, and how it stays bounded and current:

- the manifest as read last: one entry per published file, with its header lists ready. It is
  read again when this process publishes (a counter in :mod:`calendar_service.publish.files`) and
  when the manifest's inode or modification time has changed, looked at no more than once a
  second (a publish by another process, such as the clock, is served within that second). No
  request takes a lock or makes a file-system call to find out.
- the bytes of small files (and of every gzip twin that is small), up to a byte budget, keyed by
  their content address, so they never go stale; the rest is sent from the page cache: the object
  file opened and handed to the server's ``wsgi.file_wrapper`` (``sendfile`` under gunicorn; read
  in 256 KB pieces where the server has none), never read whole into a worker.

The answers are nginx's over the same folder (docs/nginx.conf, compared in tests/test_nginx.py):
the strong ``ETag`` nginx makes of the file's modification time and size (the gzip twin's own
for a gzip answer, as ``gzip_static`` sends it; see :mod:`calendar_service.publish.files`),
``Last-Modified``, ``Vary: Accept-Encoding``, ``Cache-Control``; ``304`` to ``If-None-Match``
(weak comparison, RFC 9110 §13.1.2) or ``If-Modified-Since``, ``412`` when ``If-Match`` fails
(strong comparison, RFC 9110 §13.1.1); ranges are not offered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calendar_service.publish import files as publishing
from calendar_service.publish.files import MANIFEST, PublishedFile, published_file, read_manifest
from calendar_service.web.responses import MEDIA_TYPES
from calendar_service.web.sending import Conditions, Headers, Variant, file_body, make_variant, respond

if TYPE_CHECKING:
    import datetime as dt

    from flask import Flask, Response

__all__ = ["PUBLISHED_FILES", "PublishedFiles", "PublishedFront", "init_app", "is_published", "published_entries",
           "serve_published"]

#: The app's :class:`PublishedFiles`, in ``app.extensions``.
PUBLISHED_FILES = "calendar_service.published_files"
#: How often a worker looks at the manifest for a publish made by another process.
RECHECK_SECONDS = 1.0
#: Files up to this size are kept in memory (within the budget); larger ones are sent from their file.
IN_MEMORY_FILE_BYTES = 1024 * 1024
#: The bytes of small files one process keeps at most.
IN_MEMORY_BUDGET_BYTES = 32 * 1024 * 1024
_MAX_AGE = 300

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass
class Snapshot:
    """The manifest as this process read it last, and when it last made sure it is current."""

    entries: dict[str, PublishedFile]
    variants: dict[str, tuple[Variant, Variant]]  #: "/name" -> (identity, gzip)
    stamp: tuple[int, int] | None
    publishes: int
    checked: float
    objects: set[str] = field(default_factory=set)


class PublishedFiles:
    """The published files of one feeds folder, as one process serves them.

    Args:
        extra_headers: the headers a published name carries besides the validators (the
            calendars' ``Link``, the feeds' hardening), made once per publish.
    """

    def __init__(self, feeds_dir: Path, extra_headers: Callable[[str], Headers] = lambda name: [], *,
                 recheck_seconds: float = RECHECK_SECONDS, memory_file_bytes: int = IN_MEMORY_FILE_BYTES,
                 memory_budget_bytes: int = IN_MEMORY_BUDGET_BYTES) -> None:
        self.feeds_dir = feeds_dir.resolve()
        self.extra_headers = extra_headers
        self.recheck_seconds = recheck_seconds
        self.memory_file_bytes = memory_file_bytes
        self.memory_budget_bytes = memory_budget_bytes
        self._reload = threading.Lock()
        self._load_lock = threading.Lock()
        self._snapshot = Snapshot({}, {}, None, -1, -1e9)
        #: Bytes of small objects by their path: content-addressed, so an entry is never stale.
        self._bytes: dict[str, bytes] = {}
        self._held = 0
        self.conditions = Conditions()

    # The current manifest -------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Return the current manifest: re-read only after a publish, looked at once a second."""
        snapshot = self._snapshot
        if snapshot.publishes != publishing.publishes or time.monotonic() - snapshot.checked >= self.recheck_seconds:
            return self._revalidate(force=False)
        return snapshot

    def _revalidate(self, *, force: bool) -> Snapshot:
        if not self._reload.acquire(blocking=force):
            return self._snapshot  # another thread is reading it; the current one is still whole
        try:
            publishes, checked = publishing.publishes, time.monotonic()
            try:
                status = (self.feeds_dir / MANIFEST).stat()
                # The manifest is replaced, never rewritten in place: a new inode is a new manifest.
                stamp: tuple[int, int] | None = (status.st_ino, status.st_mtime_ns)
            except OSError:
                stamp = None
            if stamp == self._snapshot.stamp and not force:
                self._snapshot.publishes, self._snapshot.checked = publishes, checked
            else:
                self._snapshot = self._read(stamp, publishes, checked)
            return self._snapshot
        finally:
            self._reload.release()

    def _read(self, stamp: tuple[int, int] | None, publishes: int, checked: float) -> Snapshot:
        files = read_manifest(self.feeds_dir)["files"]
        entries = {name: published_file(name, entry) for name, entry in files.items()}
        snapshot = Snapshot(entries, {}, stamp, publishes, checked)
        for name, entry in entries.items():
            media_type = MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
            extra = self.extra_headers(name)
            snapshot.variants["/" + name] = (
                self._variant(entry.data_path, entry.size, entry.etag, media_type, entry.last_modified, extra, None),
                self._variant(entry.gzip_data_path, entry.gzip_size, entry.gzip_etag, media_type,
                              entry.gzip_modified, extra, "gzip"),
            )
        snapshot.objects = {variant.path for pair in snapshot.variants.values() for variant in pair}
        with self._load_lock:
            for path in set(self._bytes) - snapshot.objects:
                self._held -= len(self._bytes.pop(path))
        return snapshot

    def _variant(self, relative: str, size: int, etag: str, media_type: str, modified: dt.datetime, extra: Headers,
                 encoding: str | None) -> Variant:
        return make_variant(str(self.feeds_dir / relative), size, etag, media_type, modified, encoding=encoding,
                            max_age=_MAX_AGE, extra=extra)

    # Reading the bytes ----------------------------------------------------------------------

    def body(self, variant: Variant, environ: dict[str, Any]) -> Iterable[bytes] | None:
        """Return the bytes of ``variant``: from memory, or its file for the server to send; None if gone."""
        data = self._bytes.get(variant.path)
        if data is not None:
            return [data]
        if variant.size <= self.memory_file_bytes and self._held + variant.size <= self.memory_budget_bytes:
            try:
                with Path(variant.path).open("rb") as stream:
                    data = stream.read()
            except OSError:
                return None
            with self._load_lock:
                if variant.path not in self._bytes and self._held + len(data) <= self.memory_budget_bytes:
                    self._bytes[variant.path] = data
                    self._held += len(data)
            return [data]
        return file_body(environ, variant.path)

    @property
    def held_bytes(self) -> int:
        """Bytes of small files held in memory now."""
        return self._held

    # Answering -------------------------------------------------------------------------------

    def answer(self, environ: dict[str, Any], path: str) -> tuple[str, Headers, Iterable[bytes]] | None:
        """Answer a GET or HEAD for the published ``path`` ("/calendar.ics"); None if it is not published."""
        for _attempt in range(2):
            pair = self.snapshot().variants.get(path)
            if pair is None:
                return None
            variant = pair[1] if self.conditions.accepts_gzip(environ) else pair[0]
            line, headers, sending = respond(environ, variant, self.conditions)
            if not sending:
                return line, headers, []
            body = self.body(variant, environ)
            if body is not None:
                return line, headers, body
            # Two publishes since the manifest was read removed its objects: read it again.
            self._revalidate(force=True)
        return None


class PublishedFront:
    """WSGI middleware answering GET and HEAD for published files before the app it wraps."""

    def __init__(self, app: WSGIApp, files: PublishedFiles) -> None:
        self.app = app
        self.files = files

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (method == "GET" or method == "HEAD") and not environ.get("QUERY_STRING"):
            answer = self.files.answer(environ, environ.get("PATH_INFO", ""))
            if answer is not None:
                status, headers, body = answer
                start_response(status, list(headers))
                return body
        return self.app(environ, start_response)


def _files() -> PublishedFiles:
    from flask import current_app

    files: PublishedFiles = current_app.extensions[PUBLISHED_FILES]
    return files


def published_entries() -> dict[str, PublishedFile]:
    """Return the published files by name, as the last build's manifest records them."""
    return _files().snapshot().entries


def is_published(name: str) -> bool | None:
    """Tell whether ``name`` is published (None while nothing has been published at all)."""
    entries = published_entries()
    return (name in entries) if entries else None


def serve_published(name: str) -> Response:
    """Answer a GET for the published file ``name`` from a Flask view, as the front does."""
    from flask import Response, request

    from calendar_service.web.errors import problem

    answer = _files().answer(request.environ, "/" + name)
    if answer is None:
        response = problem(503, "Service Unavailable", f"{name} has not been rendered yet; try again shortly")
        response.headers["Retry-After"] = "10"
        return response
    status, headers, body = answer
    return Response(body, status=status, headers=headers, direct_passthrough=True)


def init_app(app: Flask, extra_headers: Callable[[str], Headers]) -> None:
    """Keep the published files of the app's feeds folder and answer for them in front of the app."""
    from calendar_service import get_settings

    files = PublishedFiles(get_settings(app).feeds_dir, extra_headers)
    app.extensions[PUBLISHED_FILES] = files
    # Flask's documented way to wrap the app in WSGI middleware; mypy refuses assigning a method.
    app.wsgi_app = PublishedFront(app.wsgi_app, files)  # type: ignore[method-assign]
