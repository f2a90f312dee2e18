"""Benchmark how fast ``calendar-service --help`` answers, each run a fresh process.

    python benchmarks/bench_cli_help.py [--runs 15]

Prints a table: the command, the median and the fastest wall-clock time of the runs, and the
median CPU time (user + system) of the process, which a busy machine inflates less. The last row
imports what the commands themselves load (Flask, SQLAlchemy, icalendar, the news reader, the
scheduler): what every ``--help`` paid when the command modules imported them up front.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_EVERYTHING = ("import calendar_service.cli, calendar_service.ingest.extract, calendar_service.ingest.news, "
               "calendar_service.publish.build, calendar_service.scheduler.runner, calendar_service.web, "
               "waitress.server")


def _time(command: list[str], runs: int) -> tuple[float, float, float]:
    """Return the median and fastest wall-clock seconds and the median CPU seconds of ``command``."""
    seconds, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(seconds), min(seconds), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    cli = [sys.executable, "-m", "calendar_service"]
    cases = [
        ("calendar-service --help", [*cli, "--help"]),
        ("calendar-service serve --help", [*cli, "serve", "--help"]),
        ("calendar-service extract --help", [*cli, "extract", "--help"]),
        ("python -c pass (the interpreter alone)", [sys.executable, "-c", "pass"]),
        ("every command's libraries imported", [sys.executable, "-c", _EVERYTHING]),
    ]
    print(f"machine: {os.cpu_count()} vCPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; {arguments.runs} runs each")
    print("| command | median ms | fastest ms | CPU ms (median) |")
    print("| --- | ---: | ---: | ---: |")
    for name, command in cases:
        median, fastest, cpu = _time(command, arguments.runs)
        print(f"| {name} | {median * 1000:.0f} | {fastest * 1000:.0f} | {cpu * 1000:.0f} |")


if __name__ == "__main__":
    main()
