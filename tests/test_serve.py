"""``calendar-service serve`` started for real: a fresh store is loaded and both feeds are served."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest

from tests.conftest import DATASET
from tests.process import read_line_matching, stop

STARTUP_SECONDS = 60


@pytest.mark.slow
@pytest.mark.server
def test_serve_on_a_fresh_checkout_serves_both_feeds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    feeds = tmp_path / "feeds"
    data.mkdir()
    feeds.mkdir()
    shutil.copy(DATASET, data / "events.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")}
    # a window reaching back to 1992, so that every day-precision event of the dataset is in the calendar
    env.update(CALENDAR_DATA_DIR=str(data), CALENDAR_FEEDS_DIR=str(feeds), CALENDAR_ICS_PAST_DAYS="36500")
    process = subprocess.Popen(
        [sys.executable, "-m", "calendar_service", "serve", "--port", "0"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        match = read_line_matching(process, r"http://127\.0\.0\.1:(\d+)/", STARTUP_SECONDS)
        base = f"http://127.0.0.1:{match.group(1)}"
        with urllib.request.urlopen(f"{base}/calendar.ics", timeout=10) as response:
            assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
            calendar = icalendar.Calendar.from_ical(response.read())
        with urllib.request.urlopen(f"{base}/feed.atom", timeout=10) as response:
            feed = feedparser.parse(response.read())
        events = [e for e in calendar.walk("VEVENT") if not str(e["UID"]).startswith("anniversary-")]
        assert len(events) == 6
        assert feed.bozo == 0
        assert len(feed.entries) == 12
        assert (data / "calendar.db").is_file()
    finally:
        status = stop(process)
    assert status == 0  # SIGTERM is a clean shutdown


@pytest.mark.slow
def test_a_fresh_store_gets_the_seed_and_the_reference_in_one_load(
    make_settings: Callable[..., dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    import click
    from sqlalchemy import func, select

    from calendar_service.cli import main
    from calendar_service.cli.serve import prepare
    from calendar_service.config import load_settings
    from calendar_service.db import transaction
    from calendar_service.ingest.dataset import read_datasets
    from calendar_service.models import Event
    from tests.conftest import REPO

    settings = make_settings()
    data = Path(settings["DATA_DIR"])
    shutil.copy(DATASET, data / "events.yaml")
    shutil.copytree(REPO / "data" / "reference", data / "reference")
    expected = len(read_datasets([DATASET, *sorted((REPO / "data" / "reference").glob("*.yaml"))]))
    context = click.Context(main)
    context.meta["settings"] = load_settings(settings, environ={})  # the default CALENDAR_DATASET
    with caplog.at_level("INFO", logger="calendar_service.cli.serve"):
        factory, _ = prepare(context)
    with transaction(factory) as session:
        assert session.scalar(select(func.count(Event.id))) == expected
    assert f"{expected} created" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="calendar_service.cli.serve"):
        prepare(context)  # not empty any more: nothing is loaded again
    assert "created" not in caplog.text
