"""Making published objects durable without waiting for each in turn: the disk writes while the next is written.

A publish names an object in a manifest only once the object is on disk (``fsync``), so a crash
never leaves a manifest naming bytes that were lost. Waiting for each object as soon as it is
written would add the disk's time to the copy's, object after object. Instead:

- as a file is written, the kernel is asked to start writing its dirty pages out
  (:func:`start_writeback`: ``sync_file_range(2)`` with ``SYNC_FILE_RANGE_WRITE`` on Linux, which
  starts the writeback and returns; elsewhere nothing), so the disk works while the copy goes on;
- a finished file is handed to :class:`Settler`, whose one thread waits for it to be durable
  (``fsync``) and gives it its name, while the next document is written; the publish waits for
  every settled file before it writes the manifest.

``fsync`` stays what makes a file durable: the early writeback only moves the disk's work
earlier, and where it is missing the overlap of the thread remains.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

__all__ = ["DURABLE", "WRITEBACK_BYTES", "Settler", "start_writeback", "sync_file", "sync_folder"]

#: Whether the publish under way waits for its writes to reach the disk (the setting ``FSYNC``).
#: A job given to a :class:`Settler` sees the value it had where it was given.
DURABLE: contextvars.ContextVar[bool] = contextvars.ContextVar("durable", default=True)

#: Bytes written to a file between two requests to start its writeback.
WRITEBACK_BYTES = 8 * 1024 * 1024
_SYNC_FILE_RANGE_WRITE = 2  # <fcntl.h>: start writing out the range's dirty pages, do not wait


def sync_file(descriptor: int) -> None:
    """Wait until what was written through ``descriptor`` is on the disk, unless the publish is not durable."""
    if DURABLE.get():
        os.fsync(descriptor)


def sync_folder(folder: Path) -> None:
    """Make the names made in ``folder`` durable (renames, new files), unless the publish is not durable.

    Not every file system allows opening a folder; where it does not, nothing is done.
    """
    if not DURABLE.get():
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@functools.cache
def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    """Return libc's ``sync_file_range`` (Linux), or None where there is none; looked up once, when first needed."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only a build needs it: a web worker or a command never loads it

    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range  # the process's own libc
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def start_writeback(descriptor: int) -> bool:
    """Ask the kernel to start writing the file's dirty pages to disk, without waiting; return whether it could.

    Only a hint: a file is durable once ``fsync`` returns, as before, and sooner for it. Nothing
    is asked of the kernel when the publish does not wait for the disk (:data:`DURABLE`).
    """
    if not DURABLE.get():
        return False
    sync_file_range = _sync_file_range()
    if sync_file_range is None:
        return False
    return sync_file_range(descriptor, 0, 0, _SYNC_FILE_RANGE_WRITE) == 0  # offset 0, length 0: the whole file


class Settler:
    """Settle written files on one thread of its own, in the order given, while the caller writes the next.

    Each job (typically: ``fsync`` the files, then rename them to their names) runs after the
    previous one; :meth:`wait` returns once all have run and raises the first error any raised.
    Used as a context manager, it waits on leaving, error or not, so no job outlives the publish.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="settle")
        self._jobs: list[Future[None]] = []

    def submit(self, job: Callable[[], None]) -> None:
        """Run ``job`` after the jobs given before, in a copy of the caller's context (:data:`DURABLE`)."""
        self._jobs.append(self._pool.submit(contextvars.copy_context().run, job))

    def wait(self) -> None:
        """Wait for every job given so far; raise the first error of one, after all have ended."""
        jobs, self._jobs = self._jobs, []
        errors = [error for job in jobs if (error := job.exception()) is not None]
        if errors:
            raise errors[0]

    def __enter__(self) -> Settler:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if exc_info[0] is None:
                self.wait()
            else:
                for job in self._jobs:  # the error being raised counts; these only must not outlive it
                    job.exception()
                self._jobs = []
        finally:
            self._pool.shutdown(wait=True)

