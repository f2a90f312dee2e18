"""A throwaway PostgreSQL server for the tests that need one, and fixtures for its databases.

``CALENDAR_TEST_POSTGRES_URL`` names an existing server (a database the tests may fill and
empty); otherwise, when PostgreSQL's programs are installed, a server is created in a temporary
folder, listening only on a Unix socket there, and removed afterwards: one per test process, so
that parallel workers never share one.

The fixtures (a plugin of tests/conftest.py) give each test a database of its own, named after the
worker, created empty or as a copy of one migrated once per session (``CREATE DATABASE ...
TEMPLATE``). Every connection a fixture's engines open is closed by that fixture when the test
ends, pass or fail, the ones still checked out (a lock's) included: a connection left to the
garbage collector would warn during some later test, which ``filterwarnings = error`` then fails.

``CALENDAR_TEST_DATABASE=postgresql`` runs every test that uses the store on PostgreSQL: the shared
fixtures of tests/conftest.py ask :class:`TestDatabases` for the test's database (a copy of a
template migrated, or loaded with the dataset, once per worker) in place of a SQLite file, and
every process a test starts gets its URL. Skipped, as the first pass (on SQLite) ran them just so:
tests about SQLite itself (marker ``sqlite``), tests on a PostgreSQL database of their own (marker
``postgresql``), and tests that use no store and check what a reader sees in a browser, nginx or
ical.js.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import Pool

from calendar_service import db

__all__ = ["ON_POSTGRESQL", "Engines", "TestDatabases", "database", "postgres_server", "uses_postgresql"]

# Read once, at import: each test's environment is cleared of CALENDAR_* settings.
TEST_DATABASE = os.environ.get("CALENDAR_TEST_DATABASE", "sqlite")
#: Whether the tests that use the store run on PostgreSQL (``CALENDAR_TEST_DATABASE=postgresql``).
ON_POSTGRESQL = TEST_DATABASE == "postgresql"
_SERVER_URL = os.environ.get("CALENDAR_TEST_POSTGRES_URL")
#: Fixtures through which a test uses a store; a test with none of them has nothing to run on PostgreSQL.
STORE_FIXTURES = frozenset({"make_settings", "settings", "app", "migrated_template", "loaded_template",
                            "make_database_url", "postgres_admin_url"})
#: Markers of tests that check what a reader sees, with a browser, nginx or ical.js.
_VIEW_MARKERS = ("browser", "node", "nginx")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_DATABASE not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"CALENDAR_TEST_DATABASE is {TEST_DATABASE!r}; use sqlite (the default) or postgresql")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not ON_POSTGRESQL:
        return
    # Each of these ran in the first pass (on SQLite) exactly as it would run here.
    about_sqlite = pytest.mark.skip(reason="about SQLite itself (marker sqlite): the SQLite pass ran it")
    on_postgresql = pytest.mark.skip(reason="runs on a PostgreSQL database of its own (marker postgresql): "
                                            "the SQLite pass ran it")
    view = pytest.mark.skip(reason="uses no store and checks what a reader sees (browser, nginx or ical.js): "
                                   "the SQLite pass ran it")
    for item in items:
        if item.get_closest_marker("sqlite"):
            item.add_marker(about_sqlite)
        elif item.get_closest_marker("postgresql"):
            item.add_marker(on_postgresql)
        elif (any(item.get_closest_marker(name) for name in _VIEW_MARKERS)
              and not STORE_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(view)


def uses_postgresql(node: pytest.Item) -> bool:
    """Tell whether ``node``'s store is on PostgreSQL: the switch is on and the test is not about SQLite."""
    return ON_POSTGRESQL and node.get_closest_marker("sqlite") is None


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
    if _SERVER_URL:
        yield _SERVER_URL
        return
    # Asked for by CALENDAR_TEST_DATABASE=postgresql, a missing server fails the tests rather than skip them.
    missing = pytest.fail if ON_POSTGRESQL else pytest.skip
    bin_dir = _bin_dir()
    if bin_dir is None:
        missing("PostgreSQL is not installed (apt-get install postgresql) and CALENDAR_TEST_POSTGRES_URL is unset")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root and there is no postgres user to run the server as")
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


