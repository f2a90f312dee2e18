"""Publish rendered documents into the feeds folder: atomically, with a manifest the web reads.

Each file is written to a temporary file in the same folder, flushed, fsynced and moved over the
old one with :func:`os.replace`, so a reader sees the old bytes or the new, never a mix, and a
crash or a full disk mid-write leaves the previous file as it was. A gzip twin is written beside
each file, so serving costs no compression. ``manifest.json`` records each file's sha256, strong
ETag and Last-Modified: the web layer serves from it without hashing or rendering anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from calendar_service.errors import ConfigurationError, PublishError

__all__ = ["MANIFEST", "PublishedFile", "check_feeds_dir", "publish", "read_manifest", "write_atomic"]

MANIFEST = "manifest.json"
_LOCK = ".publish.lock"


@dataclass(frozen=True)
class PublishedFile:
    """One published document as the manifest records it."""

    name: str  #: path below the feeds folder, also the URL path ("calendar.ics")
    sha256: str
    size: int
    last_modified: dt.datetime
    gzip_size: int

    @property
    def etag(self) -> str:
        return self.sha256[:32]

    @property
    def gzip_etag(self) -> str:
        return self.sha256[:32] + "-gz"


def check_feeds_dir(feeds_dir: Path) -> None:
    """Raise ConfigurationError unless ``feeds_dir`` is an existing, writable folder."""
    if not feeds_dir.is_dir():
        raise ConfigurationError(f"the feeds folder {feeds_dir} does not exist (CALENDAR_FEEDS_DIR); create it")
    if not os.access(feeds_dir, os.W_OK | os.X_OK):
        raise ConfigurationError(f"the feeds folder {feeds_dir} is not writable (CALENDAR_FEEDS_DIR)")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; on any error the old file is left untouched.

    Raises:
        PublishError: the data could not be written (full disk, permissions, ...).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise PublishError(f"cannot write {path}: {error.strerror or error}; the previous file is kept") from error
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every file system allows opening a folder.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def read_manifest(feeds_dir: Path) -> dict[str, Any]:
    """Return the manifest (an empty one when nothing was published yet or it is unreadable)."""
    try:
        manifest = json.loads((feeds_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": {}}
    return manifest if isinstance(manifest.get("files"), dict) else {"files": {}}


def published_file(name: str, entry: Mapping[str, Any]) -> PublishedFile:
    """Rebuild a :class:`PublishedFile` from its manifest entry."""
    return PublishedFile(
        name=name,
        sha256=entry["sha256"],
        size=entry["size"],
        last_modified=dt.datetime.fromisoformat(entry["last_modified"]),
        gzip_size=entry["gzip_size"],
    )


def _publish_one(feeds_dir: Path, name: str, data: bytes, old: Mapping[str, Any] | None,
                 now: dt.datetime) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    target = feeds_dir / name
    twin = target.with_name(target.name + ".gz")
    if old and old.get("sha256") == digest and target.is_file() and twin.is_file():
        return dict(old)
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    write_atomic(twin, packed)
    write_atomic(target, data)
    return {
        "sha256": digest,
        "size": len(data),
        "gzip_size": len(packed),
        "last_modified": now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    }


def _write_manifest(feeds_dir: Path, files: Mapping[str, Any], rest: Mapping[str, Any],
                    now: dt.datetime) -> dict[str, Any]:
    manifest = {**{k: v for k, v in rest.items() if k != "files"}, "files": dict(files)}
    write_atomic(feeds_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    return manifest


def publish(
    feeds_dir: Path,
    documents: Mapping[str, bytes],
    *,
    now: dt.datetime,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write every changed document (and its gzip twin), then the manifest; return the manifest.

    An unchanged document is not rewritten and keeps its Last-Modified; a document published
    before but absent from ``documents`` is removed. ``extra`` is recorded in the manifest.

    Raises:
        PublishError: a file could not be written; every file stays whole, and the manifest
            still describes the files published before.
    """
    check_feeds_dir(feeds_dir)
    try:
        lock = FileLock(feeds_dir / _LOCK, timeout=60)
        lock.acquire()
    except (Timeout, OSError) as error:
        raise PublishError(f"cannot lock the feeds folder {feeds_dir}: {error}") from error
    try:
        previous = read_manifest(feeds_dir)["files"]
        files: dict[str, Any] = {}
        try:
            for name in sorted(documents):
                files[name] = _publish_one(feeds_dir, name, documents[name], previous.get(name), now)
        except PublishError:
            # Record what did get replaced, so every ETag still matches the bytes on disk.
            kept = {name: entry for name, entry in previous.items() if name not in files}
            _write_manifest(feeds_dir, {**kept, **files}, read_manifest(feeds_dir), now)
            raise
        for name in set(previous) - set(files):
            for stale in (feeds_dir / name, feeds_dir / (name + ".gz")):
                with contextlib.suppress(OSError):
                    stale.unlink()
        return _write_manifest(feeds_dir, files, {"published_at": now.astimezone(dt.UTC).isoformat(),
                                                  **(extra or {})}, now)
    finally:
        lock.release()
