"""Benchmark the pages people read: the first rendering of each, the cached answer, a 304.

Usage: ``python benchmarks/bench_pages.py [--events 5000]``. A SQLite store in a temporary folder
is filled (as ``bench_ical.py`` does), the feeds are built, and the app answers through Flask's
test client in this process, on the day the store was filled. Each page is asked for three times:
first (rendered from the store), again (from the page cache), and with ``If-None-Match`` (304).

It prints one table: milliseconds of each, and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ical import NOW, _fill, _settings  # the benchmarks folder is no package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    arguments = parser.parse_args()
    import time_machine
    from sqlalchemy import select

    from calendar_service import create_app, db, get_settings
    from calendar_service.models import Event
    from calendar_service.publish.build import build_feeds

    with tempfile.TemporaryDirectory() as folder, time_machine.travel(NOW, tick=True):
        _fill(Path(folder), arguments.events)
        app = create_app(_settings(Path(folder)))
        factory = db.get_session_factory(app)
        build_feeds(factory, get_settings(app), now=NOW)
        with factory() as session:
            uid = session.scalars(select(Event.uid).limit(1)).one()
        client = app.test_client()
        pages = ["/", "/?lang=ru", f"/calendar/{NOW.year}/{NOW.month}", f"/calendar/{NOW.year}/{NOW.month}?country=KZ",
                 "/anniversaries", f"/events/{uid}", "/subscribe", "/subscribe?category=meeting&alarm=P1D&language=ru"]
        rows = []
        for url in pages:
            timings = []
            etag = ""
            for headers in ({}, {}, "conditional"):
                asked = {"If-None-Match": etag} if headers == "conditional" else {}
                start = time.perf_counter()
                response = client.get(url, headers=asked)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == (304 if asked else 200), (url, response.status_code)
                etag = response.headers.get("ETag", etag)
            rows.append((url if len(url) < 44 else url[:41] + "…", *timings))
    print(f"{arguments.events} events; {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"| {'page':<44} | {'first ms':>8} | {'cached ms':>9} | {'304 ms':>6} |")
    print(f"| {'-' * 44} | {'-' * 7}: | {'-' * 8}: | {'-' * 5}: |")
    for name, first, cached, conditional in rows:
        print(f"| {name:<44} | {first:8.1f} | {cached:9.1f} | {conditional:6.1f} |")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
