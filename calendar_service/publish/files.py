"""Publish rendered documents into the feeds folder as one set: a crash at any instant leaves
every served validator matching its bytes.

Each file is written by :func:`write_atomic` (temporary file in the same folder, fsync,
:func:`os.replace`), so a reader sees old bytes or new, never a mix. A build publishes a *set*:

1. every new document (and its gzip twin, so serving costs no compression) is written once under
   its content address, ``.objects/<sha256><suffix>``, a name no other content can take; a
   document may come in pieces, written (and compressed, and hashed) as they come to a temporary
   file that takes that name once the document is whole and durable (its writeback started as it
   is written, and waited for while the next document is written: see
   :mod:`calendar_service.publish.durable`);
2. the published names (``calendar.ics``, ``feed.atom`` …) are replaced by hard links to those
   objects, for static servers and for people looking at the folder; their modification time is
   the document's Last-Modified, so a static server's ``Last-Modified`` is the service's;
3. ``manifest.json`` is replaced last: the switch. It names each file's object, sha256, size,
   Last-Modified and ETag, and the web layer serves the objects it names, so the bytes it serves
   are always the bytes the manifest describes, whether a build died before the switch or after;
4. objects neither the new nor the previous manifest names are deleted (a server that read the
   previous manifest a moment ago can still load its objects): at the end of the publish, or as
   a step of its own once the new set is served (:func:`prune_objects`).

The ETag of a published file is the one nginx gives a static file (``etag on``): its
modification time in whole seconds and its size, in hexadecimal (``"6787ad90-1f4a2"``); the gzip
twin's is the twin's own time and size, as ``gzip_static`` answers. So the service, nginx over
the same folder and every web worker send the same strong validators. Such an ETag names one
content only if a changed document never keeps its time and size: a document that changed gets a
modification time strictly later than any it, or the file under its name, had before (one second
past the previous one when publishes come faster than a second), and its twin a second more in
the rare case that both are the same size. An unchanged document keeps its time, so conditional
requests keep answering ``304``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol, runtime_checkable

from calendar_service.errors import ConfigurationError, PublishError
from calendar_service.locks import folder_lock
from calendar_service.publish.durable import DURABLE, Settler, start_writeback, sync_file, sync_folder

__all__ = ["MANIFEST", "OBJECTS", "SIDECAR", "Document", "Kept", "PublishedFile", "Written", "check_feeds_dir",
           "file_etag", "prune_objects", "publish", "published_file", "publishes", "read_manifest",
           "write_atomic"]

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
    gzip_last_modified: dt.datetime | None = None  #: the twin's modification time, when not ``last_modified``

    @property
    def etag(self) -> str:
        """Return the strong ETag (unquoted) of the file: nginx's, from its modification time and size."""
        return file_etag(self.last_modified, self.size)

    @property
    def gzip_etag(self) -> str:
        """Return the strong ETag (unquoted) of the gzip twin, from the twin's own time and size."""
        return file_etag(self.gzip_modified, self.gzip_size)

    @property
    def gzip_modified(self) -> dt.datetime:
        return self.gzip_last_modified or self.last_modified

    @property
    def data_path(self) -> str:
        return self.path or self.name

    @property
    def gzip_data_path(self) -> str:
        return self.gzip_path or self.name + ".gz"


def file_etag(modified: dt.datetime | int, size: int) -> str:
    """Return the strong ETag, unquoted, that nginx gives a file modified at ``modified`` of ``size`` bytes.

    nginx writes ``"%xT-%xO"``: the modification time in whole seconds since the epoch and the
    size, in lower-case hexadecimal (``ngx_http_set_etag``).
    """
    seconds = modified if isinstance(modified, int) else int(modified.timestamp())
    return f"{seconds:x}-{size:x}"


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
    _replace_atomic(path, lambda stream: stream.write(data))


def _copy_atomic(source: Path, path: Path) -> None:
    """Replace ``path`` with a copy of ``source`` (may be ``path``) as :func:`write_atomic` does, a block at a time.

    Raises:
        PublishError: the copy could not be written.
    """

    def copy(stream: BinaryIO) -> None:
        with source.open("rb") as original:
            shutil.copyfileobj(original, stream)

    _replace_atomic(path, copy)


