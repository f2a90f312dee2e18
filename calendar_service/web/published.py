"""Serve the published feed files: bytes and validators come from the last render, per request
nothing is rendered, hashed or compressed.

A small cache keyed by the manifest's modification time keeps each file's bytes (and gzip twin)
in memory until the next publish replaces them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Response, current_app, request

from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.publish.files import MANIFEST, PublishedFile, published_file, read_manifest
from calendar_service.render import FeedSpec
from calendar_service.render.ical import render_calendar
from calendar_service.store.queries import get_event
from calendar_service.web.errors import problem

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["MEDIA_TYPES", "init_app", "is_published", "serve_published"]

MEDIA_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
}
_EXTENSION = "calendar_service.feed_cache"


@dataclass(frozen=True)
class _Loaded:
    file: PublishedFile
    data: bytes
    gzipped: bytes


class PublishedFiles:
    """The published files of one feeds folder, reloaded when the manifest changes."""

    def __init__(self, feeds_dir: Path) -> None:
        self.feeds_dir = feeds_dir
        self._lock = threading.Lock()
        self._stamp: int | None = None
        self._entries: dict[str, PublishedFile] = {}
        self._loaded: dict[str, _Loaded] = {}

    def _refresh(self) -> None:
        try:
            stamp = (self.feeds_dir / MANIFEST).stat().st_mtime_ns
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        files = read_manifest(self.feeds_dir)["files"]
        self._entries = {name: published_file(name, entry) for name, entry in files.items()}
        self._loaded = {name: item for name, item in self._loaded.items()
                        if name in self._entries and self._entries[name] == item.file}
        self._stamp = stamp

    def knows(self, name: str) -> bool | None:
        """Tell whether ``name`` is published (None while nothing has been published at all)."""
        with self._lock:
            self._refresh()
            return (name in self._entries) if self._entries else None

    def get(self, name: str) -> _Loaded | None:
        """Return the published file ``name`` with its bytes, or None if it is not published."""
        with self._lock:
            self._refresh()
            entry = self._entries.get(name)
            if entry is None:
                return None
            loaded = self._loaded.get(name)
            if loaded is None:
                try:
                    data = (self.feeds_dir / name).read_bytes()
                    gzipped = (self.feeds_dir / (name + ".gz")).read_bytes()
                except OSError:
                    return None
                loaded = self._loaded[name] = _Loaded(entry, data, gzipped)
            return loaded


def _files() -> PublishedFiles:
    return current_app.extensions[_EXTENSION]


def is_published(name: str) -> bool | None:
    """Tell whether ``name`` is published (None while nothing has been published at all)."""
    return _files().knows(name)


def serve_published(name: str) -> Response:
    """Answer a GET for the published file ``name``, honouring conditional and gzip requests."""
    loaded = _files().get(name)
    if loaded is None:
        response = problem(503, "Service Unavailable", f"{name} has not been rendered yet; try again shortly")
        response.headers["Retry-After"] = "10"
        return response
    wants_gzip = request.accept_encodings["gzip"] > 0
    media_type = MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
    response = Response(loaded.gzipped if wants_gzip else loaded.data, content_type=media_type)
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(loaded.file.gzip_etag if wants_gzip else loaded.file.etag)
    response.last_modified = loaded.file.last_modified
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = PublishedFiles(Path(app.config["FEEDS_DIR"]))
    app.add_url_rule("/events/<uid>.ics", endpoint="event_ics", view_func=single_event_calendar, methods=["GET"])


def single_event_calendar(uid: str) -> Response:
    """Answer ``/events/<uid>.ics``: one event, no calendar name (an "Add to calendar" file).

    ``alarm`` and ``lang`` work as on the calendars.
    """
    from calendar_service.web.calendar_queries import parse_ics_options

    settings = current_app.config
    spec = FeedSpec(title="", description="", self_url=f"{settings['BASE_URL']}/events/{uid}.ics",
                    base_url=settings["BASE_URL"], timezone=settings["TIMEZONE"],
                    refresh_minutes=settings["REFRESH_MINUTES"])
    with transaction(get_session_factory(current_app)) as session:
        event = get_event(session, uid)
        if event is None:
            raise NotFound(f"no event with uid {uid!r}")
        data = render_calendar([event], spec, named=False, options=parse_ics_options(request.args))
    response = Response(data, content_type=MEDIA_TYPES[".ics"])
    response.headers["Content-Disposition"] = 'attachment; filename="event.ics"'
    response.add_etag()
    return response.make_conditional(request)
