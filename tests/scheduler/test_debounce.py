"""A burst of store changes costs one or two renders, not one per change."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db, get_settings
from calendar_service.ingest.dataset import read_dataset
from calendar_service.publish.files import read_manifest
from calendar_service.scheduler import jobs
from calendar_service.store.queries import get_store_revision
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, NOW


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the renders the jobs start."""
    counted: list[int] = []
    build = jobs.build_feeds

    def counting(*args: Any, **kwargs: Any) -> Any:
        result = build(*args, **kwargs)
        counted.append(result.revision)
        return result

    monkeypatch.setattr(jobs, "build_feeds", counting)
    return counted


@pytest.mark.slow
def test_500_writes_between_polls_give_one_or_two_renders(
    loaded: Flask, factory: sessionmaker[Session], renders: list[int]
) -> None:
    record = read_dataset(DATASET)[0]
    poll = get_settings(loaded).change_poll_seconds
    for write in range(500):
        with db.transaction(factory) as session:
            changed = dataclasses.replace(record, summary=f"{record.summary} (revision {write})")
            upsert_records(session, [changed], now=NOW + dt.timedelta(seconds=write * poll / 250))
        if write == 249:  # the poll falls in the middle of the burst
            jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")
    jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")  # the next poll, after the burst
    jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")  # and the one after: nothing new
    with db.transaction(factory) as session:
        final = get_store_revision(session)
    assert len(renders) == 2
    assert renders[-1] == final
    assert read_manifest(get_settings(loaded).feeds_dir)["revision"] == final


def test_no_change_no_render(loaded: Flask, factory: sessionmaker[Session], renders: list[int]) -> None:
    for _ in range(3):
        assert jobs.run_job(factory, get_settings(loaded), "regenerate-on-change") is None
    assert renders == []
