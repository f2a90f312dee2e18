"""A notice the anniversary sweep issues is published by the next change poll (seconds), or at once
by ``run-job``, not at the next periodic render; a job run that found nothing to do logs at DEBUG."""

from __future__ import annotations

import datetime as dt
import logging

import feedparser
import pytest
import time_machine
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.cli import main
from calendar_service.db import transaction
from calendar_service.models import Notice
from calendar_service.publish.files import read_manifest
from calendar_service.scheduler import jobs
from calendar_service.store.queries import get_store_revision

#: 8 May 2025, 10:00 in Moscow: past DAILY_AT, seven days before the treaty's anniversary.
SWEEP_DAY = dt.datetime(2025, 5, 8, 7, 0, tzinfo=dt.UTC)


def _anniversary_titles(factory: sessionmaker[Session]) -> set[str]:
    with transaction(factory) as session:
        return set(session.scalars(select(Notice.title).where(Notice.kind.like("anniversary%"))))


def _feed_titles(loaded: Flask) -> set[str]:
    response = loaded.test_client().get("/feed.atom")
    assert response.status_code == 200
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0
    return {entry.title for entry in feed.entries}


def test_a_scheduled_sweep_is_published_by_the_next_change_poll(
    loaded: Flask, factory: sessionmaker[Session]
) -> None:
    with time_machine.travel(SWEEP_DAY, tick=False):
        result = jobs.run_job(factory, get_settings(loaded), "anniversaries")
        issued = _anniversary_titles(factory)
        assert result.issued >= 1
        assert issued
        assert not issued & _feed_titles(loaded)
        # The change poll, due every CHANGE_POLL_SECONDS, renders the notices; no periodic render ran.
        build = jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")
    assert build is not None
    assert issued <= _feed_titles(loaded)
    with transaction(factory) as session:
        assert read_manifest(get_settings(loaded).feeds_dir)["revision"] == get_store_revision(session)


def test_run_job_publishes_the_notices_it_issued(loaded: Flask, factory: sessionmaker[Session],
                                                 runner: CliRunner) -> None:
    before = _feed_titles(loaded)
    with time_machine.travel(SWEEP_DAY, tick=False):
        outcome = runner.invoke(main, ["run-job", "anniversaries"])
    assert outcome.exit_code == 0, outcome.output
    issued = _anniversary_titles(factory)
    assert issued
    assert not issued & before
    assert _feed_titles(loaded) == before | issued


def test_a_sweep_that_issued_nothing_leaves_the_feeds_alone(loaded: Flask, factory: sessionmaker[Session]) -> None:
    manifest = read_manifest(get_settings(loaded).feeds_dir)
    with time_machine.travel(dt.datetime(2025, 3, 1, 7, 0, tzinfo=dt.UTC), tick=False):
        result = jobs.run_job(factory, get_settings(loaded), "anniversaries")
        assert result.issued == 0
        assert jobs.regenerate_if_changed(factory, get_settings(loaded)) is None
    assert read_manifest(get_settings(loaded).feeds_dir) == manifest


def test_a_job_run_with_nothing_to_do_logs_at_debug(
    loaded: Flask, factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="calendar_service.job_runs")
    jobs.run_job(factory, get_settings(loaded), "regenerate-on-change")  # the feeds are current: nothing to do
    jobs.run_job(factory, get_settings(loaded), "regenerate")
    levels = [(record.levelname, record.getMessage().split(":")[0]) for record in caplog.records
              if record.name == "calendar_service.job_runs"]
    assert [level for level, _ in levels] == ["DEBUG", "INFO"]
    assert levels[0][1].startswith("job regenerate-on-change done")
