"""Helpers for the iCalendar tests: event records with visible defaults, and three independent parsers.

Each parser returns the events it read as plain dicts, so tests compare them across parsers:
``icalendar`` (lenient, the library the service depends on), ``ical`` (strict, pydantic-based)
and Mozilla's ``ical.js`` (the parser inside Thunderbird), run in one node process per test process.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.store.records import Category, EventRecord, Status
from calendar_service.store.writer import UpsertResult, upsert_records

JS = Path(__file__).resolve().parent / "js"
T0 = dt.datetime(2025, 1, 10, 8, 0, tzinfo=dt.UTC)


def record(key: str = "event-1", **overrides: Any) -> EventRecord:
    """Return an event record: a held one-day meeting in Minsk on 20 March 2025 unless overridden."""
    values: dict[str, Any] = {
        "key": key,
        "title": f"Meeting {key}",
        "start": dt.date(2025, 3, 20),
        "end": dt.date(2025, 3, 20),
        "precision": Precision.DAY,
        "category": Category.MEETING,
        "status": Status.HELD,
        "summary": "Ministers met.",
        "city": "Minsk",
        "country": "BY",
        "source_url": "https://example.org/news/1",
    }
    values.update(overrides)
    if "end" not in overrides and "start" in overrides:
        values["end"] = values["start"]
    return EventRecord(**values)


def store(factory: sessionmaker[Session], *records: EventRecord, now: dt.datetime = T0) -> UpsertResult:
    """Upsert ``records`` in one transaction."""
    with transaction(factory) as session:
        return upsert_records(session, records, now=now)


def parse_icalendar(data: bytes) -> list[dict[str, Any]]:
    """Parse with ``icalendar``; fail on any error it records."""
    calendar = icalendar.Calendar.from_ical(data)
    events = []
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    for event in calendar.walk("VEVENT"):
        events.append({
            "uid": str(event["UID"]),
            "summary": str(event.get("SUMMARY", "")),
            "description": str(event.get("DESCRIPTION", "")),
            "location": str(event["LOCATION"]) if "LOCATION" in event else None,
            "start": event.start,
            "end": event.end,
            "status": str(event.get("STATUS", "")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "alarms": [alarm["TRIGGER"].dt for alarm in event.walk("VALARM")],
        })
    return events


def parse_ical(data: bytes) -> list[dict[str, Any]]:
    """Parse with the strict ``ical`` package."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return [{
        "uid": event.uid,
        "summary": event.summary or "",
        "description": event.description or "",
        "location": event.location,
        "start": event.dtstart,
        "end": event.dtend,
        "status": event.status.value if event.status else "",
        "sequence": event.sequence or 0,
        "alarms": [alarm.trigger for alarm in event.alarm],
    } for event in calendar.events]


def node() -> str:
    """Return the path of node with ical.js installed beside the tests.

    Where node or the package is missing the check is skipped with the way to install them, except
    under CI (``CI=true``), where ``.ci/run`` installs both and a missing one is a failure.
    """
    found = shutil.which("node")
    problem = None
    if not found:
        problem = "node is not installed: install Node.js 20 and run `npm ci --prefix tests/js`"
    elif not (JS / "node_modules" / "ical.js").is_dir():
        problem = "ical.js is not installed: run `npm ci --prefix tests/js`"
    if problem:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(problem)
        pytest.skip(problem)
    assert found is not None
    return found


class IcalJs:
    """Mozilla's ical.js in one node process per test process (tests/js/icaljs.mjs), started at the
    first request and ended when the process exits: each request is one JSON line in, one out."""

    #: How long one answer may take, on a loaded machine.
    SECONDS = 120

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self._lock = threading.Lock()

    def ask(self, request: dict[str, Any]) -> Any:
        """Send ``request``; return ical.js's answer, or fail with what node said."""
        line = json.dumps(request).encode() + b"\n"
        with self._lock:
            process = self._started()
            assert process.stdin is not None
            assert process.stdout is not None
            try:
                process.stdin.write(line)
                process.stdin.flush()
            except BrokenPipeError:
                pass  # node has ended: said below
            ready, _, _ = select.select([process.stdout], [], [], self.SECONDS)
            answer = json.loads(process.stdout.readline() or "null") if ready else None
            if answer is None:
                self.close()
                raise AssertionError(f"node answered nothing within {self.SECONDS} s: {self._said()}")
        assert "error" not in answer, answer["error"]
        return answer["ok"]

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is not None:
            self.close()  # ended: the next request starts another
        if self._process is None:
            program = node()  # skips (or fails under CI) before anything is opened
            self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - node's stderr for its life; close() closes it
            self._process = subprocess.Popen([program, str(JS / "icaljs.mjs")], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        return self._process

    def _said(self) -> str:
        if self._errors is None:
            return ""
        self._errors.seek(0)
        return self._errors.read().decode(errors="replace")

    def close(self) -> None:
        """End node (at the end of its input) and forget it; the next request starts another."""
        if self._process is None:
            return
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()
        try:
            self._process.wait(timeout=self.SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._errors is not None:
            self._errors.close()
        self._process = self._errors = None


ICALJS = IcalJs()
atexit.register(ICALJS.close)


def parse_icaljs(data: bytes) -> dict[str, Any]:
    """Parse with Mozilla's ical.js under node."""
    [parsed] = parse_icaljs_many([data])
    return parsed


def parse_icaljs_many(documents: list[bytes]) -> list[dict[str, Any]]:
    """Parse each of ``documents`` with Mozilla's ical.js, each as if it were alone."""
    parsed = ICALJS.ask({"parse": [data.decode("utf-8") for data in documents]})
    assert len(parsed) == len(documents)
    return list(parsed)
