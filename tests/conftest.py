"""Shared fixtures: settings in tmp_path, a real SQLite file, the app, its client and the CLI.

Fixtures chain app → client → runner, as in Flask's own tests. Each test gets a SQLite file of
its own in tmp_path, copied from a template migrated once per session (``app``), or from one that
also holds the repository's dataset, with its feeds folder built (``loaded``, ``client``): the
copy costs milliseconds where migrating, loading and building cost seconds; under xdist the
first worker to need a SQLite template builds it in the run's folder while the others wait on a
file lock, then all copy from it. With
``CALENDAR_TEST_DATABASE=postgresql`` the same fixtures hand out PostgreSQL databases, copies of
templates made once per worker (see tests/pg.py). A guard refuses any network connection outside
the loopback range.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import ipaddress
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner
from filelock import FileLock
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import create_app, db, get_settings
from calendar_service.config import Settings
from calendar_service.ingest.dataset import load_dataset
from calendar_service.publish.build import build_feeds
from calendar_service.web.published import PUBLISHED_FILES
from tests.httpserver import Site, serve
from tests.warm import Warm

pytest.register_assert_rewrite("tests.pg")  # a plugin (below), imported here first
from tests.pg import ON_POSTGRESQL, TestDatabases, database, engines  # noqa: E402

pytest_plugins = ("tests.pg",)  # the PostgreSQL fixtures

REPO = Path(__file__).resolve().parent.parent
DATASET = REPO / "data" / "events.yaml"
TEST_DATA = Path(__file__).resolve().parent / "data"
NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection to an address outside 127.0.0.0/8 and ::1."""
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise AssertionError(f"tests may only connect to loopback addresses, not {host!r}")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="module")
def module_site() -> Iterator[Site]:
    """A real HTTP server on 127.0.0.1 serving what a module's tests put on it (see tests/httpserver.py)."""
    with serve() as site:
        yield site


@pytest.fixture(scope="session")
def warm() -> Iterator[Warm]:
    """One warm interpreter per test worker, forking the service's real processes (see tests/warm.py)."""
    interpreter = Warm()
    yield interpreter
    interpreter.close()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own CALENDAR_* settings out of the tests."""
    for name in list(os.environ):
        if name.startswith("CALENDAR_"):
            monkeypatch.delenv(name)


@pytest.fixture
def make_database_url(tmp_path: Path, test_databases: TestDatabases | None) -> Callable[..., str]:
    """Return a factory of URLs of databases of the test's own, one per name, empty until migrated.

    A SQLite file ``name`` in tmp_path (made by the first connection); on PostgreSQL (see
    tests/pg.py), a database created at once, empty or a copy of the database named ``template``.
    """
    made: dict[str, str] = {}

    def make(name: str = "calendar.db", template: str | None = None) -> str:
        if test_databases is None:
            return f"sqlite:///{tmp_path / name}"
        if name not in made:
            made[name] = test_databases.create(template)
        return made[name]

    return make


@pytest.fixture
def make_settings(request: pytest.FixtureRequest, tmp_path: Path, test_databases: TestDatabases | None,
                  make_database_url: Callable[..., str]) -> Callable[..., dict[str, Any]]:
    """Return a factory of settings pointing at fresh folders and the test's database (see ``app``)."""
    template = None
    if test_databases is not None:  # the test's PostgreSQL database is made now, as the copy its fixtures want
        if "loaded" in request.fixturenames:
            template = request.getfixturevalue("loaded_template").database
        elif "app" in request.fixturenames:
            template = request.getfixturevalue("migrated_template").database
    database_url = make_database_url("calendar.db", template)

    def make(**overrides: Any) -> dict[str, Any]:
        data_dir = tmp_path / "data"
        feeds_dir = tmp_path / "feeds"
        data_dir.mkdir(exist_ok=True)
        feeds_dir.mkdir(exist_ok=True)
        settings = {
            "DATA_DIR": str(data_dir),
            "FEEDS_DIR": str(feeds_dir),
            "DATABASE_URL": database_url,
            "BASE_URL": "https://calendar.example.org",
            "FSYNC": "0",  # throwaway stores: nothing waits for the disk (tests/test_durability.py checks both ways)
        }
        settings.update(overrides)
        return settings

    return make


