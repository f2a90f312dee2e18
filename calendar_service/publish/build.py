"""Render every feed from the store and publish it: the step between the store and the web.

Drivers (the ``build-feeds`` command, the scheduler's regenerate job, ``serve`` at start-up)
call :func:`build_feeds`; it reads the store in one session, renders with the pure renderers and
hands the bytes (each calendar in pieces, as it is rendered) to
:func:`calendar_service.publish.files.publish`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.publish.blockstore import load_blocks, save_blocks
from calendar_service.publish.calendars import iter_definition, list_calendars
from calendar_service.publish.files import Document, publish
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


class _CalendarsOnRead(Mapping[str, Document]):
    """The calendars of one build, each rendered in pieces as :func:`publish` writes it, and not kept.

    ``publish`` takes one document at a time and writes each piece as it comes, so a build holds
    one piece of one calendar, never a whole calendar (at 100,000 events the main calendar alone
    is over 100 MB). The size of each is counted as it is written: ``warnings`` is the list the
    manifest records.
    """

    def __init__(self, ready: Mapping[str, bytes], render: Mapping[str, Callable[[], Iterator[bytes]]]) -> None:
        self._ready = ready
        self._render = render
        self.warnings: list[str] = []
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
        return self._counted(name, self._render[name]())

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


def build_feeds(factory: sessionmaker[Session], settings: Settings, *, now: dt.datetime) -> BuildResult:
    """Render every feed from one consistent read of the store and publish them.

    The calendars are rendered while they are published, inside the one read of the store, each
    piece dropped once written (see :class:`_CalendarsOnRead`).
    """
    reuse = ArchiveReuse.from_feeds_dir(settings.feeds_dir)
    blocks = calendar_blocks(factory)
    with transaction(factory) as session:
        revision = get_store_revision(session)
        syndication = render_syndication(session, settings, reuse)
        today = now.astimezone(settings.timezone).date()
        blocks.source = functools.partial(load_blocks, session)
        try:
            documents = _CalendarsOnRead(syndication, {
                definition.name: functools.partial(iter_definition, session, definition, settings, today=today,
                                                   cache=blocks)
                for definition in list_calendars(session)})
            warnings = documents.warnings  # filled as the calendars are rendered, before the manifest is written
            manifest = publish(settings.feeds_dir, documents, now=now,
                               extra={"revision": revision, "warnings": warnings, "archive_keys": reuse.keys})
        finally:
            blocks.source = None
    fresh = blocks.take_fresh()
    if fresh:
        with transaction(factory) as session:
            save_blocks(session, fresh)
    return BuildResult(revision=revision, manifest=manifest, warnings=tuple(warnings))
