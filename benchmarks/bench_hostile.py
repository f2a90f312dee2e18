"""Benchmark hostile input at every door: seconds, peak memory, the answer, and whether the store changed.

Run from the repository root::

    python benchmarks/bench_hostile.py [--timeout 120] [--only news,yaml,ics,http]

Each shape (about 1 MB where its size is what hurts) is fed to its door in a new process, as a user
would: news text through ``calendar-service import``, a dataset through ``calendar-service load``,
an .ics file through ``calendar-service import-ics``, query strings to the Flask app through its
test client. The store is a SQLite file holding the repository's dataset; it is dumped before and
after each run. Peak memory is the child's maximum resident set (``wait4``), which includes the
interpreter and the libraries (about 100 MB). A door should answer within a few seconds and
300 MB, with one clear line (exit status 1) or a 4xx status, and leave the store unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = "from calendar_service.cli import main; main()"
MB = 1024 * 1024


@dataclass(frozen=True)
class Shape:
    door: str
    name: str
    write: Callable[[Path], list[str]]  #: writes the input into the folder, returns the arguments


def _repeat(unit: str, size: int = MB) -> str:
    return unit * (size // len(unit.encode()) + 1)


def _text_file(name: str, text: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def news(name: str, text: Callable[[], str]) -> Shape:
    def write(folder: Path) -> list[str]:
        path = _text_file("news.txt", text())(folder)
        dry_run = ["--dry-run"] if name.startswith("reference") else []
        return ["import", str(path), "--reference-date", "2025-01-15", *dry_run]

    return Shape("news (import)", name, write)


def dataset(name: str, text: Callable[[], str]) -> Shape:
    def write(folder: Path) -> list[str]:
        return ["load", str(_text_file("events.yaml", text())(folder))]

    return Shape("YAML (load)", name, write)


def ics(name: str, text: Callable[[], str]) -> Shape:
    def write(folder: Path) -> list[str]:
        return ["import-ics", str(_text_file("events.ics", text())(folder))]

    return Shape(".ics (import-ics)", name, write)


GOOD = "  - id: good-{n}\n    title: A meeting\n    start: '2024-05-15'\n    category: meeting\n    status: held\n"
LAUGHS = "".join(
    f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]\n" for n in range(9)
)


def _bomb_in(field: str) -> str:
    """A dataset whose ``field`` is the last of nine levels of nine aliases each (9**9 values)."""
    return f"{LAUGHS}events:\n  - {field}: *x8\n    start: '2024-05-15'\n    category: meeting\n    status: held\n"


def _records(size: int) -> str:
    count = size // len(GOOD)
    return "version: 1\nevents:\n" + "".join(GOOD.format(n=n) for n in range(count))


def _event(body: str) -> str:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//hostile//EN\r\nBEGIN:VEVENT\r\n"
            "UID:hostile-1@example.org\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250101T090000Z\r\n"
            f"DTEND:20250101T100000Z\r\nSUMMARY:Hostile\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n")


SHAPES = [
    news("reference: one news sentence, --dry-run", lambda: "On 15 May 2024 the Council met in Minsk.\n"),
    news('"15 May " x 150,000 (one sentence)', lambda: _repeat("15 May ")),
    news('"15, " x 260,000', lambda: _repeat("15, ")),
    news("1 MB line of prose, no full stop", lambda: _repeat("the delegations met in Minsk and ")),
    news("1 MB of full stops", lambda: "x" + "." * MB),
    news("100,000 hard-wrapped lines", lambda: "On 15 May 2024 the Council met\n" + _repeat("and met again\n")),
    news("1 MB of items, 51 dates each", lambda: _repeat("On 15 May 2024 " + "15 May " * 50 + "meetings were held.\n")),
    news("170 KB of items, 51 dates each", lambda: _repeat("On 15 May 2024 " + "15 May " * 50 + "were held.\n",
                                                           170_000)),
    dataset("reference: the repository's dataset again", lambda: (REPO / "data" / "events.yaml").read_text(
        encoding="utf-8")),
    dataset("alias bomb as title (9 levels)", lambda: _bomb_in("title")),
    dataset("alias bomb as id", lambda: _bomb_in("id")),
    dataset("billion laughs at the top", lambda: LAUGHS),
    dataset("50,000-deep nesting", lambda: "[" * 50_000 + "]" * 50_000 + "\n"),
    dataset("500,000-deep nesting (1 MB)", lambda: "[" * 500_000 + "]" * 500_000 + "\n"),
    dataset("5,000-digit integer as id", lambda: _records(200).replace("id: good-0", "id: " + "9" * 5_000, 1)),
    dataset("1 MB integer as id", lambda: _records(200).replace("id: good-0", "id: " + "9" * MB, 1)),
    dataset("title: a 1 MB list", lambda: _records(200).replace("title: A meeting", "title: [" + "a, " * (MB // 3)
                                                                  + "a]", 1)),
    dataset("1 MB of records, a key repeated in the last", lambda: _records(MB) + "    status: held\n"),
    dataset("100,000-character uid", lambda: _records(200) + "    uid: " + "u" * 100_000 + "\n"),
    ics("reference: one event", lambda: _event("").replace("hostile-1", "reference-1")),
    ics("RRULE:FREQ=MINUTELY without end", lambda: _event("RRULE:FREQ=MINUTELY\r\n")),
    ics("RRULE COUNT=10000000", lambda: _event("RRULE:FREQ=MINUTELY;COUNT=10000000\r\n")),
    ics("100,000 continuation lines", lambda: _event("DESCRIPTION:x\r\n" + " continued\r\n" * 100_000)),
]

HTTP_SCRIPT = r"""
import json, sys, urllib.parse
from calendar_service import create_app
settings = json.loads(sys.argv[1])
app = create_app(settings)
client = app.test_client()
case = sys.argv[2]
statuses = {}
first = ""
def ask(url):
    global first
    response = client.get(url)
    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    if not first and response.status_code >= 400:
        body = response.get_data(as_text=True).strip().splitlines()
        first = body[0][:100] if body else ""
