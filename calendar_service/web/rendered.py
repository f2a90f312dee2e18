"""Calendars rendered for a query string, kept as files in a bounded folder and sent from there.

A calendar asked for with a query string (``/calendar.ics?category=meeting&alarm=P1D``) is not a
published file: it is rendered on request, once per state of what it depends on, and kept under
a key made of that state (the store's revision, the day, the settings, the service's version,
the calendar and its canonical query). The render is streamed into two files at once, the
calendar and its gzip twin, while its SHA-256 is computed, so a worker never holds a whole
calendar, however large the store; the answer is then sent from the file like a published one
(:mod:`calendar_service.web.sending`).

The validators are the content's own: the strong ``ETag`` is the first 32 hex digits of the
calendar's SHA-256 (``-gz`` added for the twin), so equal bytes always have the same ETag, in
every worker and after a restart, and different bytes never share one; a conditional request
for a calendar already kept is answered ``304`` without rendering anything.

The folder (``<CALENDAR_DATA_DIR>/cache/queries``) is shared by the workers of one machine and
bounded in bytes and in entries: past either bound the least recently used entries are deleted.
Each entry is three files, written to temporary names and renamed into place, the description
(``<key>.json``) last, so an entry is either whole or absent. Where the folder cannot be written,
each answer is rendered to an anonymous temporary file instead, deleted once sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calendar_service.publish.files import write_with_twin
from calendar_service.web.sending import Conditions, FileChunks, file_body, make_variant, respond

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "Rendered", "RenderedFiles", "rendered_key"]

log = logging.getLogger(__name__)

#: The folder's bounds: bytes of calendars and twins, and entries (calendars) kept.
MAX_BYTES = 512 * 1024 * 1024
MAX_ENTRIES = 256
_GZIP_LEVEL = 6


def rendered_key(*parts: Any) -> str:
    """Return the key of a rendering: a digest of the ``repr`` of everything its bytes depend on."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Rendered:
    """A kept rendering: its files and validators, as its description records them."""

    key: str
    path: str  #: the calendar, absolute
    gzip_path: str
    size: int
    gzip_size: int
    etag: str  #: unquoted
    last_modified: dt.datetime
    media_type: str
    kept: bool = True  #: False: in a temporary folder of its own, deleted once answered

    @property
    def gzip_etag(self) -> str:
        return self.etag + "-gz"


