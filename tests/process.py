"""Helpers for tests that start real processes: wait on their output, never on a timer."""

from __future__ import annotations

import re
import subprocess
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.warm import Warm, WarmPopen


def read_line_matching(process: subprocess.Popen[str] | WarmPopen, pattern: str, seconds: float) -> re.Match[str]:
    """Read the process's merged output until a line matches ``pattern``; fail after ``seconds``.

    Lines are read by a thread that stops at the match, leaving the rest for later readers. (Waiting
    on the pipe instead would miss lines already read into the stream's buffer.)
    """
    assert process.stdout is not None
    stream = process.stdout
    seen: list[str] = []
    found: list[re.Match[str]] = []

    def scan() -> None:
        for line in stream:
            seen.append(line)
            if match := re.search(pattern, line):
                found.append(match)
                return

    reader = threading.Thread(target=scan, name=f"lines of {process.pid}", daemon=True)
    reader.start()
    reader.join(seconds)
    if found:
        return found[0]
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


#: A bound on how long a process may take to say something, on a loaded machine; waits end at
#: the line awaited, never at a timer.
SAY_SECONDS = 90.0

# One condition for every process's output, so a test can wait for whichever process speaks first.
_said = threading.Condition()


class Process:
    """A subprocess whose merged output a thread reads line by line; tests wait on what it says."""

    def __init__(self, command: list[str], env: dict[str, str], *, stdin: bool = False,
                 warm: Warm | None = None, **popen: Any) -> None:
        """Start ``command``: a fresh interpreter, or a child of ``warm`` (see :mod:`tests.warm`).

        ``popen`` goes to :class:`subprocess.Popen` (``cwd``, ``start_new_session`` …), for a fresh one.
        """
        self.popen: subprocess.Popen[str] | WarmPopen = warm.start(command, env, stdin=stdin) if warm else \
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, text=True, **popen)
        self.lines: list[str] = []
        self._ended = False
        self._reader = threading.Thread(target=self._read, name=f"output of {self.popen.pid}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            with _said:
                self.lines.append(line.rstrip("\n"))
                _said.notify_all()
        with _said:
            self._ended = True
            _said.notify_all()

    def send(self, text: str) -> None:
        """Write ``text`` to the process's input (started with ``stdin=True``)."""
        assert self.popen.stdin is not None
        self.popen.stdin.write(text)
        self.popen.stdin.flush()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def said(self, text: str) -> list[str]:
        """Return the lines said so far that contain ``text``."""
        with _said:
            return [line for line in self.lines if text in line]

    def wait_for(self, text: str, *, times: int = 1, seconds: float = SAY_SECONDS) -> str:
        """Wait until the process has said a line containing ``text`` ``times`` times; return the last one.

        Fails at once if the process ends without saying it, or after ``seconds``.
        """
        with _said:
            _said.wait_for(lambda: self._ended or len(self._matching(text)) >= times, timeout=seconds)
            found = self._matching(text)
            if len(found) >= times:
                return found[times - 1]
            output = "\n".join(self.lines)
        state = "ended" if self._ended else f"still running after {seconds} s"
        raise AssertionError(f"process {self.pid} ({state}) said {text!r} {len(found)} of {times} times:\n{output}")

    def _matching(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]

    def terminate(self) -> int:
        """Send SIGTERM and return the exit status once the process has ended."""
        self.popen.terminate()
        return self.popen.wait(timeout=SAY_SECONDS)

    def stop(self) -> None:
        """Kill the process if it still runs, and close its pipe."""
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(timeout=SAY_SECONDS)
        self._reader.join(timeout=SAY_SECONDS)
        assert self.popen.stdout is not None
        self.popen.stdout.close()
        if self.popen.stdin is not None:
            self.popen.stdin.close()


def wait_for_any(processes: list[Process], text: str, *, seconds: float = SAY_SECONDS) -> Process:
    """Wait until one of ``processes`` says a line containing ``text``; return the first that did."""
    def speaker() -> Process | None:
        return next((process for process in processes if process._matching(text)), None)

    with _said:
        found = _said.wait_for(speaker, timeout=seconds)
        output = "\n\n".join(f"process {process.pid}:\n" + "\n".join(process.lines) for process in processes)
    if found is None:
        raise AssertionError(f"no process said {text!r} within {seconds} s:\n{output}")
    return found
