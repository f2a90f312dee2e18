from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.ingest.dataset import load_dataset, read_dataset
from calendar_service.scheduler import jobs
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, NOW


def test_regenerate_if_changed_renders_only_after_a_change(app: Flask, factory: sessionmaker[Session]) -> None:
    load_dataset(factory, DATASET, now=NOW)
    first = jobs.regenerate_if_changed(factory, get_settings(app))  # nothing published yet
    assert first is not None
    assert first.revision == 1
    assert first.manifest["revision"] == 1
    assert jobs.regenerate_if_changed(factory, get_settings(app)) is None
    records = read_dataset(DATASET)
    # A burst of changes between two polls costs one render.
    for hour in range(1, 51):
        with transaction(factory) as session:
            changed = [r.__class__(**{**r.__dict__, "summary": f"revision {hour}"}) for r in records[:1]]
            upsert_records(session, changed, now=NOW + dt.timedelta(hours=hour))
    assert jobs.regenerate_if_changed(factory, get_settings(app)).revision == 51
    assert jobs.regenerate_if_changed(factory, get_settings(app)) is None