def _replace_atomic(path: Path, write: Callable[[BinaryIO], object], *, sync_dir: bool = True) -> None:
    """Write a temporary file beside ``path`` with ``write``, make it durable, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            sync_file(stream.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise PublishError(f"cannot write {path}: {error.strerror or error}; the previous file is kept") from error
    if sync_dir:
        sync_folder(path.parent)


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
        gzip_last_modified=dt.datetime.fromisoformat(entry["gzip_last_modified"])
        if entry.get("gzip_last_modified") else None,
    )


def _object_names(name: str, digest: str) -> tuple[str, str]:
    suffix = Path(name).suffix
    return f"{OBJECTS}/{digest}{suffix}", f"{OBJECTS}/{digest}{suffix}.gz"


@runtime_checkable
class Written(Protocol):
    """A document that writes itself and its gzip twin (a calendar rendered with its index, or spliced)."""

    def write(self, plain: IO[bytes], packed: IO[bytes]) -> tuple[str, int, int]:
        """Write the document and its twin; return its SHA-256 (hex), its size and the twin's size."""
        ...

    def sidecar(self) -> bytes | None:
        """Return what to keep beside the object as ``<object>.idx`` (its index), once written."""
        ...


@dataclass(frozen=True)
class Kept:
    """A document published before and unchanged: its manifest entry, kept with its objects as they are."""

    entry: Mapping[str, Any]


#: A document to publish: its bytes, its bytes in pieces (each written as it comes), one that writes
#: itself, or one kept as published.
Document = bytes | Iterable[bytes] | Written | Kept
#: Beside an object, the index of its entries (see calendar_service.publish.entryindex).
SIDECAR = ".idx"


#: Bytes gathered before they are hashed, written and compressed: few calls, a bounded buffer.
_CHUNK_BYTES = 256 * 1024


def write_with_twin(pieces: Iterable[bytes], plain: IO[bytes], packed: IO[bytes], *, level: int
                    ) -> tuple[str, int, int]:
    """Write ``pieces`` to ``plain`` and gzipped at ``level`` to ``packed``, holding at most about 256 KB.

    The gzip member has no file name and time 0 in its header, so the twin's bytes depend on the
    document's only. Returns the document's SHA-256 (hex), its size and the twin's size.
    """
    digest = hashlib.sha256()
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    size = gzip_size = 0
    buffered: list[bytes] = []
    held = 0

    def flush() -> None:
        nonlocal size, gzip_size
        data = b"".join(buffered)
        buffered.clear()
        digest.update(data)
        plain.write(data)
        compressed = compressor.compress(data)
        packed.write(compressed)
        size += len(data)
        gzip_size += len(compressed)

    for piece in pieces:
        buffered.append(piece)
        held += len(piece)
        if held >= _CHUNK_BYTES:
            flush()
            held = 0
    flush()
    tail = compressor.flush()
    packed.write(tail)
    return digest.hexdigest(), size, gzip_size + len(tail)


def _store_object(feeds_dir: Path, name: str, document: Document, fresh: set[Path], settler: Settler
                  ) -> dict[str, Any]:
    """Write ``document`` and its gzip twin to be stored under their content address; return the manifest entry
    (no times yet).

    The pieces are written as they come to temporary files among the objects, the twin compressed
    in the same pass and the sha256 taken as they pass, so no more than one piece is held, and the
    kernel is asked to start writing them to disk as they grow. Once the document is whole,
    ``settler`` makes them durable and gives them their content-addressed names (:func:`_settle`)
    while the next document is written. A :class:`Written` document writes both files itself, and
    its sidecar is kept beside the object; a :class:`Kept` one is checked to be there and left as
    it is.

    Raises:
        PublishError: a file could not be written. Any error of ``document`` (a renderer's)
            propagates as it is; either way no temporary file is left.
    """
    if isinstance(document, Kept):
        return _kept(feeds_dir, name, document.entry)
    folder = feeds_dir / OBJECTS
    temporaries: list[Path] = []
    streams: list[BinaryIO] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in (".tmp", ".gz.tmp"):
            handle, made = tempfile.mkstemp(prefix=".object.", suffix=suffix, dir=folder)
            temporaries.append(Path(made))
            streams.append(os.fdopen(handle, "wb"))
        plain, packed = streams
        if isinstance(document, Written):
            hexdigest, size, gzip_size = document.write(plain, packed)
        else:
            hexdigest, size, gzip_size = write_with_twin((document,) if isinstance(document, bytes)
                                                         else document, plain, packed, level=9)
        for stream in streams:
            stream.flush()
            start_writeback(stream.fileno())
        sidecar = document.sidecar() if isinstance(document, Written) else None
    except BaseException as error:
        for stream in streams:
            with contextlib.suppress(OSError):
                stream.close()
        for path in temporaries:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise PublishError(f"cannot write {name} among the objects of {feeds_dir}: {error.strerror or error}; "
                               "the previous set is kept") from error
        raise
    objects = _object_names(name, hexdigest)
    settler.submit(functools.partial(_settle, feeds_dir, name, list(zip(streams, temporaries, objects,
                                                                        (size, gzip_size), strict=True)),
                                     sidecar, fresh))
    return {"sha256": hexdigest, "size": size, "gzip_size": gzip_size, "object": objects[0],
            "gzip_object": objects[1]}


