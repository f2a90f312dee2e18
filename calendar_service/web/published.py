"""Serve the published feed files: bytes and validators come from the last build; per request
nothing is rendered, hashed or compressed.

The manifest is read again when its modification time changes; each file's bytes and gzip twin
are kept in a :class:`~calendar_service.web.responses.BoundedCache` under the file's digest, so a
publish that replaces a file never serves the old bytes under the new validators.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Response, current_app

from calendar_service import get_settings
from calendar_service.publish.files import MANIFEST, PublishedFile, published_file, read_manifest
from calendar_service.web.errors import problem
from calendar_service.web.responses import MEDIA_TYPES, BoundedCache, Document, send_document

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["PublishedFiles", "init_app", "is_published", "published_entries", "serve_published"]

_EXTENSION = "calendar_service.feed_cache"


class PublishedFiles:
    """The published files of one feeds folder, reloaded when the manifest changes."""

    def __init__(self, feeds_dir: Path, max_entries: int = 4096, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.feeds_dir = feeds_dir
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[str, PublishedFile] = {}
        self.loaded: BoundedCache[Document] = BoundedCache(max_entries, max_bytes, size=lambda doc: doc.size)

    def entries(self) -> dict[str, PublishedFile]:
        """Return the manifest's files by name (empty while nothing has been published)."""
        with self._lock:
            try:
                status = (self.feeds_dir / MANIFEST).stat()
                # The manifest is replaced, never rewritten in place: a new inode is a new manifest.
                stamp: tuple[int, int] | None = (status.st_ino, status.st_mtime_ns)
            except OSError:
                stamp = None
            if stamp != self._stamp:
                files = read_manifest(self.feeds_dir)["files"]
                self._entries = {name: published_file(name, entry) for name, entry in files.items()}
                self._stamp = stamp
            return self._entries

    def get(self, name: str) -> Document | None:
        """Return the published file ``name`` as a document, or None if it is not published.

        The bytes come from the object the manifest names, so they are the bytes its ETag was
        taken from, even while a build is replacing the published names.
        """
        for _attempt in range(2):
            entry = self.entries().get(name)
            if entry is None:
                return None
            document = self.loaded.get((name, entry.sha256)) or self._load(entry)
            if document is not None:
                return document
            # Two builds since the manifest was read removed its objects: read the manifest again.
            with self._lock:
                self._stamp = None
        return None

    def _load(self, entry: PublishedFile) -> Document | None:
        try:
            data = (self.feeds_dir / entry.data_path).read_bytes()
            gzipped = (self.feeds_dir / entry.gzip_data_path).read_bytes()
        except OSError:
            return None
        document = Document(data, MEDIA_TYPES.get(Path(entry.name).suffix, "application/octet-stream"),
                            entry.last_modified, etag=entry.etag, gzip_etag=entry.gzip_etag, gzipped=gzipped)
        return self.loaded.put((entry.name, entry.sha256), document)


def _files() -> PublishedFiles:
    return current_app.extensions[_EXTENSION]


def published_entries() -> dict[str, PublishedFile]:
    """Return the published files by name, as the last build's manifest records them."""
    return _files().entries()


def is_published(name: str) -> bool | None:
    """Tell whether ``name`` is published (None while nothing has been published at all)."""
    entries = _files().entries()
    return (name in entries) if entries else None


def serve_published(name: str) -> Response:
    """Answer a GET for the published file ``name``, honouring conditional and gzip requests."""
    document = _files().get(name)
    if document is None:
        response = problem(503, "Service Unavailable", f"{name} has not been rendered yet; try again shortly")
        response.headers["Retry-After"] = "10"
        return response
    return send_document(document)


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = PublishedFiles(get_settings(app).feeds_dir)