@pytest.fixture
def settings(make_settings: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_settings()


class Template(NamedTuple):
    """A database and the feeds folder built from it, to be copied into each test.

    The database is a SQLite file, or on PostgreSQL the name of a database on the server ``server``.
    """

    database: Path | str
    feeds_dir: Path
    server: str = ""


def _template_settings(folder: Path) -> dict[str, Any]:
    (folder / "data").mkdir()
    (folder / "feeds").mkdir()
    return {"DATA_DIR": str(folder / "data"), "FEEDS_DIR": str(folder / "feeds"),
            "DATABASE_URL": f"sqlite:///{folder / 'calendar.db'}", "BASE_URL": "https://calendar.example.org",
            "FSYNC": "0"}


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder of the template ``name``, built by ``build`` into an empty folder once per run.

    Under xdist every worker's temporary folder lies in the run's own folder: the first worker
    builds the template there (into a folder renamed once complete) while the others wait on the
    lock, and each finds it built. Without xdist the template is the session's own.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    run = tmp_path_factory.getbasetemp().parent
    folder = run / name
    with FileLock(run / f"{name}.lock"):
        if not folder.exists():
            building = run / f"{name}.building"
            shutil.rmtree(building, ignore_errors=True)  # left by a worker that failed while building
            building.mkdir()
            build(building)
            building.rename(folder)
    return folder


def _fill_and_build(settings: dict[str, Any], fill: Callable[[sessionmaker[Session]], object]) -> None:
    application = create_app(settings)
    factory = db.get_session_factory(application)
    try:
        fill(factory)
        build_feeds(factory, get_settings(application), now=NOW)
    finally:
        factory.kw["bind"].dispose()


def _load_and_build(settings: dict[str, Any]) -> None:
    _fill_and_build(settings, lambda factory: load_dataset(factory, DATASET, now=NOW))


def sqlite_template(tmp_path_factory: pytest.TempPathFactory, migrated: Template, name: str,
                    fill: Callable[[sessionmaker[Session]], object]) -> Template:
    """A SQLite template ``name``: the migrated store filled by ``fill`` at NOW and its feeds built, once per run.

    For a module whose tests each want the same filled store to change (see ``copy_template``).
    """
    assert isinstance(migrated.database, Path), "a SQLite template is made from the migrated SQLite file"

    def build(folder: Path) -> None:
        settings = _template_settings(folder)
        shutil.copyfile(migrated.database, folder / "calendar.db")
        _fill_and_build(settings, fill)

    folder = _built_once(tmp_path_factory, name, build)
    return Template(folder / "calendar.db", folder / "feeds")


@pytest.fixture(scope="session")
def migrated_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A database migrated to the newest schema, once per run (per worker on PostgreSQL), and an empty feeds folder."""
    if ON_POSTGRESQL:
        folder = tmp_path_factory.mktemp("migrated")
        _template_settings(folder)
        return Template(request.getfixturevalue("postgres_template"), folder / "feeds",
                        request.getfixturevalue("postgres_admin_url"))

    def build(folder: Path) -> None:
        settings = _template_settings(folder)
        factory = db.make_session_factory(settings["DATABASE_URL"], durable=False)
        try:
            db.migrate(factory)
        finally:
            factory.kw["bind"].dispose()  # closing the last connection folds the WAL into the file

    folder = _built_once(tmp_path_factory, "migrated", build)
    return Template(folder / "calendar.db", folder / "feeds")


@pytest.fixture(scope="session")
def loaded_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: Template) -> Iterator[Template]:
    """The repository's dataset loaded at NOW and every feed built, once per run (per worker on PostgreSQL)."""
    with contextlib.ExitStack() as dropping:
        if isinstance(migrated_template.database, str):
            folder = tmp_path_factory.mktemp("loaded")
            settings = _template_settings(folder)
            settings["DATABASE_URL"] = dropping.enter_context(
                database(migrated_template.server, template=migrated_template.database))
            _load_and_build(settings)
            name = make_url(settings["DATABASE_URL"]).database
            template = Template(name or "", folder / "feeds", migrated_template.server)
        else:
            template = sqlite_template(tmp_path_factory, migrated_template, "loaded",
                                       lambda factory: load_dataset(factory, DATASET, now=NOW))
        built = _digests(template.feeds_dir)
        yield template
    # Each test's feeds folder links to these files (see ``loaded``): a test that wrote into one in
    # place, rather than replacing it as publishing does, changed them for every later test.
    assert _digests(template.feeds_dir) == built, "a test wrote into a published file in place"


def _digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def change_settings(app: Flask, **changes: Any) -> Settings:
    """Give ``app`` its settings with ``changes`` (field names, typed values) and return them."""
    settings = dataclasses.replace(get_settings(app), **changes)
    app.extensions["calendar_service"] = settings
    return settings


@contextlib.contextmanager
def shared_app(folder: Path, template: Template) -> Iterator[Flask]:
    """An app on a copy of ``template`` in ``folder``, for a module-scoped fixture whose tests only read.

    A fixture that fills a store and builds its feeds once for a module of tests that only GET
    from it uses this in place of ``app``: the store is built once, not once per test.
    """
    settings = _template_settings(folder)
    with contextlib.ExitStack() as dropping:
        if isinstance(template.database, str):
            settings["DATABASE_URL"] = dropping.enter_context(database(template.server, template=template.database))
        else:
            shutil.copyfile(template.database, folder / "calendar.db")
        application = create_app(settings)
        application.config["TESTING"] = True
        _see_every_publish(application)
        with engines() as opened:
            opened.add(db.get_session_factory(application).kw["bind"])
            yield application


def _see_every_publish(application: Flask) -> None:
    # Tests publish from other processes (builds killed mid-write, the CLI) and look at once; a
    # server looks at the manifest once a second (tests/web/test_published_front.py checks that).
    application.extensions[PUBLISHED_FILES].recheck_seconds = 0


def _sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


@pytest.fixture
def app(settings: dict[str, Any], migrated_template: Template) -> Iterator[Flask]:
    """The application on a migrated, empty SQLite file of this test's own."""
    database = _sqlite_file(settings["DATABASE_URL"])
    if database is not None and not database.exists():
        shutil.copyfile(migrated_template.database, database)
    application = create_app(settings)
    application.config["TESTING"] = True
    _see_every_publish(application)
    yield application
    db.get_session_factory(application).kw["bind"].dispose()


@pytest.fixture
def factory(app: Flask) -> sessionmaker[Session]:
    return db.get_session_factory(app)


@pytest.fixture
def loaded(app: Flask, factory: sessionmaker[Session], loaded_template: Template) -> Flask:
    """The app with the repository's dataset loaded at NOW and its feeds built (copied from the template)."""
    # On PostgreSQL, make_settings made the test's database as a copy of the loaded template.
    copy_template(app, loaded_template)
    return app


def copy_template(app: Flask, template: Template) -> None:
    """Give ``app`` (its store not yet opened) a copy of ``template``'s SQLite file and of its feeds folder."""
    database = _sqlite_file(get_settings(app).database_url)
    if isinstance(template.database, Path):
        assert database is not None, "a template is a SQLite file; fill the store yourself for other databases"
        db.get_session_factory(app).kw["bind"].dispose()  # before the file is replaced
        shutil.copyfile(template.database, database)
    feeds_dir = get_settings(app).feeds_dir
    shutil.rmtree(feeds_dir)
    # Links, not copies: publishing replaces a file (write_atomic) and never writes into one.
    shutil.copytree(template.feeds_dir, feeds_dir, copy_function=os.link)


@pytest.fixture
def client(loaded: Flask) -> FlaskClient:
    """A test client of the loaded app."""
    return loaded.test_client()


@pytest.fixture
def runner(settings: dict[str, Any]) -> CliRunner:
    """A CLI runner whose environment points the commands at the test's folders."""
    env = {f"CALENDAR_{key}": str(value) for key, value in settings.items()}
    return CliRunner(env=env)


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's dataset."""
    target = tmp_path / "events.yaml"
    shutil.copy(DATASET, target)
    return target


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the slow tests first, so that the last minute of a parallel run is not one worker on one of them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
