"""Benchmark editors and readers at once: concurrent edits under If-Match while readers poll the feeds.

Run: ``.venv/bin/python benchmarks/bench_editors.py [--duration 60] [--editors 50] [--readers 500]``.

Starts ``calendar-service serve`` (web and scheduler, the shipped dataset) on 127.0.0.1 in a
temporary folder, makes a write token, then for ``--duration`` seconds:

* each editor reads one of ``--events`` events (GET, its ETag), changes its summary with PATCH and
  ``If-Match``, and on ``412`` reads again and retries;
* each reader polls ``/calendar.ics`` and ``/feed.atom`` with ``If-None-Match`` about once a second,
  and checks that every body served matches its ETag: an ETag (the file's time and size, as nginx
  makes it) never comes with two different bodies.

Then it checks that no update was lost: every PATCH answered ``200`` is in the event's history with
the summary its editor read as ``before``, and each event's history is one unbroken chain. It
prints a Markdown table; any error, mismatch or lost update makes it exit 1. Loopback only.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass
class Tally:
    """What the clients saw; each thread appends, the main thread reads after they stop."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    #: (uid, summary read, summary written) of every PATCH answered 200
    writes: list[tuple[str, str, str]] = field(default_factory=list)
    etags_seen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: (path, ETag) -> SHA-256 of the first body served under it
    bodies: dict[tuple[str, str], str] = field(default_factory=dict)

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.latencies[kind].append(seconds)


def _request(method: str, port: int, path: str, headers: dict[str, str] | None = None,
             body: bytes | None = None) -> tuple[int, dict[str, str], bytes, float]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.perf_counter() - started
    finally:
        connection.close()


def _editor(number: int, port: int, token: str, uids: list[str], stop: threading.Event, tally: Tally) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    edit = 0
    while not stop.is_set():
        uid = uids[(number + edit) % len(uids)]
        try:
            status, headers, data, seconds = _request("GET", port, f"/api/events/{uid}")
            tally.record("editor GET", status, seconds)
            if status != 200:
                tally.errors.append(f"editor GET {uid}: {status}")
                continue
            read = json.loads(data)["summary"]
            written = f"Edited by editor {number}, edit {edit}."
            body = json.dumps({"summary": written}).encode()
            status, _, data, seconds = _request("PATCH", port, f"/api/events/{uid}", body=body, headers={
                **auth, "Content-Type": "application/json", "If-Match": headers["etag"]})
            tally.record("editor PATCH", status, seconds)
            if status == 200:
                with tally.lock:
                    tally.writes.append((uid, read, written))
                edit += 1
            elif status != 412:  # 412: someone changed it since it was read; read again and retry
                tally.errors.append(f"PATCH {uid}: {status} {data[:200]!r}")
        except OSError as error:
            tally.errors.append(f"editor {number}: {error!r}")


def _reader(number: int, port: int, stop: threading.Event, tally: Tally, interval: float) -> None:
    etags: dict[str, str] = {}
    paths = ["/calendar.ics", "/feed.atom"]
    turn = number
    while not stop.wait(interval * (0.5 + (number % 10) / 10)):
        path = paths[turn % 2]
        turn += 1
        headers = {"If-None-Match": etags[path]} if path in etags else {}
        try:
            status, answer, data, seconds = _request("GET", port, path, headers=headers)
        except OSError as error:
            tally.errors.append(f"reader {number}: {error!r}")
            continue
        tally.record(f"reader {path}", status, seconds)
        if status == 200:
            etag = answer.get("etag", "").strip('"')
            digest = hashlib.sha256(data).hexdigest()
            etags[path] = answer["etag"]
            with tally.lock:
                tally.etags_seen[path].add(etag)
                if tally.bodies.setdefault((path, etag), digest) != digest:
                    tally.mismatches.append(f"{path}: ETag {etag} came with two different bodies")
        elif status != 304:
            tally.errors.append(f"reader {path}: {status}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped with status {process.returncode}")
        try:
            if _request("GET", port, "/healthz")[0] in {200, 503}:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer in time")


