"""Benchmark the iCalendar feed: cold render, warm re-render after one change, and icalendar's own.

Usage: ``python benchmarks/bench_ical.py [--events 100000]``. Each measurement runs in a fresh
process so its peak resident memory is its own; the store is a SQLite file in a temporary folder
filled once (with a bulk insert: the benchmark measures rendering, not loading).

- ``cold``: empty block cache; read the store and render the whole calendar (what the first
  build after a start does).
- ``restart``: a fresh process whose cache is empty but whose store holds the blocks the cold
  render wrote (what the first build after a restart does).
- ``warm``: one process renders once, then one event changes (through ``store.upsert_records``)
  and the calendar is rendered again: the second render is timed.
- ``icalendar``: the same events built as one ``icalendar.Calendar`` and serialised with
  ``to_ical()``, the way most services do it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path
from typing import Any

from synthetic import NOW, TODAY, event_row, insert_events


def _settings(folder: Path) -> dict[str, Any]:
    return {"DATA_DIR": str(folder), "FEEDS_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "BASE_URL": "https://calendar.example.org"}


def _fill(folder: Path, count: int) -> None:
    from calendar_service import db
    from calendar_service.config import load_settings

    settings = load_settings(_settings(folder))
    factory = db.make_session_factory(settings.database_url)
    db.migrate(factory)
    summary = ("The ministers discussed cooperation in foreign policy, the situation in the region, "
               "and prepared documents for the Collective Security Council; the parties agreed "
               "to continue consultations. ") * 2
    insert_events(factory, (event_row(number, timed=number % 5 == 0, summary=summary,
                                      precision="day" if number % 20 else "month", anniversary=number == 0)
                            for number in range(count)))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _step(folder: Path, step: str) -> dict[str, Any]:
    from calendar_service import db
    from calendar_service.config import load_settings
    from calendar_service.publish.calendars import MAIN_CALENDAR, render_definition
    from calendar_service.render.ical import BlockCache

    settings = load_settings({**_settings(folder), "ICS_PAST_DAYS": 36_500})
    factory = db.make_session_factory(settings.database_url)
    if step == "icalendar":
        return _icalendar(factory, settings)
    from calendar_service.publish.blockstore import load_blocks, save_blocks

    cache = BlockCache()
    started = time.perf_counter()
    with db.transaction(factory) as session:
        cache.source = functools.partial(load_blocks, session) if step == "restart" else None
        data = render_definition(session, MAIN_CALENDAR, settings, today=TODAY, cache=cache)
    elapsed = time.perf_counter() - started
    events = data.count(b"BEGIN:VEVENT")
    if step == "cold":
        # What a build does next: keep the new blocks in the store for the next process.
        result = {"seconds": elapsed, "events": events, "bytes": len(data), "peak_mb": _peak_mb()}
        del data
        saving = time.perf_counter()
        with db.transaction(factory) as session:
            save_blocks(session, cache.take_fresh())
        result["save_seconds"] = time.perf_counter() - saving
        return result
    if step == "warm":
        first_digest = hashlib.sha256(data).hexdigest()
        del data  # a build publishes and drops its bytes; only the block cache stays
        from calendar_service.dates import Precision
        from calendar_service.store.records import Category, EventRecord, Status
        from calendar_service.store.writer import upsert_records

        changed = EventRecord(key="bench-7", title="Changed title", start=TODAY, end=TODAY,
                              precision=Precision.DAY, category=Category.MEETING, status=Status.PLANNED)
        with db.transaction(factory) as session:
            upsert_records(session, [changed], now=NOW + dt.timedelta(hours=1))
        hits_before = cache.hits
        started = time.perf_counter()
        with db.transaction(factory) as session:
            again = render_definition(session, MAIN_CALENDAR, settings, today=TODAY, cache=cache)
        elapsed = time.perf_counter() - started
        if b"Changed title" not in again or hashlib.sha256(again).hexdigest() == first_digest:
            raise RuntimeError("the changed event is not in the re-rendered calendar")
        return {"seconds": elapsed, "events": again.count(b"BEGIN:VEVENT"), "bytes": len(again),
                "peak_mb": _peak_mb(), "cache_hits": cache.hits - hits_before}
    return {"seconds": elapsed, "events": events, "bytes": len(data), "peak_mb": _peak_mb()}


def _icalendar(factory: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The same events as one icalendar.Calendar, serialised with to_ical()."""
    import icalendar

    from calendar_service import db
    from calendar_service.render import event_url
    from calendar_service.store.queries import EventFilter, list_events
    from calendar_service.wording.en import describe_event, describe_location

    started = time.perf_counter()
    with db.transaction(factory) as session:
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//bench//EN")
        calendar.add("version", "2.0")
        for event in list_events(session, EventFilter(precisions=("day",))):
            vevent = icalendar.Event()
            vevent.add("uid", event.uid)
            vevent.add("dtstamp", event.updated_dt)
            vevent.add("created", event.created_dt)
            vevent.add("last-modified", event.updated_dt)
            vevent.add("sequence", event.sequence)
            if event.start_time is not None:
                zone = zoneinfo.ZoneInfo(event.timezone)
                vevent.add("dtstart", dt.datetime.combine(event.start_date, event.start_time, zone))
                vevent.add("dtend", dt.datetime.combine(event.end_date, event.end_time, zone))
            else:
                vevent.add("dtstart", event.start_date)
                vevent.add("dtend", event.end_date + dt.timedelta(days=1))
            vevent.add("summary", event.title)
            vevent.add("description", describe_event(event))
            vevent.add("location", describe_location(event))
            vevent.add("categories", [event.category])
            vevent.add("url", event_url(settings.base_url, event.uid))
            vevent.add("status", "CONFIRMED")
            vevent.add("class", "PUBLIC")
            calendar.add_component(vevent)
        data = calendar.to_ical()
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "events": data.count(b"BEGIN:VEVENT"), "bytes": len(data), "peak_mb": _peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--step", choices=("cold", "restart", "warm", "icalendar"))
    parser.add_argument("--folder", type=Path)
    steps = ("cold", "restart", "warm", "icalendar")
    parser.add_argument("--only", nargs="+", choices=steps, default=steps, help="measure only these")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.folder, args.step)))
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        _fill(folder, args.events)
        results = {}
        for step in args.only:
            output = subprocess.run([sys.executable, __file__, "--step", step, "--folder", str(folder)],
                                    check=True, capture_output=True, text=True, env=os.environ).stdout
            results[step] = json.loads(output)
    print(f"{args.events} events in the store; Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print("| Measurement | Events rendered | Seconds | Events/s | Output MB | Peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    names = {"cold": "calendar-service, cold (no cache)",
             "restart": "calendar-service, new process (blocks kept in the store)",
             "warm": "calendar-service, warm (one event changed)",
             "icalendar": "icalendar Calendar + to_ical()"}
    for step, result in results.items():
        rate = result["events"] / result["seconds"]
        print(f"| {names[step]} | {result['events']} | {result['seconds']:.2f} | {rate:,.0f} | "
              f"{result['bytes'] / 1048576:.1f} | {result['peak_mb']:.0f} |")
    if "save_seconds" in results.get("cold", {}):
        print(f"\nWriting the cold render's blocks into the store took {results['cold']['save_seconds']:.2f} s.")


if __name__ == "__main__":
    main()
