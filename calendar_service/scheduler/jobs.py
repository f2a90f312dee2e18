"""Scheduled jobs: thin, idempotent sweeps over the store. Durable state lives in our tables and
the feeds manifest, never in the scheduler, so any job run catches up by itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from .. import clock
from ..build import BuildResult, build_feeds
from ..db import transaction
from ..publish import read_manifest
from ..queries import get_store_revision

__all__ = ["regenerate", "regenerate_if_changed"]

log = logging.getLogger(__name__)


def regenerate(factory: sessionmaker[Session], settings: Mapping[str, Any]) -> BuildResult:
    """Re-render and publish every feed."""
    started = time.perf_counter()
    result = build_feeds(factory, settings, now=clock.now())
    log.info("regenerate: store revision %s, %d files, %.2f s", result.revision,
             len(result.manifest["files"]), time.perf_counter() - started)
    return result


def regenerate_if_changed(factory: sessionmaker[Session], settings: Mapping[str, Any]) -> BuildResult | None:
    """Re-render only if the store changed since the feeds were last published.

    Polled every few seconds, this debounces bursts: a thousand writes between two polls cost
    one render.
    """
    with transaction(factory) as session:
        revision = get_store_revision(session)
    if read_manifest(Path(settings["FEEDS_DIR"])).get("revision") == revision:
        return None
    return regenerate(factory, settings)
