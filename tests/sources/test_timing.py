"""How soon an item reaches the calendar (with the injected clock), and the pause between requests to a host."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import icalendar
import pytest
import time_machine
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.ingest.sources.fetching import Fetcher
from calendar_service.ingest.sources.watch import fetch_sources
from calendar_service.outbound import make_client
from calendar_service.publish.files import read_manifest
from calendar_service.scheduler.jobs import run_job
from tests.httpserver import Reply, Site
from tests.sources.conftest import EN_DEFENCE, READ_AT, article, rss

pytestmark = pytest.mark.server


def test_an_item_reaches_calendar_ics_within_one_fetch_interval_and_the_re_render_debounce(
        app: Flask, site: Site, add: Callable[..., None], factory: sessionmaker[Session]) -> None:
    settings = get_settings(app)
    every = dt.timedelta(minutes=settings.sources_every)
    debounce = dt.timedelta(seconds=settings.change_poll_seconds)
    site.put("/rss", Reply(200, rss([])))
    add("agency", site.url("/rss"))
    with time_machine.travel(READ_AT, tick=False) as traveller:
        run_job(factory, settings, "fetch")  # the scheduler's fetch runs now, and every `every` after
        run_job(factory, settings, "regenerate")
        # The worst case: the item appears just after a fetch.
        appeared = READ_AT + dt.timedelta(seconds=1)
        traveller.move_to(appeared)
        site.put("/a", Reply(200, article("Defence ministers", EN_DEFENCE)))
        site.put("/rss", Reply(200, rss([("a", site.url("/a"), "Defence ministers", "Tue, 10 Feb 2026 09:00:01 GMT")])))
        traveller.move_to(READ_AT + every)
        assert run_job(factory, settings, "fetch").sources[0].created == 1
        traveller.move_to(READ_AT + every + debounce)  # the change poll's next run
        assert run_job(factory, settings, "regenerate-on-change") is not None

    calendar = icalendar.Calendar.from_ical((settings.feeds_dir / "calendar.ics").read_bytes())
    starts = [component.decoded("DTSTART") for component in calendar.walk("VEVENT")]
    assert dt.date(2026, 3, 12) in starts
    published = dt.datetime.fromisoformat(read_manifest(settings.feeds_dir)["published_at"])
    assert published - appeared <= every + debounce


def test_one_request_at_a_time_per_host_with_a_pause_between(
        app: Flask, site: Site, add: Callable[..., None], factory: sessionmaker[Session]) -> None:
    site.put("/rss", Reply(200, rss([(name, site.url("/" + name), name, "Mon, 09 Feb 2026 08:00:00 GMT")
                                     for name in ("a1", "a2")])))
    site.put("/a1", Reply(200, article("a1", EN_DEFENCE)))
    site.put("/a2", Reply(200, article("a2", EN_DEFENCE.replace("Minsk", "Astana"))))
    add("agency", site.url("/rss"))
    settings = dataclasses.replace(get_settings(app), sources_host_pause=2)
    elapsed = [0.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:  # the pause is asked for, and the job's clock moves by it
        pauses.append(seconds)
        elapsed[0] += seconds

    fetcher = Fetcher(settings, client=make_client(allow_private=True, timeout=2), sleep=sleep,
                      monotonic=lambda: elapsed[0])
    with fetcher.client:
        fetch_sources(factory, settings, now=READ_AT, fetcher=fetcher)

    assert [seen.path for seen in site.seen] == ["/robots.txt", "/rss", "/a1", "/a2"]
    assert pauses == [2.0, 2.0, 2.0]
