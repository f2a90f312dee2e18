"""Benchmark rendering and publishing against the writing floor, in time and memory.

Usage: ``python benchmarks/bench_render.py [--events 100000] [--repeat 3]``. Prints a Markdown table.

The store is a SQLite file in a temporary folder, filled once by a bulk insert with synthetic
events: half all-day, half timed in a zone, titles and 400-character descriptions in English and
Russian, every tenth a yearly series without end. Each measurement runs in a fresh child process,
so its peak resident memory (the RSS high-water mark) is its own:

- ``floor``: a deliberately minimal writer of the same document: rows from a plain ``sqlite3``
  cursor, each event's description worded as the service words it (dates, place, countries,
  bodies, the source's words), each property escaped, folded at 75 octets and written, one event
  after another, and the VTIMEZONEs made by ``icalendar`` as the renderer makes them. It knows
  only what these synthetic events need (no month-only dates, overrides, anniversaries or control
  characters), and the benchmark checks that its output is byte-identical to the renderer's: it
  is the floor the renderer is measured against.
- ``render``: the service's renderer, cold (no rendered entry cached): the main calendar from
  the store to a file, each piece written as it is rendered (as the floor writes).
- ``calendars`` and ``uncached``: every published calendar rendered (not published), cold, with one
  in-memory block cache for all of them and without: what the cache saves a build, whose
  calendars share most entries.
- ``build``: ``build_feeds``, cold: every calendar and feed rendered and published.
- ``rebuild``: in the process of a build, one event edited (through ``store.upsert_records``),
  then ``build_feeds`` again: what the scheduler does after one change. An edit of the same kind
  is built first, untimed, so that the timed build finds the state every build after a change
  finds (the objects of two builds before to prune). Timed is the second edit's build, from the
  edit committed to its end; below the table, its parts: when the new set was served
  (every document it touches published and durable: files, gzip twins, indexes, manifest), how
  long writing them, waiting for the disk and the switch took, and the prune of older objects
  after it. After the clock stops, each rewritten document is checked against its manifest
  entry and its gzip twin against it.
- ``web``: a web worker (the Flask app) after serving every published calendar, gzip and not,
  and a set of filtered and subscriber-shaped calendars (``?category=``, ``?country=``,
  ``?lang=ru``, ``?alarm=``, ``?approximate=1``) of the same store (built first, unmeasured,
  when ``--only`` names no build).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import hashlib
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from synthetic import NOW, TODAY, event_row, insert_events

BASE_URL = "https://calendar.example.org"
_EN = ("The ministers discussed cooperation in foreign policy, the situation in the region and the documents "
       "prepared for the Collective Security Council; the parties agreed to continue consultations. ")
_RU = ("Министры обсудили сотрудничество во внешней политике, обстановку в регионе и документы, подготовленные "
       "к сессии Совета коллективной безопасности; стороны договорились продолжить консультации. ")


def _settings(folder: Path) -> dict[str, Any]:
    return {"DATA_DIR": str(folder), "FEEDS_DIR": str(folder / "feeds"),
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "BASE_URL": BASE_URL, "ICS_PAST_DAYS": 36_500}


def _fill(folder: Path, count: int) -> None:
    from calendar_service import db
    from calendar_service.config import load_settings

    (folder / "feeds").mkdir()
    settings = load_settings(_settings(folder))
    factory = db.make_session_factory(settings.database_url)
    db.migrate(factory)
    english, russian = (_EN * 3)[:400], (_RU * 3)[:400]

    def row(number: int) -> dict[str, Any]:
        timed = number % 2 == 1
        fields = event_row(number, timed=timed, summary=english, summary_ru=russian,
                           rrule="FREQ=YEARLY" if number % 10 == 0 else None)
        if timed:  # a timed meeting ends on its day
            fields["end_date"] = fields["start_date"]
        return fields

    insert_events(factory, (row(number) for number in range(count)))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The floor ---------------------------------------------------------------------------------------

_STATUS = {"held": "CONFIRMED", "planned": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}


def _fold(line: str) -> bytes:
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74
    return b"\r\n ".join(parts) + b"\r\n"


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _floor_header(title: str, description: str) -> list[str]:
    return ["BEGIN:VCALENDAR", "PRODID:-//calendar-service//CSTO calendar//EN", "VERSION:2.0",
            "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"NAME:{_text(title)}", f"X-WR-CALNAME:{title}",
            f"DESCRIPTION:{_text(description)}", f"X-WR-CALDESC:{description}", "X-WR-TIMEZONE:Europe/Moscow",
            "REFRESH-INTERVAL;VALUE=DURATION:PT15M", "X-PUBLISHED-TTL:PT15M",
            f"SOURCE;VALUE=URI:{BASE_URL}/calendar.ics", f"URL;VALUE=URI:{BASE_URL}/"]


def _floor_vtimezone(tzid: str, first: int, last: int) -> bytes:
    import icalendar

    vtimezone = icalendar.Timezone.from_tzid(tzid, first_date=dt.date(first, 1, 1), last_date=dt.date(last, 12, 31))
    for observance in vtimezone.subcomponents:  # one transition per RDATE line, as the renderer writes
        rdates = observance.pop("RDATE", None)
        for rdate in rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []:
            for value in rdate.dts:
                observance.add("RDATE", value.dt)
    return vtimezone.to_ical()


def _floor_zones(connection: sqlite3.Connection) -> bytes:
    """Return the VTIMEZONEs of the zones timed events use, over the years they span (a yearly
    series without end: at least to 2050), made by icalendar as the renderer makes them."""
    spans: dict[str, tuple[int, int]] = {}
    for zone, start, end, rrule, series_end in connection.execute(
            "SELECT timezone, start_date, end_date, rrule, series_end_date FROM events "
            "WHERE precision = 'day' AND start_time IS NOT NULL"):
        first = int(start[:4])
        last = (int(series_end[:4]) if series_end else max(first + 30, 2050)) if rrule else int(end[:4])
        low, high = spans.get(zone, (first, last))
        spans[zone] = (min(low, first), max(high, last))
    return b"".join(_floor_vtimezone(zone, low - 1, high + 1) for zone, (low, high) in sorted(spans.items()))


def _floor_events(connection: sqlite3.Connection) -> Iterator[bytes]:
    """Yield each event's VEVENT, its description worded as the renderer words it (dates, place,
    countries, bodies, the source's words), from plain rows."""
    from babel.dates import get_month_names

    from calendar_service.wording.en import country_name

    months = get_month_names("wide", "format", "en_GB")  # the names the service's wording takes
    names: dict[str, str] = {}

    def country(code: str) -> str:
        if code not in names:
            names[code] = country_name(code)
        return names[code]

    def day(value: dt.date) -> str:
        return f"{value.day} {months[value.month]} {value.year}"

    def period(start: dt.date, end: dt.date) -> str:
        if start == end:
            return day(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {months[end.month]} {end.year}"
        if start.year == end.year:
            return f"{start.day} {months[start.month]} – {end.day} {months[end.month]} {end.year}"
        return f"{day(start)} – {day(end)}"

    rows = connection.execute(
        "SELECT uid, title, summary, start_date, end_date, start_time, end_time, timezone, category, status, "
        "city, country, countries, bodies, evidence, source_url, published_date, rrule, sequence, created_dt, "
        "updated_dt FROM events WHERE precision = 'day' ORDER BY start_date, end_date, uid")
    for uid, title, summary, start, end, start_time, end_time, zone, category, status, city, code, countries, \
            bodies, evidence, source_url, published, rrule, sequence, created, updated in rows:
        stamp = f"{updated[:4]}{updated[5:7]}{updated[8:10]}T{updated[11:13]}{updated[14:16]}{updated[17:19]}Z"
        lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}",
                 f"CREATED:{created[:4]}{created[5:7]}{created[8:10]}T{created[11:13]}{created[14:16]}"
                 f"{created[17:19]}Z", f"LAST-MODIFIED:{stamp}", f"SEQUENCE:{sequence}"]
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if start_time:
            lines += [f"DTSTART;TZID={zone}:{start.replace('-', '')}T{start_time[:8].replace(':', '')}",
                      f"DTEND;TZID={zone}:{end.replace('-', '')}T{end_time[:8].replace(':', '')}"]
        else:
            lines += [f"DTSTART;VALUE=DATE:{start.replace('-', '')}",
                      f"DTEND;VALUE=DATE:{(last + dt.timedelta(days=1)).strftime('%Y%m%d')}"]
        if rrule:
            lines.append(f"RRULE:{rrule}")
        where = f"{city}, {country(code)}"
        facts = [f"When: {period(first, last)}", f"Where: {where}",
                 "Countries: " + ", ".join(country(other) for other in json.loads(countries)),
                 "Bodies: " + ", ".join(json.loads(bodies)), f"As reported: “{evidence}”",
                 f"Source: {source_url}, published {published}"]
        summary = summary.strip()
        description = f"{summary}\n\n" + "\n".join(facts) if summary else "\n".join(facts)
        lines += [f"SUMMARY:{'Postponed: ' if status == 'postponed' else ''}{_text(title)}",
                  f"DESCRIPTION:{_text(description)}", f"LOCATION:{_text(where)}", f"CATEGORIES:{category}",
                  f"URL;VALUE=URI:{BASE_URL}/events/{uid}", f"STATUS:{_STATUS[status]}",
                  f"X-CALENDAR-SERVICE-STATUS:{status}", "CLASS:PUBLIC"]
        lines += ["TRANSP:OPAQUE"] if start_time else ["TRANSP:TRANSPARENT", "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE"]
        lines.append("END:VEVENT")
        yield b"".join(_fold(line) for line in lines)


