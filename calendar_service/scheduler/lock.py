"""The scheduler lock: at most one process runs the jobs of a database, and another takes over
when it dies.

The lock dies with its holder, whatever way the holder dies (SIGKILL included): with SQLite it
is an OS file lock (``flock``) on a file beside the database, released by the kernel when the
process's descriptors close; with PostgreSQL it is a session advisory lock held by a dedicated
connection, released by the server when that connection goes. Acquiring never blocks: a standby
process polls (:data:`LOCK_POLL_SECONDS`) and starts its scheduler once it holds the lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from calendar_service.errors import ConfigurationError

__all__ = ["ADVISORY_LOCK_KEY", "SchedulerLock", "scheduler_lock"]

log = logging.getLogger(__name__)

#: Key of the PostgreSQL advisory lock: "cals", shared by every process of the service.
ADVISORY_LOCK_KEY = 0x63616C73


class SchedulerLock(Protocol):
    description: str

    def acquire(self) -> bool:
        """Take the lock if it is free; return whether this process holds it now."""

    def is_held(self) -> bool:
        """Tell whether this process still holds the lock."""

    def release(self) -> None:
        """Let the lock go (a no-op unless held)."""


class FileSchedulerLock:
    """An OS file lock (``flock``) on a file beside a SQLite database.

    filelock's FileLock falls back to a "soft" lock (a file that merely exists) where ``flock``
    is missing, and such a lock outlives a killed holder; this lock must die with its holder, so
    it calls ``flock`` itself. The file is never removed: every process locks the same inode.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        self._fd: int | None = None
        self._guard = threading.Lock()

    def acquire(self) -> bool:
        with self._guard:
            if self._fd is not None:
                return True
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise ConfigurationError(f"cannot open the scheduler lock file {self.path}: {error}") from error
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            except OSError as error:
                os.close(fd)
                raise ConfigurationError(f"cannot lock the scheduler lock file {self.path}: {error}") from error
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd
            return True

    def is_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        with self._guard:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


class AdvisorySchedulerLock:
    """A PostgreSQL session advisory lock held on a connection of its own."""

    def __init__(self, engine: Engine, key: int = ADVISORY_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self.description = f"PostgreSQL advisory lock {key:#x}"
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self.is_held():
            return True
        try:
            connection = self.engine.connect()
            held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
            connection.commit()
        except SQLAlchemyError as error:
            log.warning("cannot reach PostgreSQL to take the scheduler lock: %s", error)
            return False
        if not held:
            connection.close()
            return False
        self._connection = connection
        return True

    def is_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1")).scalar()
            self._connection.commit()
        except SQLAlchemyError:
            # The connection is gone, and the server released the lock with it.
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self._connection.commit()
        except SQLAlchemyError:
            pass  # the connection is gone, so is the lock
        self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except SQLAlchemyError:
                pass
            self._connection = None


class ProcessSchedulerLock:
    """For an in-memory SQLite database, which no other process can open anyway."""

    description = "in-process lock"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = False

    def acquire(self) -> bool:
        if not self._held:
            self._held = self._lock.acquire(blocking=False)
        return self._held

    def is_held(self) -> bool:
        return self._held

    def release(self) -> None:
        if self._held:
            self._held = False
            self._lock.release()


def scheduler_lock(engine: Engine) -> SchedulerLock:
    """Return the scheduler lock that fits the database behind ``engine``.

    Raises:
        ConfigurationError: the database is neither SQLite nor PostgreSQL.
    """
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            return ProcessSchedulerLock()
        return FileSchedulerLock(Path(database + ".scheduler.lock"))
    if engine.dialect.name == "postgresql":
        return AdvisorySchedulerLock(engine)
    raise ConfigurationError(
        f"the scheduler needs SQLite or PostgreSQL to hold its lock, not {engine.dialect.name}"
    )
