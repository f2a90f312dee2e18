"""Hostile .ics files: each refused with one clear line, or stored as a bounded result; never expanded whole.

Each refused file is written by the test with hundreds of hostile events (``HOSTILE_BYTES``): more
than the ``MAX_PROBLEMS`` a refusal reports, and for rules that repeat, more steps in all than the
budget of one file, so the refusal shown is the bounded one. The outcome and the counts are
asserted; ``benchmarks/bench_ics_hostile.py`` imports the same shapes at 1 MB and measures how long
and how much memory the import takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import get_settings
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.ingest.ics import MAX_PROBLEMS, import_ics, read_ics
from calendar_service.ingest.series import MAX_DATES, MAX_STEPS
from calendar_service.store.queries import count_events
from tests.icshelpers import record, store

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
MEGABYTE = 1024 * 1024
#: The size of the refused files: parsing costs the same per byte whatever the shape, and 64 KB is
#: already ~400 events of the smallest shape (the problems stop at MAX_PROBLEMS = 50; ten-million
#: COUNT rules exhaust the budget of MAX_STEPS after ~140 events).
HOSTILE_BYTES = 64 * 1024
HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def _event(number: int, *lines: str) -> str:
    body = "".join(line + "\r\n" for line in lines)
    return (f"BEGIN:VEVENT\r\nUID:h{number}@example.org\r\nDTSTAMP:20250101T000000Z\r\n"
            f"DTSTART:20250101T100000Z\r\nSUMMARY:Event {number}\r\n{body}END:VEVENT\r\n")


def _calendar_of(size: int, *lines: str) -> bytes:
    """Return a calendar of about ``size`` bytes of events that all carry ``lines``."""
    parts = [HEAD]
    written = len(HEAD)
    number = 0
    while written < size:
        parts.append(_event(number, *lines))
        written += len(parts[-1])
        number += 1
    return ("".join(parts) + TAIL).encode()


def _megabyte_of(*lines: str) -> bytes:
    """Return a 1 MB calendar of events that all carry ``lines``."""
    return _calendar_of(MEGABYTE, *lines)


def _folded_description(lines: int) -> bytes:
    """Return one event whose DESCRIPTION is folded over ``lines`` continuation lines."""
    folded = "DESCRIPTION:start" + "".join(f"\r\n part{number % 1000:03d}" for number in range(lines))
    return (HEAD + _event(0, folded) + TAIL).encode()


def _rdates(count: int) -> bytes:
    values = ",".join((dt.date(2025, 1, 1) + dt.timedelta(days=day)).strftime("%Y%m%dT100000Z")
                      for day in range(count))
    return (HEAD + _event(0, "RRULE:FREQ=YEARLY", f"RDATE:{values}") + TAIL).encode()


REFUSED: dict[str, tuple[Callable[[int], bytes], str]] = {
    "minutely-without-end": (lambda size: _calendar_of(size, "RRULE:FREQ=MINUTELY"), "FREQ=MINUTELY"),
    "secondly-without-end": (lambda size: _calendar_of(size, "RRULE:FREQ=SECONDLY"), "FREQ=SECONDLY"),
    "daily-every-second": (lambda size: _calendar_of(
        size, "RRULE:FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE="
        + ",".join(map(str, range(60))) + ";BYSECOND=" + ",".join(map(str, range(60)))), "86400 times a day"),
    "count-ten-million-in-every-event": (lambda size: _calendar_of(size, "RRULE:FREQ=DAILY;COUNT=10000000"),
                                         f"more than {MAX_STEPS} times"),
    "a-rule-that-never-happens": (lambda size: _calendar_of(size, "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
                                  "gives no occurrence"),
    "a-monthly-rule-that-never-happens": (
        lambda size: _calendar_of(size, "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYSETPOS=2"), "gives no occurrence"),
    "a-daily-rule-filtered-by-month-days": (
        lambda size: _calendar_of(size, "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), "not a rule calendar apps write"),
    "every-fortnight-on-a-day-it-never-falls-on": (
        lambda size: _calendar_of(size, "RRULE:FREQ=DAILY;INTERVAL=14;BYDAY=TU"), "never happens"),
    "a-rule-from-the-year-one": (lambda _size: (HEAD + _event(0, "RRULE:FREQ=DAILY").replace(
        "DTSTART:20250101T100000Z", "DTSTART:00010101T100000Z") + TAIL).encode(), f"more than {MAX_STEPS} times"),
    "too-many-rdates": (lambda _size: _rdates(MAX_DATES + 1), f"at most {MAX_DATES}"),
}
#: The shapes of one event; every other file holds hundreds.
SINGLE_EVENT = {"a-rule-from-the-year-one", "too-many-rdates"}


@pytest.mark.parametrize("shape", sorted(REFUSED))
def test_a_hostile_file_is_refused_with_one_line_and_the_store_is_unchanged(
    app: Flask, factory: sessionmaker[Session], tmp_path: Path, shape: str
) -> None:
    make, reason = REFUSED[shape]
    path = tmp_path / f"{shape}.ics"
    data = make(HOSTILE_BYTES)
    path.write_bytes(data)
    store(factory, record("kept"))
    with pytest.raises(InvalidInput) as caught:
        import_ics(factory, path, get_settings(app), now=NOW)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)
    problems = caught.value.problems
    if shape in SINGLE_EVENT:
        assert len(problems) == 1
    else:  # the reading stopped at the cap, far short of the file's end
        assert data.count(b"BEGIN:VEVENT") > 2 * MAX_PROBLEMS
        assert len(problems) == MAX_PROBLEMS
        assert str(caught.value).endswith(f"(and {MAX_PROBLEMS - 1} more problems)")
    # Each problem names the line of the property at fault, in the file as written.
    lines = data.decode().split("\r\n")
    for problem in problems:
        assert problem.line is not None
        at_fault = lines[problem.line - 1]
        assert at_fault == "BEGIN:VEVENT" if problem.field is None else at_fault.startswith(f"{problem.field}:"), (
            problem, shape)
    with transaction(factory) as session:
        assert count_events(session) == 1


def test_the_cli_prints_one_line_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    from calendar_service.cli import main

    path = tmp_path / "minutely.ics"
    path.write_bytes(_calendar_of(HOSTILE_BYTES, "RRULE:FREQ=MINUTELY"))
    result = runner.invoke(main, ["import-ics", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"{path}:9" in lines[0]
    assert "FREQ=MINUTELY" in lines[0]


def test_one_series_of_ten_million_is_kept_as_one_event_without_a_known_end(
    app: Flask, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "count.ics"
    path.write_bytes((HEAD + _event(0, "RRULE:FREQ=DAILY;COUNT=10000000") + TAIL).encode())
    result = import_ics(factory, path, get_settings(app), now=NOW)
    assert len(result.created) == 1
    client = app.test_client()
    body = client.get("/api/events/h0@example.org").get_json()
    assert body["recurrence"]["rrule"] == "FREQ=DAILY;COUNT=10000000"
    assert body["recurrence"]["until"] is None  # it repeats past the ten years looked at
    assert (len(body["recurrence"]["occurrences"]), body["recurrence"]["more"]) == (100, True)
    listed = client.get("/api/events?from=2025-01-01&to=2099-12-31").get_json()
    occurrences = listed["events"][0]["recurrence"]["occurrences"]
    assert (len(occurrences), occurrences[0]["start"]) == (10, "2025-01-01T13:00+03:00")


def test_a_few_series_of_ten_million_fit_the_budget(app: Flask, factory: sessionmaker[Session],
                                                    tmp_path: Path) -> None:
    path = tmp_path / "count.ics"
    path.write_bytes((HEAD + "".join(_event(number, "RRULE:FREQ=DAILY;COUNT=10000000") for number in range(20))
                      + TAIL).encode())
    assert len(import_ics(factory, path, get_settings(app), now=NOW).created) == 20


@pytest.mark.parametrize("lines", [100_000])
def test_a_hundred_thousand_continuation_lines_unfold_into_one_bounded_description(lines: int) -> None:
    data = _folded_description(lines)
    assert len(data) > 1_000_000
    [kept] = read_ics(data, today=NOW.date())
    assert kept.summary.startswith("startpart000part001")
    assert len(kept.summary) == 20_000
    assert kept.summary.endswith("…")


def test_a_megabyte_of_folded_lines_in_many_events_is_read_whole(tmp_path: Path) -> None:
    folded = "DESCRIPTION:x" + "".join("\r\n y" for _ in range(40))
    data = _megabyte_of(folded)
    records = read_ics(data, today=NOW.date())
    assert len(records) > 1000
    assert all(item.summary == "x" + "y" * 40 for item in records)