def _floor(folder: Path) -> dict[str, Any]:
    import babel.dates  # noqa: F401  (imported before the clock starts, as the renderer's modules are)
    import icalendar  # noqa: F401

    import calendar_service.wording.en  # noqa: F401
    from calendar_service.publish.calendars import MAIN_CALENDAR

    connection = sqlite3.connect(folder / "bench.db")
    started = time.perf_counter()
    events = size = 0
    with (folder / "floor.ics").open("wb") as stream:
        stream.write(b"".join(_fold(line) for line in _floor_header(MAIN_CALENDAR.title,
                                                                            MAIN_CALENDAR.description)))
        zones_started = time.perf_counter()
        stream.write(_floor_zones(connection))
        zones = time.perf_counter() - zones_started
        for block in _floor_events(connection):
            stream.write(block)
            events += 1
        stream.write(b"END:VCALENDAR\r\n")
        size = stream.tell()
    connection.close()
    return {"seconds": time.perf_counter() - started, "events": events, "bytes": size, "peak_mb": _peak_mb(),
            "zones_seconds": zones}


# The service -------------------------------------------------------------------------------------

def _service(folder: Path) -> tuple[Any, Any]:
    from calendar_service import db
    from calendar_service.config import load_settings

    settings = load_settings(_settings(folder))
    return db.make_session_factory(settings.database_url), settings


