"""Benchmark import-ics on hostile files of about 1 MB each: outcome, time and peak memory per shape.

Run from the repository root::

    python benchmarks/bench_ics_hostile.py

Each shape is imported into a fresh SQLite store in a child process of its own, so that the
peak resident memory printed (``ru_maxrss``) is that import's alone. The files are the ones the
tests build (tests/ingest/test_ics_hostile.py) plus a 1 MB file of ordinary single events as the
baseline: parsing 1 MB of iCalendar with ``icalendar`` costs the same whatever the shape.
"""

from __future__ import annotations

import datetime as dt
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def _shapes() -> dict[str, bytes]:
    from tests.ingest.test_ics_hostile import MEGABYTE, REFUSED, _folded_description, _megabyte_of

    shapes = {"baseline: single events": _megabyte_of("DESCRIPTION:plain")}
    shapes.update({name: make(MEGABYTE) for name, (make, _) in sorted(REFUSED.items())})
    shapes["100,000 continuation lines"] = _folded_description(100_000)
    return shapes


def _child(path: str) -> None:
    from calendar_service import create_app, db, get_settings
    from calendar_service.errors import InvalidInput
    from calendar_service.ingest.ics import import_ics

    folder = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "FEEDS_DIR": str(folder)})
    factory = db.get_session_factory(app)
    db.migrate(factory)
    start = time.perf_counter()
    try:
        outcome = import_ics(factory, Path(path), get_settings(app), now=NOW).summary()
    except InvalidInput as error:
        outcome = "refused: " + str(error)[:60]
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f}\t{peak:.0f}\t{outcome}")


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"{'shape':<45} {'size':>8} {'seconds':>8} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for name, data in _shapes().items():
            path = Path(folder) / "shape.ics"
            path.write_bytes(data)
            done = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True,
                                  text=True, check=True, cwd=REPO)
            seconds, peak, outcome = done.stdout.strip().split("\t", 2)
            print(f"{name:<45} {len(data) // 1024:>6}KB {seconds:>8} {peak:>8}  {outcome}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2])
    else:
        main()