class RenderedFiles:
    """The bounded folder of renderings of one app (see the module's docstring)."""

    def __init__(self, folder: Path, *, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.conditions = Conditions()

    # Finding and keeping ---------------------------------------------------------------------

    def find(self, key: str) -> Rendered | None:
        """Return the rendering kept under ``key`` (now the most recently used), or None."""
        description = self.folder / f"{key}.json"
        try:
            entry = json.loads(description.read_text(encoding="utf-8"))
            rendered = Rendered(key=key, path=str(self.folder / entry["file"]),
                                gzip_path=str(self.folder / entry["gzip_file"]), size=entry["size"],
                                gzip_size=entry["gzip_size"], etag=entry["etag"],
                                last_modified=dt.datetime.fromisoformat(entry["last_modified"]),
                                media_type=entry["media_type"])
            os.utime(description)  # most recently used: the last to be deleted
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return rendered

    def keep(self, key: str, pieces: Iterable[bytes], media_type: str, last_modified: dt.datetime,
             suffix: str) -> Rendered:
        """Write the rendering ``pieces`` under ``key`` with its gzip twin; return it.

        Raises:
            Whatever rendering ``pieces`` raises: nothing is kept then.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            plain = tempfile.NamedTemporaryFile(dir=self.folder, prefix=".", suffix=".part", delete=False)  # noqa: SIM115
        except OSError as error:
            log.warning("cannot keep rendered calendars in %s (%s); rendering each to a temporary file",
                        self.folder, error.strerror or error)
            return self._unkept(key, pieces, media_type, last_modified)
        try:
            packed = tempfile.NamedTemporaryFile(dir=self.folder, prefix=".", suffix=".part", delete=False)  # noqa: SIM115
        except BaseException:
            plain.close()
            Path(plain.name).unlink(missing_ok=True)
            raise
        try:
            with plain, packed:
                digest, size, gzip_size = write_with_twin(pieces, plain, packed, level=_GZIP_LEVEL)
            etag = digest[:32]
            name = f"{key}.{etag}{suffix}"
            Path(plain.name).replace(self.folder / name)
            Path(packed.name).replace(self.folder / f"{name}.gz")
            description = {"file": name, "gzip_file": f"{name}.gz", "size": size, "gzip_size": gzip_size,
                           "etag": etag, "last_modified": last_modified.isoformat(), "media_type": media_type}
            _replace_text(self.folder / f"{key}.json", json.dumps(description))
        except BaseException:
            for temporary in (plain.name, packed.name):
                Path(temporary).unlink(missing_ok=True)
            raise
        self._evict(keep=key)
        return Rendered(key, str(self.folder / name), str(self.folder / f"{name}.gz"), size, gzip_size, etag,
                        last_modified, media_type)

    def _unkept(self, key: str, pieces: Iterable[bytes], media_type: str, last_modified: dt.datetime) -> Rendered:
        """Render to temporary files of the system's temporary folder, deleted as soon as they are closed."""
        folder = tempfile.mkdtemp(prefix="calendar-service-")
        try:
            plain, packed = Path(folder) / "calendar", Path(folder) / "calendar.gz"
            with plain.open("wb") as first, packed.open("wb") as second:
                digest, size, gzip_size = write_with_twin(pieces, first, second, level=_GZIP_LEVEL)
        except BaseException:
            _remove_folder(folder)
            raise
        # Deleted as soon as :meth:`answer` has opened the one it sends.
        return Rendered(key, str(plain), str(packed), size, gzip_size, digest[:32], last_modified, media_type,
                        kept=False)

    def _evict(self, keep: str) -> None:
        """Delete the least recently used entries past the bounds (any worker may; races only re-render).

        Temporary files an hour old are a killed worker's and go too.
        """
        files: dict[str, list[os.DirEntry[str]]] = {}
        stale = dt.datetime.now(dt.UTC).timestamp() - 3600
        try:
            with os.scandir(self.folder) as listing:
                for item in listing:
                    if item.name.startswith("."):
                        if _stat(item)[1] < stale:
                            _unlink(item.path)
                        continue
                    files.setdefault(item.name.split(".", 1)[0], []).append(item)
        except OSError:
            return
        used = {key: max((_stat(item)[1] for item in items if item.name.endswith(".json")), default=0.0)
                for key, items in files.items()}
        entries = total = 0
        for key in sorted(files, key=lambda key: (key == keep, used[key]), reverse=True):
            size = sum(_stat(item)[0] for item in files[key])
            if (entries < self.max_entries and total + size <= self.max_bytes) or key == keep:
                entries, total = entries + 1, total + size
                continue
            # The description first: the entry is gone at once for every worker.
            for item in sorted(files[key], key=lambda item: not item.name.endswith(".json")):
                _unlink(item.path)

    def __len__(self) -> int:
        """Return how many renderings are kept now."""
        return len(self._listing()[0])

    @property
    def nbytes(self) -> int:
        """Bytes of the renderings kept now (calendars and twins)."""
        return self._listing()[1]

    def _listing(self) -> tuple[list[str], int]:
        try:
            paths = [path for path in self.folder.iterdir() if not path.name.startswith(".")]
        except OSError:
            return [], 0
        return [path.stem for path in paths if path.suffix == ".json"], sum(
            _size(path) for path in paths if path.suffix != ".json")

    # Answering ---------------------------------------------------------------------------------

    def answer(self, environ: dict[str, Any], rendered: Rendered, extra: Iterable[tuple[str, str]] = (),
               max_age: int = 300) -> tuple[str, list[tuple[str, str]], Iterable[bytes]] | None:
        """Answer a GET or HEAD with ``rendered``, gzip when accepted; None if its files are gone."""
        if self.conditions.accepts_gzip(environ):
            variant = make_variant(rendered.gzip_path, rendered.gzip_size, rendered.gzip_etag, rendered.media_type,
                                   rendered.last_modified, encoding="gzip", max_age=max_age, extra=extra)
        else:
            variant = make_variant(rendered.path, rendered.size, rendered.etag, rendered.media_type,
                                   rendered.last_modified, max_age=max_age, extra=extra)
        line, headers, sending = respond(environ, variant, self.conditions)
        try:
            if not sending:
                return line, headers, []
            body = file_body(environ, variant.path) if rendered.kept else _opened(variant.path)
            return None if body is None else (line, headers, body)
        finally:
            if not rendered.kept:  # the file opened for the answer outlives its name
                _remove_folder(str(Path(variant.path).parent))


def _opened(path: str) -> Iterable[bytes] | None:
    try:
        return FileChunks(Path(path).open("rb"))  # closed with the answer
    except OSError:
        return None


def _replace_text(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        _unlink(temporary)
        raise


def _remove_folder(folder: str) -> None:
    for name in ("calendar", "calendar.gz"):
        _unlink(Path(folder) / name)
    with contextlib.suppress(OSError):
        Path(folder).rmdir()


def _unlink(path: str | Path) -> None:
    with contextlib.suppress(OSError):
        Path(path).unlink()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stat(item: os.DirEntry[str]) -> tuple[int, float]:
    """Return (size, modification time) of a folder entry; (0, 0) when it is gone."""
    try:
        status = item.stat()
    except OSError:
        return 0, 0.0
    return status.st_size, status.st_mtime
