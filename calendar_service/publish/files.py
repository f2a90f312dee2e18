"""Publish rendered documents into the feeds folder as one set: a crash at any instant leaves
every served validator matching its bytes.

Each file is written by :func:`write_atomic` (temporary file in the same folder, fsync,
:func:`os.replace`), so a reader sees old bytes or new, never a mix. A build publishes a *set*:

1. every new document (and its gzip twin, so serving costs no compression) is written once under
   its content address, ``.objects/<sha256><suffix>``, a name no other content can take;
2. the published names (``calendar.ics``, ``feed.atom`` …) are replaced by hard links to those
   objects, for static servers and for people looking at the folder; their modification time is
   the document's Last-Modified, so a static server's ``Last-Modified`` is the service's;
3. ``manifest.json`` is replaced last: the switch. It names each file's object, sha256 (the strong
   ETag) and Last-Modified, and the web layer serves the objects it names, so the bytes it serves
   are always the bytes the manifest describes, whether a build died before the switch or after;
4. objects neither the new nor the previous manifest names are deleted (a server that read the
   previous manifest a moment ago can still load its objects).
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

from calendar_service.errors import ConfigurationError, PublishError
from calendar_service.locks import folder_lock

__all__ = ["MANIFEST", "OBJECTS", "PublishedFile", "check_feeds_dir", "publish", "published_file", "publishes",
           "read_manifest", "write_atomic"]

MANIFEST = "manifest.json"
#: The content-addressed objects, below the feeds folder (hidden, so a static server lists only the names).
OBJECTS = ".objects"
_PUBLISH_TIMEOUT_SECONDS = 60
#: How many publishes this process has attempted: the web layer of the same process looks at the
#: manifest again when it changes, without looking at the file system per request.
publishes = 0


@dataclass(frozen=True)
class PublishedFile:
    """One published document as the manifest records it."""

    name: str  #: path below the feeds folder, also the URL path ("calendar.ics")
    sha256: str
    size: int
    last_modified: dt.datetime
    gzip_size: int
    path: str = ""  #: the object holding the bytes, below the feeds folder ("" in manifests before objects)
    gzip_path: str = ""

    @property
    def etag(self) -> str:
        return self.sha256[:32]

    @property
    def gzip_etag(self) -> str:
        return self.sha256[:32] + "-gz"

    @property
    def data_path(self) -> str:
        return self.path or self.name

    @property
    def gzip_data_path(self) -> str:
        return self.gzip_path or self.name + ".gz"


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
        path=entry.get("object", ""),
        gzip_path=entry.get("gzip_object", ""),
    )


def _object_names(name: str, digest: str) -> tuple[str, str]:
    suffix = Path(name).suffix
    return f"{OBJECTS}/{digest}{suffix}", f"{OBJECTS}/{digest}{suffix}.gz"


def _store_object(feeds_dir: Path, name: str, data: bytes, old: Mapping[str, Any] | None,
                  now: dt.datetime) -> dict[str, Any]:
    """Write ``data`` and its gzip twin under their content address; return the manifest entry."""
    digest = hashlib.sha256(data).hexdigest()
    plain, packed_name = _object_names(name, digest)
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    for relative, content in ((plain, data), (packed_name, packed)):
        path = feeds_dir / relative
        # A content-addressed object that exists holds these bytes: write_atomic never leaves a part.
        if not (path.is_file() and path.stat().st_size == len(content)):
            write_atomic(path, content)
    unchanged = old is not None and old.get("sha256") == digest
    return {
        "sha256": digest,
        "size": len(data),
        "gzip_size": len(packed),
        "object": plain,
        "gzip_object": packed_name,
        # An unchanged document keeps its Last-Modified, so conditional requests keep answering 304.
        "last_modified": old["last_modified"] if unchanged and old else
        now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    }


def _link_name(feeds_dir: Path, name: str, relative_object: str) -> None:
    """Make the published ``name`` hold the object's bytes: a hard link, swapped in atomically."""
    target = feeds_dir / name
    source = feeds_dir / relative_object
    with contextlib.suppress(OSError):
        if source.samefile(target):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.link")
    try:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        os.link(source, temporary)
        temporary.replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        # A file system without hard links: a copy, written atomically all the same.
        write_atomic(target, source.read_bytes())


def _stamp(feeds_dir: Path, names: tuple[str, ...], last_modified: str) -> None:
    """Give the files the document's Last-Modified as their modification time.

    A static server (nginx) takes ``Last-Modified`` from it, so it answers ``If-Modified-Since``
    as the service does.
    """
    seconds = dt.datetime.fromisoformat(last_modified).timestamp()
    for name in names:
        with contextlib.suppress(OSError):
            os.utime(feeds_dir / name, (seconds, seconds))


def _write_manifest(feeds_dir: Path, manifest: Mapping[str, Any]) -> None:
    write_atomic(feeds_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())


def _referenced(manifest: Mapping[str, Any]) -> set[str]:
    return {entry.get(key, "") for entry in manifest.get("files", {}).values() if isinstance(entry, dict)
            for key in ("object", "gzip_object")}


def _remove_leftovers(feeds_dir: Path) -> None:
    # Temporaries of a publish that was killed; under the lock no other publish is writing any.
    for pattern in (".*.tmp", ".*.link"):
        for path in feeds_dir.rglob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def _collect_garbage(feeds_dir: Path, keep: set[str]) -> None:
    folder = feeds_dir / OBJECTS
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if f"{OBJECTS}/{path.name}" not in keep:
            with contextlib.suppress(OSError):
                path.unlink()


def publish(
    feeds_dir: Path,
    documents: Mapping[str, bytes],
    *,
    now: dt.datetime,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Publish ``documents`` (name -> bytes) as one set, switching the manifest last; return it.

    An unchanged document keeps its Last-Modified; a document published before but absent from
    ``documents`` is removed. ``extra`` is recorded in the manifest.

    Raises:
        PublishError: a file could not be written; the manifest and every object it names are as
            the previous publish left them, so what is served is that whole previous set.
    """
    global publishes
    check_feeds_dir(feeds_dir)
    lock = folder_lock(feeds_dir, "publish")
    try:
        held = lock.acquire(timeout=_PUBLISH_TIMEOUT_SECONDS)
    except ConfigurationError as error:
        raise PublishError(f"cannot lock the feeds folder {feeds_dir}: {error}") from error
    if not held:
        raise PublishError(f"another process has held the {lock.description} for {_PUBLISH_TIMEOUT_SECONDS} s")
    try:
        _remove_leftovers(feeds_dir)
        previous = read_manifest(feeds_dir)
        files = {name: _store_object(feeds_dir, name, documents[name], previous["files"].get(name), now)
                 for name in sorted(documents)}
        for name, entry in files.items():
            _link_name(feeds_dir, name, entry["object"])
            _link_name(feeds_dir, name + ".gz", entry["gzip_object"])
            _stamp(feeds_dir, (name, name + ".gz", entry["object"], entry["gzip_object"]), entry["last_modified"])
        manifest = {"published_at": now.astimezone(dt.UTC).isoformat(), **(extra or {}), "files": files}
        _write_manifest(feeds_dir, manifest)
        for name in set(previous["files"]) - set(files):
            for stale in (feeds_dir / name, feeds_dir / (name + ".gz")):
                with contextlib.suppress(OSError):
                    stale.unlink()
        _collect_garbage(feeds_dir, _referenced(manifest) | _referenced(previous))
        return manifest
    finally:
        publishes += 1  # a failed publish too: what it left is looked at again
        lock.release()
