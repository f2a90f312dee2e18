"""Benchmark the notice feeds: render a 10,000-notice stream (paged), build everything, serve.

Run: ``.venv/bin/python benchmarks/bench_feeds.py [--notices 10000]``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from calendar_service import create_app, db, get_settings
from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.notices.selection import list_notices
from calendar_service.publish.build import build_feeds
from calendar_service.publish.streams import (
    FORMATS,
    ArchiveReuse,
    Stream,
    list_streams,
    render_stream,
    render_syndication,
    stream_spec,
)
from calendar_service.render.atom import render_atom
from calendar_service.render.jsonfeed import render_jsonfeed
from calendar_service.render.rss import render_rss
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import upsert_records

NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
CATEGORIES = list(Category)
COUNTRIES = ["AM", "BY", "KZ", "KG", "RU", "TJ"]


def _records(count: int, offset: int) -> list[EventRecord]:
    return [
        EventRecord(
            key=f"bench-{number}", title=f"Meeting {number} of the CSTO working group on security",
            title_ru=f"Заседание {number} рабочей группы ОДКБ",
            start=dt.date(2020, 1, 1) + dt.timedelta(days=number % 2000),
            end=dt.date(2020, 1, 1) + dt.timedelta(days=number % 2000), precision=Precision.DAY,
            category=CATEGORIES[number % len(CATEGORIES)], status=Status.PLANNED, city="Moscow",
            country=COUNTRIES[number % len(COUNTRIES)], bodies=("CSTO Secretariat",),
            summary="Representatives of the member states discuss the agenda. " * 3,
            source_url=f"https://odkb-csto.org/news/{number}",
        )
        for number in range(offset, offset + count)
    ]


def _best(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "feeds").mkdir()
        app = create_app({"DATA_DIR": folder, "FEEDS_DIR": str(root / "feeds"),
                          "DATABASE_URL": f"sqlite:///{root / 'bench.db'}", "BASE_URL": "https://calendar.example.org"})
        factory = db.get_session_factory(app)
        db.migrate(factory)
        for offset in range(0, arguments.notices, 1000):
            with transaction(factory) as session:
                upsert_records(session, _records(min(1000, arguments.notices - offset), offset),
                               now=NOW + dt.timedelta(minutes=offset))
        settings = get_settings(app)
        stream = list_streams(())[0]
        rows: list[tuple[str, float]] = []
        with transaction(factory) as session:
            notices = list_notices(session)
            assert len(notices) == arguments.notices
            rows.append(("read the notices from the store", _best(lambda: list_notices(session), arguments.repeat)))
            for name, render in (("Atom", render_atom), ("RSS", render_rss), ("JSON Feed", render_jsonfeed)):
                rows.append((f"{name}, all {len(notices)} notices in one document (notices read, entries made)",
                             _best(lambda render=render: render(notices, stream_spec(stream, settings, "atom")),
                                   arguments.repeat)))
            for name, extension in (("Atom", "atom"), ("RSS", "rss"), ("JSON Feed", "json")):
                rows.append((f"{name} feed paged: current 50 + every archive page of 50, cold from the store",
                             _best(lambda extension=extension: _one_format(factory, stream, settings, extension),
                                   arguments.repeat)))
            documents = render_stream(stream, notices, settings)
            rows.append((f"whole stream paged: current + {len(documents) // 3 - 1} archive pages, x3 formats "
                         f"({len(documents)} documents; notices read, entries made)",
                         _best(lambda: render_stream(stream, notices, settings), arguments.repeat)))
        rows.append(("build_feeds: every stream, calendar, publish (first run)",
                     _best(lambda: build_feeds(factory, settings, now=NOW), 1)))
        rows.append(("build_feeds again, nothing changed (render + compare, no writes)",
                     _best(lambda: build_feeds(factory, settings, now=NOW), arguments.repeat)))
        with transaction(factory) as session:
            rows.append(("notice feeds only, every stream x3 formats, archives reused (the build's share)",
                         _best(lambda: render_syndication(
                             session, settings, ArchiveReuse.from_feeds_dir(settings.feeds_dir)),
                               arguments.repeat)))
        client = app.test_client()
        client.get("/feed.atom")
        etag = client.get("/feed.atom").headers["ETag"]
        served = [_best(lambda: client.get("/feed.atom", headers={"Accept-Encoding": "gzip"}), 1) for _ in range(200)]
        rows.append(("serve published /feed.atom, gzip (median of 200)", statistics.median(served)))
        revalidated = [_best(lambda: client.get("/feed.atom", headers={"If-None-Match": etag}), 1) for _ in range(200)]
        rows.append(("serve published /feed.atom, 304 (median of 200)", statistics.median(revalidated)))
        client.get("/feed.atom?category=meeting&page=2")
        cached = [_best(lambda: client.get("/feed.atom?category=meeting&page=2"), 1) for _ in range(50)]
        rows.append(("filtered /feed.atom?category=meeting&page=2, cached (median of 50)", statistics.median(cached)))
    print("| What | Time |")
    print("|---|---:|")
    for what, seconds in rows:
        print(f"| {what} | {seconds * 1000:.1f} ms |")


def _one_format(factory: sessionmaker[Session], stream: Stream, settings: Mapping[str, Any], extension: str) -> int:
    """Render one format of a stream, current document and archive pages, from a fresh read of the store."""
    only = {extension: FORMATS[extension]}
    with transaction(factory) as session:  # a new session: no entry made by an earlier row is reused
        return len(render_stream(stream, list_notices(session), settings, formats=only))


if __name__ == "__main__":
    main()
