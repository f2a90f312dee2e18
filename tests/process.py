"""Helpers for tests that start real processes: wait on their output, never on a timer."""

from __future__ import annotations

import re
import selectors
import subprocess
import time


def read_line_matching(process: subprocess.Popen[str], pattern: str, seconds: float) -> re.Match[str]:
    """Read the process's merged output until a line matches ``pattern``; fail after ``seconds``."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    seen = []
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=left):
                break
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if match := re.search(pattern, line):
                return match
    finally:
        selector.close()
    raise AssertionError(f"no line matching {pattern!r} within {seconds} s; output: {''.join(seen)}")


def stop(process: subprocess.Popen[str], seconds: float = 20) -> int:
    """Terminate ``process``, kill it if it lingers, close its pipe and return its exit status."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)
    if process.stdout:
        process.stdout.close()
    return process.returncode