def _chains_hold(port: int, uids: list[str], tally: Tally) -> tuple[int, list[str]]:
    """Return how many edits the histories hold, and every write that is missing or out of chain."""
    problems = []
    found = 0
    for uid in uids:
        history = json.loads(_request("GET", port, f"/api/events/{uid}/history")[2])["changes"]
        summaries = [change["changes"]["summary"] for change in history if "summary" in change["changes"]]
        edits = {(entry["before"], entry["after"]) for entry in summaries}
        found += len([entry for entry in summaries if str(entry["after"]).startswith("Edited by")])
        for before, after in itertools.pairwise(summaries):
            if after["before"] != before["after"]:
                problems.append(f"{uid}: history breaks between {before['after']!r} and {after['before']!r}")
        for write_uid, read, written in tally.writes:
            if write_uid == uid and (read, written) not in edits:
                problems.append(f"{uid}: the write {written!r} over {read!r} is not in the history")
    return found, problems


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--events", type=int, default=10, help="events the editors share (fewer: more conflicts)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between a reader's polls")
    parser.add_argument("--threads", type=int, default=16, help="the server's request threads")
    arguments = parser.parse_args()
    executable = Path(sys.executable).with_name("calendar-service")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data").mkdir()
        shutil.copy(REPO / "data" / "events.yaml", root / "data" / "events.yaml")
        port = _free_port()
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("CALENDAR_")},
               "CALENDAR_DATA_DIR": str(root / "data"), "CALENDAR_FEEDS_DIR": str(root / "feeds"),
               "CALENDAR_DATASET": "events.yaml", "CALENDAR_CHANGE_POLL_SECONDS": "1",
               "CALENDAR_BASE_URL": f"http://{HOST}:{port}", "CALENDAR_LOG_LEVEL": "WARNING"}
        (root / "feeds").mkdir()
        token = subprocess.run([str(executable), "tokens", "create", "--name", "bench", "--scope", "write"],
                               env=env, capture_output=True, text=True, check=True).stdout.strip()
        server = subprocess.Popen([str(executable), "serve", "--host", HOST, "--port", str(port), "--threads",
                                   str(arguments.threads), "--no-access-log"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_for(port, server)
            listed = json.loads(_request("GET", port, "/api/events?from=1900-01-01")[2])["events"]
            uids = [event["uid"] for event in listed[: arguments.events]]
            tally = Tally()
            stop = threading.Event()
            threads = [threading.Thread(target=_editor, args=(n, port, token, uids, stop, tally), daemon=True)
                       for n in range(arguments.editors)]
            threads += [threading.Thread(target=_reader, args=(n, port, stop, tally, arguments.interval), daemon=True)
                        for n in range(arguments.readers)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(arguments.duration)
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
            elapsed = time.perf_counter() - started
            time.sleep(3)  # one more re-render after the last edit
            found, lost = _chains_hold(port, uids, tally)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"{arguments.editors} editors on {len(uids)} events, {arguments.readers} readers, "
          f"{elapsed:.0f} s, server with {arguments.threads} threads\n")
    print("| requests | answers | median | p95 | p99 |")
    print("|---|---|---:|---:|---:|")
    for kind in sorted(tally.latencies):
        answers = ", ".join(f"{count:,} × {status}" for (k, status), count in sorted(tally.statuses.items())
                            if k == kind)
        values = tally.latencies[kind]
        print(f"| {kind} | {answers} | {statistics.median(values) * 1000:.0f} ms | "
              f"{_percentile(values, 0.95) * 1000:.0f} ms | {_percentile(values, 0.99) * 1000:.0f} ms |")
    total = sum(tally.statuses.values())
    print(f"\n{total:,} requests, {total / elapsed:,.0f} per second; {len(tally.writes):,} edits accepted, "
          f"{found:,} in the histories; feed versions served: "
          + ", ".join(f"{path} {len(etags)}" for path, etags in sorted(tally.etags_seen.items())))
    print(f"errors: {len(tally.errors)}, bodies not matching their ETag: {len(tally.mismatches)}, "
          f"lost or broken updates: {len(lost) + abs(found - len(tally.writes))}")
    for line in (tally.errors + tally.mismatches + lost)[:20]:
        print("  " + line)
    if tally.errors or tally.mismatches or lost or found != len(tally.writes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
