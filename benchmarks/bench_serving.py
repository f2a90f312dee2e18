"""Benchmark serving the published files: nginx and the service under each WSGI server, in one run.

Run: ``.venv/bin/python benchmarks/bench_serving.py [--events 1000] [--seconds 5] [--warmup 2]``. Needs ``wrk``
and ``nginx`` (Debian: ``apt-get install -y wrk nginx``) and gunicorn (``pip install -e .[bench]``).

One store of synthetic events is built so that ``calendar.ics`` is about 1 MB; nginx serves its
feeds folder with docs/nginx.conf (``etag on``, ``gzip_static on``); the service is started under
gunicorn as the Procfile's web line was, under granian as it is now (two workers, four threads
each, both with their access log) and under ``calendar-service serve`` (waitress, eight threads,
access log on). Each is
loaded with ``wrk -t2 -c32`` on loopback for the same scenarios, one after the other, and the
table gives requests per second and each server's ratio to nginx, and the resident memory of each
server's processes after the run. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_nginx import nginx_config  # noqa: E402 - the tested configuration, written the same way

VENV = Path(sys.executable).parent
SCENARIOS = [
    ("304 for /calendar.ics (If-None-Match)", "/calendar.ics", "etag"),
    ("304 for /feed.atom (If-None-Match)", "/feed.atom", "etag"),
    ("precompressed /calendar.ics (Accept-Encoding: gzip)", "/calendar.ics", "gzip"),
    ("/calendar.ics identity", "/calendar.ics", "identity"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _build(root: Path, events: int) -> dict[str, str]:
    from calendar_service import clock, create_app, db, get_settings
    from calendar_service.dates import Precision
    from calendar_service.db import transaction
    from calendar_service.publish.build import build_feeds
    from calendar_service.store.records import Category, EventRecord, Status
    from calendar_service.store.writer import upsert_records

    env = {"CALENDAR_DATA_DIR": str(root), "CALENDAR_FEEDS_DIR": str(root / "feeds"),
           "CALENDAR_DATABASE_URL": f"sqlite:///{root / 'bench.db'}", "CALENDAR_DATASET": "none.yaml",
           "CALENDAR_BASE_URL": "https://calendar.example.org", "CALENDAR_LOG_LEVEL": "WARNING"}
    (root / "feeds").mkdir()
    app = create_app({key.removeprefix("CALENDAR_"): value for key, value in env.items()})
    factory = db.get_session_factory(app)
    db.migrate(factory)
    today = clock.today(get_settings(app).timezone)
    categories = list(Category)
    records = [EventRecord(
        key=f"bench-{number}", title=f"Meeting {number} of the CSTO working group on security",
        title_ru=f"Заседание {number} рабочей группы ОДКБ", start=today + dt.timedelta(days=number % 700),
        end=today + dt.timedelta(days=number % 700), precision=Precision.DAY,
        category=categories[number % len(categories)], status=Status.PLANNED, city="Moscow", country="RU",
        bodies=("CSTO Secretariat",), summary="Representatives of the member states discuss the agenda. " * 3,
        source_url=f"https://odkb-csto.org/news/{number}") for number in range(events)]
    with transaction(factory) as session:
        upsert_records(session, records, now=clock.now())
    build_feeds(factory, get_settings(app), now=clock.now())
    factory.kw["bind"].dispose()
    return env


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {seconds} s")


def _etag(url: str, headers: dict[str, str]) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        response.read()
        return response.headers["ETag"]


def _wrk(base: str, path: str, kind: str, seconds: int) -> float:
    headers: list[str] = []
    if kind == "etag":
        headers = ["-H", f"If-None-Match: {_etag(base + path, {})}"]
    elif kind == "gzip":
        headers = ["-H", "Accept-Encoding: gzip"]
    output = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", *headers, base + path], capture_output=True,
                            text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{base}{path}: {non_2xx.group(1)} failed responses\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for number in child.read_text().split():
            pids += _tree(int(number))
    return pids


def _rss_mb(pid: int) -> float:
    total = 0
    for number in _tree(pid):
        try:
            status = Path(f"/proc/{number}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def _servers(root: Path, port: int, feeds: Path) -> dict[str, list[str]]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (root / "nginx").mkdir(exist_ok=True)
    config = nginx_config(root / "nginx", feeds, port)
    return {
        "nginx": [nginx, "-p", str(root / "nginx"), "-c", str(config)],
        "gunicorn": [str(VENV / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                     "--access-logfile", "-", "calendar_service:create_app()"],
        "granian": [str(VENV / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                    "--workers", "2", "--blocking-threads", "4", "--access-log", "--factory",
                    "calendar_service:create_app"],
        "serve (waitress)": [str(VENV / "calendar-service"), "serve", "--port", str(port), "--threads", "8"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2,
                        help="load each server this many seconds, unmeasured, before its first scenario "
                             "(every worker started and answering)")
    parser.add_argument("--servers", default="nginx,gunicorn,granian,serve (waitress)")
    parser.add_argument("--large-mb", type=int, default=120,
                        help="then serve a calendar this large under granian and report its workers' peak memory")
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk nginx")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")}
        env.update(_build(root, arguments.events))
        size = (root / "feeds" / "calendar.ics").stat().st_size
        rates: dict[str, list[float]] = {}
        memory: dict[str, float] = {}
        for name in arguments.servers.split(","):
            port = _free_port()
            command = _servers(root, port, root / "feeds")[name]
            process = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                base = f"http://127.0.0.1:{port}"
                _wait_for(base + "/feed.atom")
                if arguments.warmup:  # the first answer may come from one worker while the others still start
                    _wrk(base, SCENARIOS[0][1], SCENARIOS[0][2], arguments.warmup)
                rates[name] = [_wrk(base, path, kind, arguments.seconds) for _, path, kind in SCENARIOS]
                memory[name] = _rss_mb(process.pid)
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
        _print(rates, memory, size, arguments)
    if arguments.large_mb:
        _large_file_memory(arguments.large_mb)


def _large_file_memory(megabytes: int) -> None:
    """Publish a calendar of ``megabytes`` MB, fetch it four times plain and gzipped, report worker memory."""
    from calendar_service.publish.files import publish

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "feeds").mkdir()
        line = b"DESCRIPTION:" + b"".join(b"%06d" % n for n in range(60)) + b"\r\n"
        data = b"BEGIN:VCALENDAR\r\n" + line * (megabytes * 1_000_000 // len(line)) + b"END:VCALENDAR\r\n"
        publish(root / "feeds", {"calendar.ics": data, "feed.atom": b"<feed/>"}, now=dt.datetime.now(dt.UTC))
        del data
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")}
        env.update({"CALENDAR_DATA_DIR": str(root), "CALENDAR_FEEDS_DIR": str(root / "feeds"),
                    "CALENDAR_DATABASE_URL": f"sqlite:///{root / 'bench.db'}"})
        port = _free_port()
        process = subprocess.Popen(_servers(root, port, root / "feeds")["granian"], env=env, cwd=root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base + "/feed.atom")
            before = max(_peak_mb(pid) for pid in _tree(process.pid)[1:])
            for _ in range(4):
                for encoding in ("identity", "gzip"):
                    request = urllib.request.Request(base + "/calendar.ics", headers={"Accept-Encoding": encoding})
                    with urllib.request.urlopen(request, timeout=120) as response:
                        while response.read(1 << 20):
                            pass
            after = max(_peak_mb(pid) for pid in _tree(process.pid)[1:])
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    print(f"\ngranian worker, peak resident memory: {before:.0f} MB started, {after:.0f} MB after sending "
          f"a {megabytes} MB calendar.ics four times plain and four times gzipped")


def _peak_mb(pid: int) -> float:
    match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def _print(rates: dict[str, list[float]], memory: dict[str, float], size: int, arguments: argparse.Namespace) -> None:
    names = list(rates)
    others = [name for name in names if name != "nginx"]
    print(f"{arguments.events} events, calendar.ics {size / 1e6:.2f} MB; wrk -t2 -c32 -d{arguments.seconds}s, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| what | " + " | ".join(names) + " | " + " | ".join(f"{name} / nginx" for name in others) + " |")
    print("| --- " * (len(names) + len(others) + 1) + "|")
    for index, (label, _, _) in enumerate(SCENARIOS):
        row = [f"{rates[name][index]:,.0f}" for name in names]
        if "nginx" in rates:
            row += [f"{rates[name][index] / rates['nginx'][index]:.2f}" for name in others]
        print(f"| {label} | " + " | ".join(row) + " |")
    print("| resident memory after the run, MB (all processes) | "
          + " | ".join(f"{memory[name]:.0f}" for name in names) + " |" + " |" * len(others))


if __name__ == "__main__":
    main()