def _render(folder: Path) -> dict[str, Any]:
    from calendar_service import db
    from calendar_service.publish.calendars import MAIN_CALENDAR, iter_definition

    factory, settings = _service(folder)
    started = time.perf_counter()
    events = 0
    with db.transaction(factory) as session, (folder / "render.ics").open("wb") as stream:
        for piece in iter_definition(session, MAIN_CALENDAR, settings, today=TODAY):  # as the floor: to a file
            stream.write(piece)
            events += piece.startswith(b"BEGIN:VEVENT")
        size = stream.tell()
    return {"seconds": time.perf_counter() - started, "events": events, "bytes": size, "peak_mb": _peak_mb()}


def _calendars(folder: Path, *, cached: bool) -> dict[str, Any]:
    from calendar_service import db
    from calendar_service.publish.calendars import list_calendars, render_definition
    from calendar_service.render.blocks import BlockCache

    factory, settings = _service(folder)
    cache = BlockCache() if cached else None
    started = time.perf_counter()
    size = documents = 0
    with db.transaction(factory) as session:
        for definition in list_calendars(session):
            size += len(render_definition(session, definition, settings, today=TODAY, cache=cache))
            documents += 1
    return {"seconds": time.perf_counter() - started, "events": 0, "documents": documents, "bytes": size,
            "peak_mb": _peak_mb()}


