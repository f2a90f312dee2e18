"""A throwaway PostgreSQL server for the tests that need one.

``CALENDAR_TEST_POSTGRES_URL`` names an existing server (a database the tests may fill and
empty); otherwise, when PostgreSQL's programs are installed, a server is created in a temporary
folder, listening only on a Unix socket there, and removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["postgres_server"]


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the SQLAlchemy URL of a PostgreSQL database, or skip the test when there is none."""
    url = os.environ.get("CALENDAR_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql) and CALENDAR_TEST_POSTGRES_URL is unset")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
    root = Path(tempfile.mkdtemp(prefix="calendar-pg-"))
    data, socket_dir = root / "data", root / "run"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        for path in (root, socket_dir):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    log = root / "server.log"
    try:
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                     "--no-sync", "-E", "UTF8", "--locale=C"]),
                       check=True, capture_output=True, text=True)
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                                     "-o", f"-k {socket_dir} -c listen_addresses='' -c fsync=off", "start"]),
                       check=True, capture_output=True, text=True)
        try:
            subprocess.run(_as_postgres([str(bin_dir / "createdb"), "-h", str(socket_dir), "-U", "postgres",
                                         "calendar"]), check=True, capture_output=True, text=True)
            yield f"postgresql+psycopg://postgres@/calendar?host={socket_dir}"
        finally:
            subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                           check=False, capture_output=True, text=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