class Engines:
    """Engines opened for one test or module; :meth:`close` closes every connection they opened."""

    def __init__(self) -> None:
        self._engines: list[Engine] = []
        self._connections: list[Any] = []

    def add(self, engine: Engine) -> Engine:
        """Track ``engine``'s connections from now on; return it."""
        event.listen(engine, "connect", lambda connection, _record: self._connections.append(connection))
        self._engines.append(engine)
        return engine

    def engine(self, url: str) -> Engine:
        """Return the service's engine for ``url``."""
        return self.add(db.make_engine(url))

    def session_factory(self, url: str) -> sessionmaker[Session]:
        """Return a session factory on ``url``, as ``db.make_session_factory`` makes it."""
        return sessionmaker(bind=self.engine(url), expire_on_commit=False)

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        for connection in self._connections:  # those still checked out, such as a lock's
            connection.close()
        self._engines.clear()
        self._connections.clear()


@contextlib.contextmanager
def engines() -> Iterator[Engines]:
    opened = Engines()
    try:
        yield opened
    finally:
        opened.close()


_numbers = itertools.count(1)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def database(admin_url: str, *, template: str | None = None) -> Iterator[str]:
    """Create a database (empty, or a copy of ``template``) for this worker; yield its URL; drop it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"calendar_test_{worker}_{os.getpid()}_{next(_numbers)}"
    copy = f" TEMPLATE {_quoted(template)}" if template else ""
    with engines() as opened:
        admin = opened.add(create_engine(admin_url, isolation_level="AUTOCOMMIT"))
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)}"))
            connection.execute(text(f"CREATE DATABASE {_quoted(name)}{copy}"))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # FORCE: a killed process's connection may not have been noticed by the server yet.
                connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)"))


class TestDatabases:
    """The PostgreSQL databases of one test, made on demand; when it ends, they are dropped and every
    connection any engine opened to them is closed (engines the test made itself included)."""

    __test__ = False  # not a test class, despite its name

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._dropping = contextlib.ExitStack()
        self._names: set[str] = set()
        self._connections: list[Any] = []
        event.listen(Pool, "connect", self._connected)

    def _connected(self, connection: Any, _record: Any) -> None:
        info = getattr(connection, "info", None)
        if getattr(info, "dbname", None) in self._names:
            self._connections.append(connection)

    def create(self, template: str | None = None) -> str:
        """Create a database, empty or a copy of the database named ``template``; return its URL."""
        url = self._dropping.enter_context(database(self.server_url, template=template))
        self._names.add(str(make_url(url).database))
        return url

    def close(self) -> None:
        event.remove(Pool, "connect", self._connected)
        try:
            for connection in self._connections:
                connection.close()
        finally:
            self._connections.clear()
            self._dropping.close()


@pytest.fixture
def test_databases(request: pytest.FixtureRequest) -> Iterator[TestDatabases | None]:
    """The test's PostgreSQL databases when its store is on PostgreSQL (see :func:`uses_postgresql`), else None."""
    if not uses_postgresql(request.node):
        yield None
        return
    made = TestDatabases(request.getfixturevalue("postgres_admin_url"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """The URL of the session's PostgreSQL server (skips the test where there is none)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """The name of a database migrated to the newest schema once per session, copied by ``migrated_postgres_url``."""
    with database(postgres_admin_url) as url, engines() as opened:
        db.migrate(opened.session_factory(url))
        opened.close()  # CREATE DATABASE ... TEMPLATE needs the template without connections
        yield str(make_url(url).database)


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def migrated_postgres_url(postgres_admin_url: str, postgres_template: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database at the newest schema (a copy of the template), dropped after the test."""
    with database(postgres_admin_url, template=postgres_template) as url:
        yield url


@pytest.fixture
def pg_engines() -> Iterator[Engines]:
    """Engines for the test, every connection of which is closed when it ends."""
    with engines() as opened:
        yield opened


@pytest.fixture
def pg_engine(postgres_url: str, pg_engines: Engines) -> Callable[[], Engine]:
    """A factory of engines on the test's (empty) database, each closed when the test ends."""
    return lambda: pg_engines.engine(postgres_url)