def _build(folder: Path) -> dict[str, Any]:
    from calendar_service.publish.build import build_feeds

    factory, settings = _service(folder)
    started = time.perf_counter()
    result = build_feeds(factory, settings, now=NOW)
    files = result.manifest["files"]
    return {"seconds": time.perf_counter() - started, "events": 0, "documents": len(files),
            "bytes": sum(entry["size"] for entry in files.values()), "peak_mb": _peak_mb()}


def _rebuild(folder: Path) -> dict[str, Any]:
    from calendar_service import db
    from calendar_service.dates import Precision
    from calendar_service.publish.build import build_feeds
    from calendar_service.store.records import Category, EventRecord, Status
    from calendar_service.store.writer import upsert_records

    factory, settings = _service(folder)
    build_feeds(factory, settings, now=NOW)
    first: dict[str, Any] = {}
    # Two edits of the same kind, each built: the first as a warm-up, so that the timed build's prune
    # deletes what a build after a change deletes in the steady state (the objects of two builds before).
    for number, hours in ((13, 1), (7, 2)):  # bench-13 is in the calendars bench-7 is in, and in the same zone
        changed = EventRecord(key=f"bench-{number}", title="Changed title", start=TODAY, end=TODAY,
                              precision=Precision.DAY, category=Category.MEETING, status=Status.PLANNED)
        later = NOW + dt.timedelta(hours=hours)
        with db.transaction(factory) as session:
            upsert_records(session, [changed], now=later)
        if not first:
            first = build_feeds(factory, settings, now=later).manifest["files"]
    started = time.perf_counter()
    result = build_feeds(factory, settings, now=later)
    elapsed = time.perf_counter() - started
    again = result.manifest["files"]
    rewritten = sorted(name for name in again if first.get(name, {}).get("sha256") != again[name]["sha256"])
    peak = _peak_mb()  # before the check, which reads each document
    for name in rewritten:  # what was published is whole and right, read a block at a time
        digest = hashlib.sha256()
        with (settings.feeds_dir / name).open("rb") as plain, gzip.open(settings.feeds_dir / (name + ".gz")) as packed:
            while block := plain.read(1 << 20):
                digest.update(block)
                if packed.read(len(block)) != block:
                    raise RuntimeError(f"the gzip twin of {name} is not the document")
            if packed.read(1) or digest.hexdigest() != again[name]["sha256"]:
                raise RuntimeError(f"{name} or its gzip twin is not what the manifest says")
    return {"seconds": elapsed, "events": 0, "documents": len(rewritten),
            "bytes": sum(again[name]["size"] for name in rewritten), "peak_mb": peak,
            "phases": dict(getattr(result, "phases", {})),
            "calendars": sorted(name for name, how in result.calendars.items() if how != "kept")}


