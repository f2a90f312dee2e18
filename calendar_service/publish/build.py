"""Render every feed from the store and publish it: the step between the store and the web.

Drivers (the ``build-feeds`` command, the scheduler's regenerate job, ``serve`` at start-up)
call :func:`build_feeds`; it reads the store in one session, renders with the pure renderers and
hands the bytes (each calendar in pieces, as it is rendered) to
:func:`calendar_service.publish.files.publish`. A calendar none of whose events changed since the
previous publish is kept as it is, and one whose events did has them spliced in
(:mod:`calendar_service.publish.changes`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.publish.blockstore import load_blocks, save_blocks
from calendar_service.publish.calendars import CalendarDefinition, iter_definition, list_calendars
from calendar_service.publish.changes import plan_calendar, read_changes
from calendar_service.publish.files import Document, Kept, Written, prune_objects, publish, read_manifest
from calendar_service.publish.streams import ArchiveReuse, render_syndication
from calendar_service.render.ical import BlockCache
from calendar_service.store.queries import get_store_revision

__all__ = ["BuildResult", "build_feeds"]

log = logging.getLogger(__name__)

#: Google Calendar silently drops events past about 1 MB; warn well before.
SIZE_WARNING_BYTES = 900 * 1024
#: Rendered calendar entries of this process, one cache per database: a re-render is mostly concatenation,
#: and the calendars of one build, which share most entries, render each entry once.
_CALENDAR_BLOCKS: dict[str, BlockCache] = {}


def calendar_blocks(factory: sessionmaker[Session]) -> BlockCache:
    """Return this process's block cache for the database behind ``factory``."""
    url = factory.kw["bind"].url.render_as_string(hide_password=True)
    return _CALENDAR_BLOCKS.setdefault(url, BlockCache())


@dataclass(frozen=True)
class BuildResult:
    revision: int
    manifest: Mapping[str, Any]
    warnings: tuple[str, ...]
    #: How each calendar was published: "kept", "spliced" or "rendered".
    calendars: Mapping[str, str] = field(default_factory=dict)
    #: Seconds of each step of publishing: ``written``, ``durable`` and ``switched`` (see
    #: :func:`~calendar_service.publish.files.publish`); ``published``: from the build's start to the
    #: switch, when the new set is served; then ``pruned``: the objects of older sets deleted.
    phases: Mapping[str, float] = field(default_factory=dict)


class _CalendarsOnRead(Mapping[str, Document]):
    """The calendars of one build, each rendered in pieces as :func:`publish` writes it, and not kept.

    ``publish`` takes one document at a time and writes each piece as it comes, so a build holds
    one piece of one calendar, never a whole calendar (at 100,000 events the main calendar alone
    is over 100 MB). The size of each is counted as it is written: ``warnings`` is the list the
    manifest records.
    """

    def __init__(self, ready: Mapping[str, bytes], render: Mapping[str, Callable[[], Document]]) -> None:
        self._ready = ready
        self._render = render
        self.warnings: list[str] = []
        self.how: dict[str, str] = {}
        for name, data in sorted(ready.items()):
            self._check(name, len(data))

    def _check(self, name: str, size: int) -> None:
        if size > SIZE_WARNING_BYTES and not any(warning.startswith(f"{name} ") for warning in self.warnings):
            warning = f"{name} is {size // 1024} KB; Google Calendar drops events from feeds past about 1 MB"
            log.warning(warning)
            self.warnings.append(warning)
            self.warnings.sort()

    def __getitem__(self, name: str) -> Document:
        if name in self._ready:
            return self._ready[name]
        document = self._render[name]()
        self.how[name] = "rendered"
        if isinstance(document, Kept):
            self.how[name] = "kept"
            self._check(name, document.entry["size"])
            return document
        if isinstance(document, Written):
            return _Sized(document, functools.partial(self._written, name, document))
        if isinstance(document, bytes):
            self._check(name, len(document))
            return document
        return self._counted(name, iter(document))

    def _written(self, name: str, document: Written, size: int) -> None:
        if getattr(document, "spliced", False):
            self.how[name] = "spliced"
        self._check(name, size)

    def _counted(self, name: str, pieces: Iterator[bytes]) -> Iterator[bytes]:
        size = 0
        for piece in pieces:
            size += len(piece)
            yield piece
        self._check(name, size)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*self._ready, *self._render}))

    def __len__(self) -> int:
        return len({*self._ready, *self._render})


