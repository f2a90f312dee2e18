"""Answer a GET or HEAD with a file: its validators, the request's conditions, the bytes from the file.

Both kinds of file the web layer sends go through here: the published files
(:mod:`calendar_service.web.published`) and the calendars rendered for a query string
(:mod:`calendar_service.web.rendered`). A :class:`Variant` is one representation (the file or its
gzip twin) with its header lists made once; :class:`Conditions` decides ``200``, ``304`` or
``412`` as :func:`werkzeug.http.is_resource_modified` does (``If-None-Match`` by weak comparison,
RFC 9110 §13.1.2, ``If-Match`` by strong comparison, §13.1.1, ``If-Modified-Since`` only without
them), remembering the few header values clients send; :func:`file_body` hands the file to the
server (``wsgi.file_wrapper``: ``sendfile`` under gunicorn) or reads it in 256 KB pieces, closing
it at the end, so no answer holds a whole file.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_accept_header, parse_date, parse_etags

__all__ = ["Conditions", "FileChunks", "Headers", "Variant", "file_body", "make_variant", "respond"]

CHUNK = 256 * 1024

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Variant:
    """One representation of a file (the file itself or its gzip twin), ready to answer."""

    path: str  #: the file holding the bytes, absolute
    size: int
    etag: str  #: unquoted, strong
    modified: dt.datetime  #: its Last-Modified, in whole seconds
    ok: Headers  #: the headers of a 200 (and of a 412)
    not_modified: Headers  #: the headers of a 304


def make_variant(path: str, size: int, etag: str, media_type: str, modified: dt.datetime, *,
                 encoding: str | None = None, max_age: int = 300, extra: Iterable[tuple[str, str]] = ()) -> Variant:
    """Return the :class:`Variant` of a file, its headers made now, once."""
    validators = [("ETag", f'"{etag}"'), ("Last-Modified", http_date(modified))]
    caching = [("Vary", "Accept-Encoding"), ("Cache-Control", f"public, max-age={max_age}")]
    ok = [("Content-Type", media_type), ("Content-Length", str(size))]
    if encoding:
        ok.append(("Content-Encoding", encoding))
    ok += [*validators, *caching, *extra]
    return Variant(path, size, etag, modified.replace(microsecond=0), ok, [*validators, *caching, *extra])


class FileChunks:
    """The bytes of an open file for a WSGI response, 256 KB at a time; closed at the end or by ``close``.

    Closing at the end matters where nobody calls ``close`` on the response (a test client that
    reads the body): the file never outlives the answer.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self._stream.read(CHUNK):
                yield chunk
        finally:
            self._stream.close()

    def close(self) -> None:
        self._stream.close()


def file_body(environ: dict[str, Any], path: str) -> Iterable[bytes] | None:
    """Open ``path`` for the server to send (its ``wsgi.file_wrapper``, else :class:`FileChunks`); None if gone.

    PEP 3333: the server calls ``close()`` on the body it is given, which closes the file.
    """
    try:
        stream = Path(path).open("rb")  # noqa: SIM115 - closed with the response, see above
    except OSError:
        return None
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        body: Iterable[bytes] = wrapper(stream, CHUNK)
        return body
    return FileChunks(stream)


class Conditions:
    """Evaluate a request's conditions against a :class:`Variant`; parsed header values are remembered."""

    def __init__(self, remembered: int = 512) -> None:
        self.remembered = remembered  #: a bound: clients send few distinct values, an attacker many
        self._parsed: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def accepts_gzip(self, environ: dict[str, Any]) -> bool:
        """Tell whether the request's ``Accept-Encoding`` takes gzip (``q`` above 0)."""
        header = environ.get("HTTP_ACCEPT_ENCODING")
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
        with self._lock:
            if len(self._parsed) >= self.remembered:
                self._parsed.clear()
            self._parsed[key] = value
        return value

    def status(self, environ: dict[str, Any], variant: Variant) -> int:
        """Return 200, 304 or 412, as :func:`werkzeug.http.is_resource_modified` decides."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if_match = environ.get("HTTP_IF_MATCH")
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if if_none_match is None and if_match is None and not since:
            return 200
        unmodified = False
        if since:
            parsed = parse_date(since)
            unmodified = parsed is not None and variant.modified <= parsed
        if if_none_match is not None:
            tags = self._etags(if_none_match)
            if tags:
                unmodified = tags.contains_weak(variant.etag)
        if if_match is not None:
            required = self._etags(if_match)
            if required:
                return 412 if not required.is_strong(variant.etag) else 200
        return 304 if unmodified else 200


def respond(environ: dict[str, Any], variant: Variant, conditions: Conditions) -> tuple[str, Headers, bool]:
    """Decide the answer to a GET or HEAD for ``variant``: (status line, headers, whether the body goes)."""
    status = conditions.status(environ, variant)
    if status == 304:
        return "304 Not Modified", variant.not_modified, False
    return ("200 OK" if status == 200 else "412 Precondition Failed"), variant.ok, \
        environ.get("REQUEST_METHOD") != "HEAD"