if case == "plain":
    ask("/calendar.ics")
elif case == "alarms":
    for n in range(1000):
        ask(f"/calendar.ics?alarm=PT{n + 1}M")
elif case == "page":
    ask("/feed.atom?page=%C2%B2")
elif case == "long":
    ask("/calendar.ics?" + "&".join(f"alarm=PT{n + 1}M" for n in range(70_000)))
print(json.dumps({"statuses": statuses, "first": first}))
"""

HTTP_CASES = [
    ("reference: /calendar.ics", "plain"),
    ("1,000 requests, unique ?alarm=", "alarms"),
    ("?page=² on /feed.atom", "page"),
    ("1 MB query string of ?alarm=", "long"),
]


def _dump(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()


def _run(command: list[str], env: dict[str, str], timeout: float) -> tuple[float, int, int | None, str, str]:
    """Run ``command``; return seconds, peak RSS in MB, exit status (None: killed), stdout, stderr."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=REPO, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        code = None if timed_out.is_set() else process.returncode
        return (seconds, usage.ru_maxrss // 1024, code, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"))


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if any(line.startswith("Traceback") for line in lines):
        return "traceback: " + lines[-1][:90]
    return lines[0][:110]


def _prepare(root: Path) -> dict[str, str]:
    data, feeds = root / "data", root / "feeds"
    data.mkdir()
    feeds.mkdir()
    settings = {"DATA_DIR": str(data), "FEEDS_DIR": str(feeds), "DATABASE_URL": f"sqlite:///{data / 'calendar.db'}",
                "BASE_URL": "https://calendar.example.org"}
    env = {**os.environ, **{f"CALENDAR_{key}": value for key, value in settings.items()}}
    for command in (["load", str(REPO / "data" / "events.yaml")], ["build-feeds"]):
        subprocess.run([sys.executable, "-c", CLI, *command], env=env, cwd=REPO, check=True, capture_output=True)
    return settings


def _row(door: str, name: str, seconds: float, peak: int, outcome: str, unchanged: bool) -> str:
    same = "yes" if unchanged else "NO"
    return f"| {door} | {name} | {seconds:.1f} | {peak} | {outcome.replace('|', '/')} | {same} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a door is stopped")
    parser.add_argument("--only", default="news,yaml,ics,http", help="doors to run: news,yaml,ics,http")
    args = parser.parse_args()
    doors = set(args.only.split(","))
    wanted = {"news (import)": "news", "YAML (load)": "yaml", ".ics (import-ics)": "ics"}
    print(f"machine: {os.cpu_count()} vCPUs, {platform.machine()}, Python {platform.python_version()}")
    print("| door | shape | seconds | peak MB | outcome | store unchanged |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
        base = Path(folder) / "base"
        base.mkdir()
        settings = _prepare(base)
        database = Path(settings["DATABASE_URL"].removeprefix("sqlite:///"))
        env = {**os.environ, **{f"CALENDAR_{key}": value for key, value in settings.items()}}
        for shape in SHAPES:
            if wanted[shape.door] not in doors:
                continue
            inputs = Path(folder) / "input"
            inputs.mkdir(exist_ok=True)
            arguments = shape.write(inputs)
            before = _dump(database)
            seconds, peak, code, out, err = _run([sys.executable, "-c", CLI, *arguments], env, args.timeout)
            outcome = f"killed after {args.timeout:.0f} s" if code is None else f"exit {code}: " + _first_line(
                err if code else out)
            print(_row(shape.door, shape.name, seconds, peak, outcome, _dump(database) == before), flush=True)
            shutil.rmtree(inputs)
        if "http" in doors:
            for name, case in HTTP_CASES:
                before = _dump(database)
                seconds, peak, code, out, err = _run(
                    [sys.executable, "-c", HTTP_SCRIPT, json.dumps(settings), case], env, args.timeout
                )
                if code == 0:
                    answer = json.loads(out.strip().splitlines()[-1])
                    statuses = ", ".join(f"{count} x {status}" for status, count in sorted(answer["statuses"].items()))
                    outcome = statuses + (f": {answer['first']}" if answer["first"] else "")
                else:
                    outcome = f"killed after {args.timeout:.0f} s" if code is None else "exit " + str(code) + ": " \
                        + _first_line(err)
                print(_row("HTTP (Flask app)", name, seconds, peak, outcome, _dump(database) == before), flush=True)


if __name__ == "__main__":
    main()
