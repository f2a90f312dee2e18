"""Render every feed from the store and publish it: the step between the store and the web.

Drivers (the ``build-feeds`` command, the scheduler's regenerate job, ``serve`` at start-up)
call :func:`build_feeds`; it reads the store in one session, renders with the pure renderers and
hands the bytes to :func:`calendar_service.publish.files.publish`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.publish.blockstore import load_blocks, save_blocks
from calendar_service.publish.calendars import build_calendars
from calendar_service.publish.files import publish
from calendar_service.publish.streams import ArchiveReuse, render_syndication
from calendar_service.render.ical import BlockCache
from calendar_service.store.queries import get_store_revision

__all__ = ["BuildResult", "build_feeds"]

log = logging.getLogger(__name__)

#: Google Calendar silently drops events past about 1 MB; warn well before.
SIZE_WARNING_BYTES = 900 * 1024
#: Rendered calendar entries of this process, one cache per database: a re-render is mostly concatenation.
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


def build_feeds(factory: sessionmaker[Session], settings: Settings, *, now: dt.datetime) -> BuildResult:
    """Render every feed from one consistent read of the store and publish them."""
    documents: dict[str, bytes] = {}
    reuse = ArchiveReuse.from_feeds_dir(settings.feeds_dir)
    with transaction(factory) as session:
        revision = get_store_revision(session)
        documents.update(render_syndication(session, settings, reuse))
        today = now.astimezone(settings.timezone).date()
        blocks = calendar_blocks(factory)
        blocks.source = functools.partial(load_blocks, session)
        try:
            documents.update(build_calendars(session, settings, today=today, cache=blocks))
        finally:
            blocks.source = None
    fresh = blocks.take_fresh()
    if fresh:
        with transaction(factory) as session:
            save_blocks(session, fresh)
    warnings = tuple(
        f"{name} is {len(data) // 1024} KB; Google Calendar drops events from feeds past about 1 MB"
        for name, data in sorted(documents.items())
        if len(data) > SIZE_WARNING_BYTES
    )
    for warning in warnings:
        log.warning(warning)
    manifest = publish(settings.feeds_dir, documents, now=now,
                       extra={"revision": revision, "warnings": list(warnings), "archive_keys": reuse.keys})
    return BuildResult(revision=revision, manifest=manifest, warnings=warnings)
