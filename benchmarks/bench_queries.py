"""Benchmark what a query string costs the web: new filters and alarm values, cache hits, 304s.

Usage: ``python benchmarks/bench_queries.py [--events 5000] [--queries 40]``. A SQLite store in a
temporary folder is filled (as ``bench_ical.py`` does), the feeds are built, and the app answers
through Flask's test client in this process:

- ``first query``: a filtered calendar streamed from the store into the folder of renderings;
- ``new alarm value``: ``--queries`` distinct ``?alarm=`` values, each rendered (none is kept yet);
- ``kept query``: the same query again, sent from its file;
- ``kept query, 304``: the same with ``If-None-Match``;
- ``published 304``: a conditional request for ``/calendar.ics``.

It prints one table: median milliseconds and CPU seconds, the folder's entries and bytes, peak RSS.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ical import NOW, _fill, _settings  # the benchmarks folder is no package


def _measure(action: Callable[[int], None], times: int) -> tuple[float, float]:
    """Return the median wall milliseconds and the total CPU seconds of ``times`` calls."""
    walls = []
    cpu = time.process_time()
    for number in range(times):
        start = time.perf_counter()
        action(number)
        walls.append((time.perf_counter() - start) * 1000)
    return statistics.median(walls), time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=40)
    arguments = parser.parse_args()
    from calendar_service import create_app, db, get_settings
    from calendar_service.publish.build import build_feeds

    with tempfile.TemporaryDirectory() as folder:
        _fill(Path(folder), arguments.events)
        app = create_app(_settings(Path(folder)))
        build_feeds(db.get_session_factory(app), get_settings(app), now=NOW)
        client = app.test_client()
        rendered = app.extensions["calendar_service.rendered_calendars"]
        etag = client.get("/calendar.ics").headers["ETag"]
        rows = []

        def get(url: str, **headers: str) -> None:
            response = client.get(url, headers=headers)
            for _piece in response.response:  # as a server sends it
                pass
            response.close()
            assert response.status_code in (200, 304), (url, response.status_code)

        base = "/calendar.ics?category=meeting&category=consultation&category=training"
        rows.append(("first query", *_measure(lambda _: get(base), 1)))
        rows.append((f"new alarm value (x{arguments.queries})",
                     *_measure(lambda n: get(f"{base}&alarm=PT{n + 1}M"), arguments.queries)))
        rows.append(("kept query", *_measure(lambda _: get(base), 50)))
        kept = client.get(base)
        kept.close()
        rows.append(("kept query, 304", *_measure(lambda _: get(base, **{"If-None-Match": kept.headers["ETag"]}), 50)))
        rows.append(("published 304", *_measure(lambda _: get("/calendar.ics", **{"If-None-Match": etag}), 200)))
        entries, held = len(rendered), rendered.nbytes
    print(f"{arguments.events} events; {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"| {'request':<28} | {'median ms':>9} | {'CPU s':>6} |")
    print(f"| {'-' * 28} | {'-' * 8}: | {'-' * 5}: |")
    for name, wall, cpu in rows:
        print(f"| {name:<28} | {wall:9.1f} | {cpu:6.2f} |")
    print(f"folder of renderings: {entries} of {rendered.max_entries} entries, "
          f"{held / 2**20:.1f} of {rendered.max_bytes / 2**20:.0f} MB; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
