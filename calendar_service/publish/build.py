"""Render every feed from the store and publish it: the step between the store and the web.

Drivers (the ``build-feeds`` command, the scheduler's regenerate job, ``serve`` at start-up)
call :func:`build_feeds`; it reads the store in one session and hands each document to a
:class:`calendar_service.publish.files.Publication` as it is rendered: a calendar goes from the
database to its file a chunk of entries at a time, so a build holds one chunk, never a document.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service.config import Settings
from calendar_service.db import transaction
from calendar_service.publish.calendars import build_calendars
from calendar_service.publish.files import Publication
from calendar_service.publish.streams import ArchiveReuse, iter_syndication
from calendar_service.store.queries import get_store_revision

__all__ = ["BuildResult", "build_feeds"]

log = logging.getLogger(__name__)

#: Google Calendar silently drops events past about 1 MB; warn well before.
SIZE_WARNING_BYTES = 900 * 1024


@dataclass(frozen=True)
class BuildResult:
    revision: int
    manifest: Mapping[str, Any]
    warnings: tuple[str, ...]


def build_feeds(factory: sessionmaker[Session], settings: Settings, *, now: dt.datetime) -> BuildResult:
    """Render every feed from one consistent read of the store and publish them, each as it is rendered."""
    reuse = ArchiveReuse.from_feeds_dir(settings.feeds_dir)
    today = now.astimezone(settings.timezone).date()
    with Publication(settings.feeds_dir, now=now) as publication:
        with transaction(factory) as session:
            revision = get_store_revision(session)
            for name, data in iter_syndication(session, settings, reuse):
                publication.add(name, (data,))
            for name, pieces in build_calendars(session, settings, today=today):
                publication.add(name, pieces)
        warnings = tuple(
            f"{name} is {entry['size'] // 1024} KB; Google Calendar drops events from feeds past about 1 MB"
            for name, entry in sorted(publication.files.items())
            if entry["size"] > SIZE_WARNING_BYTES
        )
        for warning in warnings:
            log.warning(warning)
        manifest = publication.finish({"revision": revision, "warnings": list(warnings), "archive_keys": reuse.keys})
    return BuildResult(revision=revision, manifest=manifest, warnings=warnings)