def _web(folder: Path) -> dict[str, Any]:
    from calendar_service import create_app

    app = create_app({key: value for key, value in _settings(folder).items() if key != "ICS_PAST_DAYS"})
    client = app.test_client()
    started = time.perf_counter()
    served = 0
    names = list(json.loads((folder / "feeds" / "manifest.json").read_text())["files"])
    urls = [f"/{name}" for name in names]
    urls += ["/calendar.ics?category=meeting", "/calendar.ics?country=KZ", "/calendar.ics?lang=ru",
             "/calendar.ics?alarm=P1D", "/calendar.ics?approximate=1", "/calendars/kz.ics?category=training&lang=ru"]
    for url in urls:
        for encoding in ("identity", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            for piece in response.response:  # as a server sends it, piece by piece
                served += len(piece)
            response.close()
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")
    return {"seconds": time.perf_counter() - started, "events": 0, "documents": len(urls) * 2, "bytes": served,
            "peak_mb": _peak_mb()}


STEPS = {"floor": _floor, "render": _render, "calendars": functools.partial(_calendars, cached=True),
         "uncached": functools.partial(_calendars, cached=False), "build": _build, "rebuild": _rebuild, "web": _web}
NAMES = {"floor": "floor: plain byte writer, main calendar to a file",
         "render": "renderer: main calendar from the store to a file, cold",
         "calendars": "every published calendar, cold, one in-memory block cache for all",
         "uncached": "every published calendar, cold, without the block cache",
         "build": "build_feeds, cold: every calendar and feed published",
         "rebuild": "build_feeds after one event edited",
         "web": "web worker: every published file, gzip and not, and 6 filtered calendars"}


def _compare(floor: Path, rendered: Path) -> str:
    """Say whether the floor wrote the renderer's document: the same bytes, or how many lines differ."""
    ours, theirs = floor.read_bytes(), rendered.read_bytes()
    if ours == theirs:
        return f"The floor's output is byte-identical to the renderer's ({len(ours):,} bytes)."
    differ = set(ours.split(b"\r\n")) ^ set(theirs.split(b"\r\n"))
    return (f"The floor's output differs from the renderer's: {len(ours):,} against {len(theirs):,} bytes, "
            f"{len(differ):,} distinct lines in one only.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--step", choices=tuple(STEPS))
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--only", nargs="+", choices=tuple(STEPS), default=tuple(STEPS), help="measure only these")
    parser.add_argument("--repeat", type=int, default=3,
                        help="run the floor and the renderer this many times, in turn, and keep the fastest of each")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args.folder)))
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        _fill(folder, args.events)
        results: dict[str, dict[str, Any]] = {}
        before_web = args.only[:args.only.index("web")] if "web" in args.only else ["build"]
        if not {"build", "rebuild"} & set(before_web):  # the worker serves a build's files
            subprocess.run([sys.executable, __file__, "--step", "build", "--folder", str(folder)],
                           check=True, capture_output=True, text=True, env=os.environ)
        paired = [step for step in ("floor", "render") if step in args.only]
        for step in paired * max(args.repeat - 1, 0) + list(args.only):  # on a shared machine, the best of each
            output = subprocess.run([sys.executable, __file__, "--step", step, "--folder", str(folder)],
                                    check=True, capture_output=True, text=True, env=os.environ).stdout
            result = json.loads(output.splitlines()[-1])
            if step not in results or result["seconds"] < results[step]["seconds"]:
                results[step] = result
        same = _compare(folder / "floor.ics", folder / "render.ics") if {"floor", "render"} <= set(results) else ""
    print(f"{args.events:,} events in the store; Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; floor and renderer: the fastest of {max(args.repeat, 1)} runs each")
    print("| Measurement | Events | Documents | Seconds | Events/s | Output MB | Peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for step, result in results.items():
        rate = f"{result['events'] / result['seconds']:,.0f}" if result["events"] else ""
        documents = result.get("documents", 1)
        print(f"| {NAMES[step]} | {result['events'] or ''} | {documents} | {result['seconds']:.2f} | {rate} | "
              f"{result['bytes'] / 1048576:.1f} | {result['peak_mb']:.0f} |")
    if results.get("rebuild", {}).get("phases"):  # (code before the phases were told has none)
        phases = results["rebuild"]["phases"]
        print(f"\nThe build after one edit: the new set served, every object of it durable, "
              f"{phases['published']:.2f} s after its start (its documents written {phases['written']:.2f} s, "
              f"the last of them durable {phases['durable']:.2f} s later, the switch {phases['switched']:.2f} s); "
              f"then the objects of older sets pruned in {phases['pruned']:.2f} s. "
              f"Changed: {', '.join(results['rebuild']['calendars'])}.")
    if "floor" in results and "render" in results:
        floor = results["floor"]["events"] / results["floor"]["seconds"]
        rendered = results["render"]["events"] / results["render"]["seconds"]
        print(f"\nRenderer / floor: {rendered / floor:.2f} of the floor's rate "
              f"(the floor's VTIMEZONEs took {results['floor']['zones_seconds']:.2f} s of its time).")
        print(same)


if __name__ == "__main__":
    main()
