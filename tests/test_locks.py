"""The service's locks: one holder at a time, a bounded wait, and a lock that dies with its holder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from calendar_service.locks import FileLock, LockTimeout, ProcessLock, database_lock, folder_lock, holding
from tests.process import read_line_matching, stop


def test_a_file_lock_has_one_holder_and_keeps_its_file(tmp_path: Path) -> None:
    first, second = FileLock(tmp_path / "a.lock"), FileLock(tmp_path / "a.lock")
    assert first.acquire()
    assert first.acquire()  # held already
    assert not second.acquire()
    first.release()
    assert not first.is_held()
    assert (tmp_path / "a.lock").exists()  # every process locks the same inode
    assert second.acquire()
    assert second.is_held()
    second.release()


def test_holding_waits_at_most_its_timeout_and_names_the_lock(tmp_path: Path) -> None:
    holder = folder_lock(tmp_path, "publish")
    assert holder.acquire()
    try:
        with pytest.raises(LockTimeout, match=r"another process has held the file lock .*\.publish\.lock for 0\.2 s"), \
                holding(folder_lock(tmp_path, "publish"), timeout=0.2):
            pass
    finally:
        holder.release()
    with holding(folder_lock(tmp_path, "publish"), timeout=0.2):
        assert not holder.acquire()
    assert holder.acquire()
    holder.release()


def test_a_file_lock_dies_with_a_killed_holder(tmp_path: Path) -> None:
    probe = ("import sys, threading\n"
             "from pathlib import Path\n"
             "from calendar_service.locks import FileLock\n"
             "lock = FileLock(Path(sys.argv[1]))\n"
             "assert lock.acquire()\n"
             "print('held', flush=True)\n"
             "threading.Event().wait()\n")
    process = subprocess.Popen([sys.executable, "-c", probe, str(tmp_path / "s.lock")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        read_line_matching(process, r"^held$", 60)
        lock = FileLock(tmp_path / "s.lock")
        assert not lock.acquire()
        process.kill()
        process.wait(timeout=60)
        assert lock.acquire()  # the kernel let go with the killed holder's descriptors
        lock.release()
    finally:
        stop(process)


@pytest.mark.sqlite  # a SQLite file's locks lie beside it; PostgreSQL's are tests/scheduler/test_postgresql.py's
def test_the_lock_of_each_database(tmp_path: Path) -> None:
    on_file = create_engine(f"sqlite:///{tmp_path / 'calendar.db'}")
    in_memory = create_engine("sqlite://")
    try:
        lock = database_lock(on_file, "migrate")
        assert isinstance(lock, FileLock)
        assert lock.path == tmp_path / "calendar.db.migrate.lock"
        assert isinstance(database_lock(in_memory, "scheduler"), ProcessLock)
    finally:
        on_file.dispose()
        in_memory.dispose()
