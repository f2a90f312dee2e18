"""The service's locks: one interface over an OS file lock and a PostgreSQL advisory lock.

Three things must happen in one process at a time: running the scheduler's jobs, migrating the
schema, and publishing into the feeds folder. Each lock dies with its holder, whatever way the
holder dies (SIGKILL included): a file lock is an ``flock`` on a file beside the database (or in
the feeds folder), released by the kernel when the process's descriptors close; an advisory lock
is a PostgreSQL session lock held by a connection of its own, released by the server when that
connection goes.

:func:`database_lock` picks the kind that fits a database; :func:`folder_lock` locks a folder.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from filelock import Timeout, UnixFileLock
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from calendar_service.errors import ConfigurationError

__all__ = ["ADVISORY_KEYS", "AdvisoryLock", "FileLock", "Lock", "LockTimeout", "ProcessLock", "database_lock",
           "folder_lock", "holding"]

log = logging.getLogger(__name__)

#: Keys of the PostgreSQL advisory locks, shared by every process of the service.
ADVISORY_KEYS = {
    "scheduler": 0x63616C73,  # "cals"
    "migrate": 0x63616C31,  # "cal1"
}


class LockTimeout(ConfigurationError):
    """Another process held the lock for longer than the caller would wait."""


class Lock(Protocol):
    description: str

    def acquire(self, timeout: float = 0) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds for it; return whether this process holds it."""

    def is_held(self) -> bool:
        """Tell whether this process still holds the lock."""

    def release(self) -> None:
        """Let the lock go (a no-op unless held)."""


class FileLock:
    """An OS file lock (``flock``) on ``path``, through filelock.

    The lock must die with its holder, so filelock may not fall back to a "soft" lock (a file that
    merely exists, which outlives a killed holder); and the file is kept on release, so every
    process locks the same inode. The lock is shared by the threads of a process: a standby thread
    may take it and the main thread let it go.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"file lock {path}"
        self._lock = UnixFileLock(path, thread_local=False, fallback_to_soft=False, preserve_lock_file=True)
        self._guard = threading.Lock()

    def acquire(self, timeout: float = 0) -> bool:
        with self._guard:
            if self._lock.is_locked:
                return True
            try:
                self._lock.acquire(timeout=timeout, blocking=timeout > 0)
            except Timeout:
                return False
            except OSError as error:
                raise ConfigurationError(f"cannot take the {self.description}: {error}") from error
            return True

    def is_held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        with self._guard:
            if self._lock.is_locked:
                self._lock.release(force=True)


class AdvisoryLock:
    """A PostgreSQL session advisory lock held on a connection of its own."""

    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self.description = f"PostgreSQL advisory lock {key:#x}"
        self._connection: Connection | None = None
        self._guard = threading.Lock()

    def acquire(self, timeout: float = 0) -> bool:
        with self._guard:
            if self._connection is not None:
                return True
            try:
                connection = self.engine.connect()
                try:
                    held = self._take(connection, timeout)
                except BaseException:
                    connection.close()
                    raise
            except SQLAlchemyError as error:
                if timeout > 0:  # a caller that waits wants to know why it cannot go on
                    raise ConfigurationError(f"cannot take the {self.description}: {error}") from error
                # A standby polls: it tries again at the next poll.
                log.warning("cannot reach PostgreSQL to take the %s: %s", self.description, error)
                return False
            if not held:
                connection.close()
                return False
            self._connection = connection
            return True

    def _take(self, connection: Connection, timeout: float) -> bool:
        if timeout <= 0:
            held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
            connection.commit()
            return held
        # The server does the waiting; lock_timeout bounds it (local to this transaction).
        connection.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": f"{int(timeout * 1000)}ms"})
        try:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": self.key})
        except DBAPIError as error:
            connection.rollback()
            if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
                return False
            raise
        connection.commit()
        return True

    def is_held(self) -> bool:
        with self._guard:
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
        with self._guard:
            if self._connection is None:
                return
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            except SQLAlchemyError:
                # The connection is gone, and so is the lock: let the pool forget it.
                self._drop()
                return
            self._connection.close()
            self._connection = None

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.invalidate()
                self._connection.close()
            self._connection = None


class ProcessLock:
    """For an in-memory SQLite database, which no other process can open anyway."""

    description = "in-process lock"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = False

    def acquire(self, timeout: float = 0) -> bool:
        if not self._held:
            self._held = self._lock.acquire(timeout=timeout) if timeout > 0 else self._lock.acquire(blocking=False)
        return self._held

    def is_held(self) -> bool:
        return self._held

    def release(self) -> None:
        if self._held:
            self._held = False
            self._lock.release()


def database_lock(engine: Engine, name: str) -> Lock:
    """Return the lock called ``name`` (a key of :data:`ADVISORY_KEYS`) for the database behind ``engine``.

    SQLite: a file lock on ``<database>.<name>.lock``; PostgreSQL: an advisory lock.

    Raises:
        ConfigurationError: the database is neither SQLite nor PostgreSQL.
    """
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            return ProcessLock()
        return FileLock(Path(f"{database}.{name}.lock"))
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, ADVISORY_KEYS[name])
    raise ConfigurationError(f"calendar-service holds its locks in SQLite or PostgreSQL, not {engine.dialect.name}")


def folder_lock(folder: Path, name: str) -> FileLock:
    """Return the file lock ``.<name>.lock`` inside ``folder``."""
    return FileLock(folder / f".{name}.lock")


@contextlib.contextmanager
def holding(lock: Lock, timeout: float) -> Iterator[None]:
    """Hold ``lock`` for the block, waiting up to ``timeout`` seconds for it.

    Raises:
        LockTimeout: another process held it all that time.
    """
    if not lock.acquire(timeout=timeout):
        raise LockTimeout(f"another process has held the {lock.description} for {timeout:g} s")
    try:
        yield
    finally:
        lock.release()