def _renderer(session: Session, definition: CalendarDefinition, settings: Settings, today: dt.date,
              blocks: BlockCache) -> Callable[[Callable[[Any], object]], Iterator[bytes]]:
    """Return what renders ``definition`` whole, telling ``placed`` each entry before its block."""

    def render(placed: Callable[[Any], object]) -> Iterator[bytes]:
        return iter_definition(session, definition, settings, today=today, cache=blocks, placed=placed)

    return render


class _Sized:
    """A document that writes itself, its size told to ``check`` once written."""

    def __init__(self, document: Written, check: Callable[[int], None]) -> None:
        self._document = document
        self._check = check

    def write(self, plain: IO[bytes], packed: IO[bytes]) -> tuple[str, int, int]:
        result = self._document.write(plain, packed)
        self._check(result[1])
        return result

    def sidecar(self) -> bytes | None:
        return self._document.sidecar()


def build_feeds(factory: sessionmaker[Session], settings: Settings, *, now: dt.datetime) -> BuildResult:
    """Render every feed from one consistent read of the store and publish them.

    The calendars are rendered while they are published, inside the one read of the store, each
    piece dropped once written (see :class:`_CalendarsOnRead`); those the events changed since the
    previous publish leave alone are kept, and those they touch spliced where that is proven right.
    """
    began = time.perf_counter()
    reuse = ArchiveReuse.from_feeds_dir(settings.feeds_dir)
    previous = read_manifest(settings.feeds_dir)
    blocks = calendar_blocks(factory)
    phases: dict[str, float] = {}
    with transaction(factory) as session:
        revision = get_store_revision(session)
        since = previous.get("revision")
        changes = read_changes(session, since, revision) if isinstance(since, int) else None
        syndication = render_syndication(session, settings, reuse)
        today = now.astimezone(settings.timezone).date()
        blocks.source = functools.partial(load_blocks, session)
        try:
            documents = _CalendarsOnRead(syndication, {
                definition.name: functools.partial(
                    plan_calendar, session, definition, settings, today=today, changes=changes,
                    previous=previous["files"].get(definition.name),
                    render=_renderer(session, definition, settings, today, blocks))
                for definition in list_calendars(session)})
            warnings = documents.warnings  # filled as the calendars are rendered, before the manifest is written
            manifest = publish(settings.feeds_dir, documents, now=now, durable=settings.fsync, prune=False,
                               phases=phases,
                               extra={"revision": revision, "warnings": warnings, "archive_keys": reuse.keys})
        finally:
            blocks.source = None
    started = time.perf_counter()  # served already: deleting older objects is not on the way to it
    phases["published"] = started - began
    prune_objects(settings.feeds_dir, manifest, previous)
    phases["pruned"] = time.perf_counter() - started
    fresh = blocks.take_fresh()
    if fresh:
        with transaction(factory) as session:
            save_blocks(session, fresh)
    how = documents.how
    log.info("calendars: %d kept, %d spliced, %d rendered", *(sum(1 for value in how.values() if value == kind)
                                                            for kind in ("kept", "spliced", "rendered")))
    log.info("published %.2f s after the start (documents written in %.2f s, durable %.2f s later, switched in "
             "%.2f s), older objects pruned in %.2f s", phases["published"], phases["written"], phases["durable"],
             phases["switched"], phases["pruned"])
    return BuildResult(revision=revision, manifest=manifest, warnings=tuple(warnings), calendars=dict(how),
                       phases=phases)