def _settle(feeds_dir: Path, name: str, written: list[tuple[BinaryIO, Path, str, int]], sidecar: bytes | None,
            fresh: set[Path]) -> None:
    """Make a document's written temporaries durable, then give them their content-addressed names.

    An object that exists already holds these bytes (it was durable before it took its name), so
    it is kept and the temporary dropped. The objects named now are added to ``fresh``; the index
    given as ``sidecar`` is written beside the document's object.

    Raises:
        PublishError: a file could not be made durable or named; no temporary file is left.
    """
    try:
        try:
            for stream, *_ in written:
                sync_file(stream.fileno())  # its writeback began as it was written: this waits for the rest
        finally:
            for stream, *_ in written:
                stream.close()
        for _, temporary, relative, length in written:
            path = feeds_dir / relative
            if path.is_file() and path.stat().st_size == length:
                temporary.unlink()
            else:
                temporary.chmod(0o644)
                temporary.replace(path)
                fresh.add(path)
        if sidecar is not None:
            _replace_atomic(feeds_dir / (written[0][2] + SIDECAR), lambda stream: stream.write(sidecar),
                            sync_dir=False)
    except OSError as error:
        raise PublishError(f"cannot write {name} among the objects of {feeds_dir}: {error.strerror or error}; "
                           "the previous set is kept") from error
    finally:
        for _, temporary, *_ in written:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _kept(feeds_dir: Path, name: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """Return the entry of a document kept as published, once its objects are found as the entry says."""
    kept = {key: entry[key] for key in ("sha256", "size", "gzip_size", "object", "gzip_object")}
    for key, size in (("object", kept["size"]), ("gzip_object", kept["gzip_size"])):
        try:
            found = (feeds_dir / kept[key]).stat().st_size
        except OSError as error:
            raise PublishError(f"cannot keep {name}: its object {kept[key]} is gone ({error.strerror or error}); "
                               "the previous set is kept") from error
        if found != size:
            raise PublishError(f"cannot keep {name}: its object {kept[key]} is {found} bytes, not {size}; "
                               "the previous set is kept")
    return kept


def _unchanged(feeds_dir: Path, document: Document, old: Any) -> Document:
    """Return a document given as bytes that the previous set holds already as :class:`Kept`."""
    if not isinstance(document, bytes) or not isinstance(old, dict) or not old.get("object"):
        return document
    if hashlib.sha256(document).hexdigest() != old.get("sha256"):
        return document
    with contextlib.suppress(OSError, KeyError):
        if (feeds_dir / old["object"]).stat().st_size == old["size"] == len(document) \
                and (feeds_dir / old["gzip_object"]).stat().st_size == old["gzip_size"]:
            return Kept(old)
    return document


def _seconds(stamp: str | None) -> int:
    return int(dt.datetime.fromisoformat(stamp).timestamp()) if stamp else 0


def _after_file(path: Path, object_path: Path) -> int:
    """Return the earliest time ``path`` may be given for new content: past what it shows now.

    A publish killed after linking a name leaves a static server serving that file under its
    time; the next content must not reuse it. A name already holding the object itself keeps it.
    """
    try:
        status = path.stat()
    except OSError:
        return 0
    with contextlib.suppress(OSError):
        if path.samefile(object_path):
            return int(status.st_mtime)
    return int(status.st_mtime) + 1


def _modification_times(feeds_dir: Path, files: Mapping[str, dict[str, Any]], previous: Mapping[str, Any],
                        now: dt.datetime) -> None:
    """Give each entry its ``last_modified`` and ``gzip_last_modified`` (see the module's docstring).

    Names with the same bytes share one object, so one modification time: the latest any of them needs.
    """
    sharing: dict[str, list[str]] = {}
    for name, entry in files.items():
        sharing.setdefault(entry["sha256"], []).append(name)
    for digest, names in sharing.items():
        olds = [previous.get(name) if isinstance(previous.get(name), dict) else None for name in names]
        kept = {old.get("last_modified") if old is not None and old.get("sha256") == digest else None for old in olds}
        if len(kept) == 1 and None not in kept:
            seconds = _seconds(kept.pop())  # unchanged: conditional requests keep answering 304
        else:
            seconds = max(_changed_time(feeds_dir, name, files[name], old, now) for name, old in zip(names, olds,
                                                                                                    strict=True))
        for name in names:
            entry = files[name]
            # Two representations of one name must never share a strong ETag (RFC 9110 §8.8.3).
            gzip_seconds = seconds + 1 if entry["gzip_size"] == entry["size"] else seconds
            entry.update(last_modified=_iso(seconds), gzip_last_modified=_iso(gzip_seconds),
                         etag=file_etag(seconds, entry["size"]), gzip_etag=file_etag(gzip_seconds, entry["gzip_size"]))


def _changed_time(feeds_dir: Path, name: str, entry: Mapping[str, Any], old: Mapping[str, Any] | None,
                  now: dt.datetime) -> int:
    """Return the modification time for new content of ``name``: now, and past every time it had."""
    return max(int(now.timestamp()),
               *(_seconds(old.get(key)) + 1 for key in ("last_modified", "gzip_last_modified") if old is not None),
               _after_file(feeds_dir / name, feeds_dir / entry["object"]),
               _after_file(feeds_dir / (name + ".gz"), feeds_dir / entry["gzip_object"]))


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


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
        _copy_atomic(source, target)


def _stamp(path: Path, last_modified: str, fresh: set[Path] | None = None) -> None:
    """Give the file the document's Last-Modified as its modification time, in whole seconds.

    A static server (nginx) takes ``Last-Modified`` and its ETag from it, so it answers
    conditional requests as the service does. An object that was there before this publish is
    never given another time in place: names of a previous set (or of a copy of the folder) may
    link to it and must keep theirs, so it is copied to a file of its own first.

    Raises:
        PublishError: a time could not be set: the validators would differ.
    """
    nanoseconds = _seconds(last_modified) * 1_000_000_000
    try:
        if path.stat().st_mtime_ns == nanoseconds:
            return
        if fresh is not None and path not in fresh:
            _copy_atomic(path, path)
        os.utime(path, ns=(nanoseconds, nanoseconds))
    except OSError as error:
        raise PublishError(f"cannot set the modification time of {path}: {error.strerror or error}; "
                           "the previous set is kept") from error


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


def _collect_garbage(feeds_dir: Path, keep: set[str]) -> int:
    """Delete the objects (and their indexes) ``keep`` does not name; return how many files went."""
    folder = feeds_dir / OBJECTS
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in folder.iterdir():
        if f"{OBJECTS}/{path.name.removesuffix(SIDECAR)}" not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                deleted += 1
    return deleted


@contextlib.contextmanager
def _publish_lock(feeds_dir: Path) -> Iterator[None]:
    """Hold the feeds folder's publish lock: one publish (or prune) at a time, across processes.

    Raises:
        PublishError: the lock could not be taken within a minute.
    """
    lock = folder_lock(feeds_dir, "publish")
    try:
        held = lock.acquire(timeout=_PUBLISH_TIMEOUT_SECONDS)
    except ConfigurationError as error:
        raise PublishError(f"cannot lock the feeds folder {feeds_dir}: {error}") from error
    if not held:
        raise PublishError(f"another process has held the {lock.description} for {_PUBLISH_TIMEOUT_SECONDS} s")
    try:
        yield
    finally:
        lock.release()


def publish(
    feeds_dir: Path,
    documents: Mapping[str, Document],
    *,
    now: dt.datetime,
    extra: Mapping[str, Any] | None = None,
    durable: bool = True,
    prune: bool = True,
    phases: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Publish ``documents`` (name -> bytes, or an iterable of byte pieces) as one set, switching the manifest last.

    Return the manifest. ``documents`` is read one name at a time, in order of name, and each
    document written as it comes (see :func:`_store_object`): a mapping that renders a document
    when it is looked up, as pieces, has the publish hold one piece at a time. Every object is
    durable before the manifest that names it is written.

    An unchanged document keeps its Last-Modified; a document published before but absent from
    ``documents`` is removed. ``extra`` is recorded in the manifest. With ``prune``, the objects
    neither the new manifest nor the one it replaces names are deleted last; without, the caller
    does it with :func:`prune_objects` once the set is served. ``phases``, if given, receives the
    seconds spent writing the documents (``written``), waiting for the last of them to be durable
    and named (``durable``) and switching to the new set (``switched``). ``durable`` false (the
    setting ``FSYNC``) skips every fsync: a crash of the process still leaves a consistent set, a
    power cut may not.

    Raises:
        PublishError: a file could not be written; the manifest and every object it names are as
            the previous publish left them, so what is served is that whole previous set.
    """
    global publishes
    check_feeds_dir(feeds_dir)
    with _publish_lock(feeds_dir):
        durability = DURABLE.set(durable)
        try:
            started = time.perf_counter()
            _remove_leftovers(feeds_dir)
            previous = read_manifest(feeds_dir)
            fresh: set[Path] = set()
            with Settler() as settler:
                files = {name: _store_object(feeds_dir, name, _unchanged(feeds_dir, documents[name],
                                                                         previous["files"].get(name)), fresh, settler)
                         for name in sorted(documents)}
                written = time.perf_counter()
            sync_folder(feeds_dir / OBJECTS)  # the objects' names, durable before the manifest names them
            settled = time.perf_counter()
            _modification_times(feeds_dir, files, previous["files"], now)
            for name, entry in files.items():
                for published, relative, stamp in ((name, entry["object"], entry["last_modified"]),
                                                   (name + ".gz", entry["gzip_object"], entry["gzip_last_modified"])):
                    _stamp(feeds_dir / relative, stamp, fresh)
                    fresh.add(feeds_dir / relative)  # stamped for this set: names sharing it take it as it is
                    _link_name(feeds_dir, published, relative)
                    _stamp(feeds_dir / published, stamp)  # a copy where hard links are refused
            manifest = {"published_at": now.astimezone(dt.UTC).isoformat(), **(extra or {}), "files": files}
            _write_manifest(feeds_dir, manifest)
            for name in set(previous["files"]) - set(files):
                for stale in (feeds_dir / name, feeds_dir / (name + ".gz")):
                    with contextlib.suppress(OSError):
                        stale.unlink()
            if phases is not None:
                phases.update(written=written - started, durable=settled - written,
                              switched=time.perf_counter() - settled)
            if prune:
                _collect_garbage(feeds_dir, _referenced(manifest) | _referenced(previous))
            return manifest
        finally:
            DURABLE.reset(durability)
            publishes += 1  # a failed publish too: what it left is looked at again


def prune_objects(feeds_dir: Path, published: Mapping[str, Any], replaced: Mapping[str, Any]) -> int:
    """Delete the objects of sets before ``replaced``, once ``published`` has replaced it; return how many files went.

    The step :func:`publish` leaves to its caller with ``prune=False``, so that deleting the
    objects of older sets (whole calendars: it takes the file system a while) is not on the way
    to the new set being served. The objects ``replaced`` names stay, for a server that read it a
    moment ago. Nothing is deleted when another publish has come since ``published``: it prunes
    with its own.

    Raises:
        PublishError: the folder's lock could not be taken.
    """
    with _publish_lock(feeds_dir):
        if read_manifest(feeds_dir) != json.loads(json.dumps(published)):  # as written: lists, not tuples
            return 0
        return _collect_garbage(feeds_dir, _referenced(published) | _referenced(replaced))
