"""Shared fixtures: settings in tmp_path, a real SQLite file, the app, its client and the CLI.

Fixtures chain app → client → runner, as in Flask's own tests. A guard refuses any network
connection outside the loopback range.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import create_app, db
from calendar_service.ingest.dataset import load_dataset
from calendar_service.publish.build import build_feeds

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


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own CALENDAR_* settings out of the tests."""
    import os

    for name in list(os.environ):
        if name.startswith("CALENDAR_"):
            monkeypatch.delenv(name)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """Return a factory of settings pointing at fresh folders and a SQLite file in tmp_path."""

    def make(**overrides: Any) -> dict[str, Any]:
        data_dir = tmp_path / "data"
        feeds_dir = tmp_path / "feeds"
        data_dir.mkdir(exist_ok=True)
        feeds_dir.mkdir(exist_ok=True)
        settings = {
            "DATA_DIR": str(data_dir),
            "FEEDS_DIR": str(feeds_dir),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'calendar.db'}",
            "BASE_URL": "https://calendar.example.org",
        }
        settings.update(overrides)
        return settings

    return make


@pytest.fixture
def settings(make_settings: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return make_settings()


@pytest.fixture
def app(settings: dict[str, Any]) -> Flask:
    application = create_app(settings)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def factory(app: Flask) -> sessionmaker[Session]:
    return db.get_session_factory(app)


@pytest.fixture
def loaded(app: Flask, factory: sessionmaker[Session]) -> Flask:
    """The app with the repository's dataset loaded and its feeds built."""
    load_dataset(factory, DATASET, now=NOW)
    build_feeds(factory, app.config, now=NOW)
    return app


@pytest.fixture
def client(loaded: Flask) -> FlaskClient:
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
