"""The warm interpreter's children behave as fresh processes would (see tests/warm.py)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from tests.process import Process
from tests.warm import Warm

REPORT = """
import os, sys, threading
print(os.getcwd(), os.environ.get("ONLY_HERE"), sorted(k for k in os.environ if k.startswith("CALENDAR_")),
      sys.argv[1:], threading.active_count(), os.getppid() != os.getpid(), flush=True)
sys.exit(int(sys.argv[1]))
"""


def test_a_child_has_its_own_folder_environment_arguments_and_exit_status(warm: Warm, tmp_path: Path) -> None:
    child = warm.start([sys.executable, "-c", REPORT, "3", "two words"], {"ONLY_HERE": "yes"}, cwd=tmp_path)
    output, _ = child.communicate(timeout=30)
    assert output.split("\n")[0] == f"{tmp_path} yes [] ['3', 'two words'] 1 True"
    assert child.returncode == 3


def test_a_killed_child_reports_the_signal_and_its_input_is_its_own(warm: Warm) -> None:
    echo = "import sys\nfor line in sys.stdin: print('got', line.strip(), flush=True)"
    child = Process([sys.executable, "-c", echo], {}, stdin=True, warm=warm)
    try:
        child.send("ping\n")
        assert child.wait_for("got ping") == "got ping"
        child.popen.send_signal(signal.SIGKILL)
        assert child.popen.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.stop()


def test_an_uncaught_exception_is_printed_and_exits_1(warm: Warm) -> None:
    child = warm.start([sys.executable, "-c", "raise LookupError('missing')"], {})
    output, _ = child.communicate(timeout=30)
    assert output.strip().splitlines()[-1] == "LookupError: missing"
    assert child.returncode == 1
