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

The answers are those of :func:`werkzeug.wrappers.Response.make_conditional`: strong ``ETag``
(``-gz`` for the gzip twin), ``Last-Modified``, ``Vary: Accept-Encoding``, ``Cache-Control``,
``304`` to ``If-None-Match`` (weak comparison, RFC 9110 §13.1.2) or ``If-Modified-Since``, ``412``
when ``If-Match`` fails (RFC 9110 §13.1.1); ranges are not offered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_accept_header, parse_date, parse_etags
from werkzeug.wsgi import wrap_file

from calendar_service.publish import files as publishing
from calendar_service.publish.files import MANIFEST, PublishedFile, published_file, read_manifest
from calendar_service.web.responses import MEDIA_TYPES

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
_CHUNK = 256 * 1024

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Variant:
    """One representation of a published file (the file itself or its gzip twin), ready to answer."""

    path: str  #: the object holding the bytes, absolute
    size: int
    etag: str  #: unquoted
    ok: Headers  #: the headers of a 200 (and of a 412)
    not_modified: Headers  #: the headers of a 304


@dataclass
class Snapshot:
    """The manifest as this process read it last, and when it last made sure it is current."""

    entries: dict[str, PublishedFile]
    variants: dict[str, tuple[Variant, Variant]]  #: "/name" -> (identity, gzip)
    last_modified: dict[str, tuple[str, dt.datetime]]  #: "/name" -> (header value, time)
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
        self._snapshot = Snapshot({}, {}, {}, None, -1, -1e9)
        #: Bytes of small objects by their path: content-addressed, so an entry is never stale.
        self._bytes: dict[str, bytes] = {}
        self._held = 0
        self._parsed: dict[tuple[str, str], Any] = {}

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
        snapshot = Snapshot(entries, {}, {}, stamp, publishes, checked)
        for name, entry in entries.items():
            media_type = MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
            modified = http_date(entry.last_modified)
            extra = self.extra_headers(name)
            snapshot.last_modified["/" + name] = (modified, entry.last_modified.replace(microsecond=0))
            snapshot.variants["/" + name] = (
                self._variant(entry.data_path, entry.size, entry.etag, media_type, modified, extra, None),
                self._variant(entry.gzip_data_path, entry.gzip_size, entry.gzip_etag, media_type, modified, extra,
                              "gzip"),
            )
        snapshot.objects = {variant.path for pair in snapshot.variants.values() for variant in pair}
        with self._load_lock:
            for path in set(self._bytes) - snapshot.objects:
                self._held -= len(self._bytes.pop(path))
        return snapshot

    def _variant(self, relative: str, size: int, etag: str, media_type: str, modified: str, extra: Headers,
                 encoding: str | None) -> Variant:
        tag = f'"{etag}"'
        caching = [("Vary", "Accept-Encoding"), ("Cache-Control", f"public, max-age={_MAX_AGE}")]
        ok = [("Content-Type", media_type), ("Content-Length", str(size))]
        if encoding:
            ok.append(("Content-Encoding", encoding))
        ok += [("ETag", tag), ("Last-Modified", modified), *caching, *extra]
        return Variant(str(self.feeds_dir / relative), size, etag, ok, [("ETag", tag), *caching, *extra])

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
        try:
            stream = Path(variant.path).open("rb")  # noqa: SIM115 - the server closes it with the response
        except OSError:
            return None
        return wrap_file(environ, stream, _CHUNK)

    @property
    def held_bytes(self) -> int:
        """Bytes of small files held in memory now."""
        return self._held

    # Answering -------------------------------------------------------------------------------

    def answer(self, environ: dict[str, Any], path: str) -> tuple[str, Headers, Iterable[bytes]] | None:
        """Answer a GET or HEAD for the published ``path`` ("/calendar.ics"); None if it is not published."""
        for _attempt in range(2):
            snapshot = self.snapshot()
            pair = snapshot.variants.get(path)
            if pair is None:
                return None
            variant = pair[1] if self._accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")) else pair[0]
            status = self._condition(environ, variant, snapshot.last_modified[path][1])
            if status == 304:
                return "304 Not Modified", variant.not_modified, []
            line = "200 OK" if status == 200 else "412 Precondition Failed"
            if environ.get("REQUEST_METHOD") == "HEAD":
                return line, variant.ok, []
            body = self.body(variant, environ)
            if body is not None:
                return line, variant.ok, body
            # Two publishes since the manifest was read removed its objects: read it again.
            self._revalidate(force=True)
        return None

    def _accepts_gzip(self, header: str | None) -> bool:
        if not header:
            return False
        found = self._parsed.get(("ae", header))
        if found is None:
            found = self._remember(("ae", header), parse_accept_header(header)["gzip"] > 0)
        return bool(found)

    def _etags(self, header: str) -> ETags:
        found = self._parsed.get(("etags", header))
        return found if found is not None else self._remember(("etags", header), parse_etags(header))

    def _remember(self, key: tuple[str, str], value: Any) -> Any:
        if len(self._parsed) >= 512:  # a bound: clients send few distinct headers, an attacker many
            self._parsed.clear()
        self._parsed[key] = value
        return value

    def _condition(self, environ: dict[str, Any], variant: Variant, modified: dt.datetime) -> int:
        """Return 200, 304 or 412, as :func:`werkzeug.http.is_resource_modified` decides."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if_match = environ.get("HTTP_IF_MATCH")
        unmodified = False
        if if_none_match is None and if_match is None:
            since = environ.get("HTTP_IF_MODIFIED_SINCE")
            if not since:
                return 200
            parsed = parse_date(since)
            return 304 if parsed is not None and modified <= parsed else 200
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since:
            parsed = parse_date(since)
            unmodified = parsed is not None and modified <= parsed
        if if_none_match is not None:
            tags = self._etags(if_none_match)
            if tags:
                unmodified = tags.contains_weak(variant.etag)
        if if_match is not None:
            required = self._etags(if_match)
            if required:
                return 412 if not required.is_strong(variant.etag) else 200
        return 304 if unmodified else 200


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
