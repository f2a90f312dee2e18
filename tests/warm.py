"""A warm interpreter for tests that start real service processes.

Starting ``calendar-service`` costs about two seconds of CPU, nearly all of it importing
SQLAlchemy, Flask, icalendar and the service. :class:`Warm` starts one interpreter per test
worker that imports them once (this file, run as a script), then forks a child for each command
a test sends it. Each child is a real process of its own — its own pid, environment, working
folder, signals, locks and output — that runs the command exactly as ``python -c CODE ARGS`` or
``python -m calendar_service ARGS`` would, after the imports. The warm interpreter runs no thread,
opens no database and reads no setting, so a child starts from the state a fresh one would reach.

Tests that are about starting itself (how fast ``--help`` answers, the Procfile's commands, the
package run from another folder) still start a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import IO, Any

#: The largest request a test sends: a command, its environment and its code.
MESSAGE_BYTES = 1 << 20
ROOT = Path(__file__).resolve().parent.parent
#: What the service's commands import, loaded once by the warm interpreter: nothing starts or is read.
WARM_MODULES = ("calendar_service.cli", "calendar_service.cli.serve", "calendar_service.publish.build",
                "calendar_service.scheduler.jobs", "calendar_service.scheduler.runner", "calendar_service.web")


class WarmPopen:
    """The part of :class:`subprocess.Popen` that tests use, for a child of the warm interpreter."""

    def __init__(self, warm: Warm, pid: int, stdout: IO[str], stdin: IO[str] | None) -> None:
        self._warm = warm
        self.pid = pid
        self.stdout = stdout
        self.stdin = stdin
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._warm.status(self.pid, timeout=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            status = self._warm.status(self.pid, timeout=timeout)
            if status is None:
                raise subprocess.TimeoutExpired(f"warm child {self.pid}", timeout or 0)
            self.returncode = status
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, timeout: float | None = None) -> tuple[str, None]:
        """Wait for the end and return the rest of the output, as Popen does for a merged stdout."""
        output = self.stdout.read()
        self.wait(timeout)
        self.stdout.close()
        return output, None


class Warm:
    """One warm interpreter and the children it forked; see the module's docstring."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen([sys.executable, "-u", __file__, str(theirs.fileno())],
                                         pass_fds=[theirs.fileno()], cwd=ROOT, stdin=subprocess.DEVNULL)
        theirs.close()
        self._socket = ours
        self._ended: dict[int, int] = {}
        self._started: list[int] = []
        self._changed = threading.Condition()
        self._requests = threading.Lock()
        ready = json.loads(self._socket.recv(MESSAGE_BYTES) or b"{}")
        if not ready.get("ready"):
            raise RuntimeError("the warm interpreter did not start")
        self._listener = threading.Thread(target=self._listen, name="warm interpreter", daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        while message := self._socket.recv(MESSAGE_BYTES):
            said = json.loads(message)
            with self._changed:
                if "ended" in said:
                    self._ended[said["ended"]] = said["status"]
                else:
                    self._started.append(said["pid"])
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def start(self, command: list[str], env: dict[str, str], *, cwd: Path | str | None = None,
              stdin: bool = False) -> WarmPopen:
        """Start ``command`` — ``[python, "-c", CODE, *args]`` or ``[python, "-m", "calendar_service", *args]``."""
        if command[1] == "-c":
            code, argv = command[2], ["-c", *command[3:]]
        elif command[1:3] == ["-m", "calendar_service"]:
            code, argv = "import runpy; runpy.run_module('calendar_service', run_name='__main__')", \
                [str(ROOT / "calendar_service" / "__main__.py"), *command[3:]]
        else:
            raise ValueError(f"the warm interpreter runs python -c or -m calendar_service, not {command[:3]}")
        read_out, write_out = os.pipe()
        fds = [write_out]
        read_in = write_in = None
        if stdin:
            read_in, write_in = os.pipe()
            fds.append(read_in)
        request = {"code": code, "argv": argv, "env": env, "cwd": str(cwd or Path.cwd())}
        with self._requests:
            with self._changed:
                known = len(self._started)
            socket.send_fds(self._socket, [json.dumps(request).encode()], fds)
            for fd in fds:
                os.close(fd)
            with self._changed:
                self._changed.wait_for(lambda: len(self._started) > known, timeout=30)
                pid = self._started[known]
        output = os.fdopen(read_out, encoding="utf-8", errors="replace")
        given = os.fdopen(write_in, "w", encoding="utf-8") if write_in is not None else None
        return WarmPopen(self, pid, output, given)

    def status(self, pid: int, *, timeout: float | None) -> int | None:
        """The exit status of child ``pid`` (negative: the signal that ended it), or None if it runs on."""
        with self._changed:
            self._changed.wait_for(lambda: pid in self._ended, timeout=timeout)
            return self._ended.get(pid)

    def close(self) -> None:
        self._socket.shutdown(socket.SHUT_RDWR)  # the warm interpreter reads the end, and so does the listener
        self._socket.close()
        self._process.wait(timeout=30)
        self._listener.join(timeout=30)


# The warm interpreter itself ------------------------------------------------------------------


def _child(request: dict[str, Any], fds: list[int]) -> None:
    """Run one command in this forked child; never return."""
    status = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.dup2(fds[0], 1)
        os.dup2(fds[0], 2)
        os.dup2(fds[1] if len(fds) > 1 else os.open(os.devnull, os.O_RDONLY), 0)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = request["argv"]
        exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int | None):  # as the interpreter reports sys.exit("message")
            sys.stderr.write(f"{stop.code}\n")
    except BaseException:  # reported as the interpreter reports an uncaught exception
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(status)


def _serve(channel: socket.socket) -> None:
    for name in WARM_MODULES:
        importlib.import_module(name)

    woken_read, woken_write = os.pipe()
    os.set_blocking(woken_write, False)
    signal.set_wakeup_fd(woken_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    channel.send(json.dumps({"ready": True}).encode())
    selector = selectors.DefaultSelector()
    selector.register(channel, selectors.EVENT_READ)
    selector.register(woken_read, selectors.EVENT_READ)
    children: set[int] = set()
    while True:
        for key, _ in selector.select():
            if key.fileobj is channel:
                message, fds, _, _ = socket.recv_fds(channel, MESSAGE_BYTES, 2)
                if not message:
                    for pid in children:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                    return
                pid = os.fork()
                if pid == 0:
                    channel.close()
                    os.close(woken_read)
                    os.close(woken_write)
                    _child(json.loads(message), fds)
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                channel.send(json.dumps({"pid": pid}).encode())
            else:
                os.read(woken_read, 4096)
                while children:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                    if pid == 0:
                        break
                    children.discard(pid)
                    channel.send(json.dumps({"ended": pid, "status": os.waitstatus_to_exitcode(status)}).encode())


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _serve(socket.socket(fileno=int(sys.argv[1])))
