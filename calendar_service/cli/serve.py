"""``serve`` (web and scheduler in one process) and ``scheduler`` (the scheduler alone)."""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import sys
import threading
import types
from pathlib import Path
from typing import TYPE_CHECKING

import click

from calendar_service import clock
from calendar_service.cli import service_command, settings_from
from calendar_service.cli.store import open_store
from calendar_service.errors import CalendarServiceError, ConfigurationError, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from calendar_service.config import Settings
    from calendar_service.scheduler.runner import SchedulerLeader

__all__ = ["scheduler_command", "serve_command"]

log = logging.getLogger(__name__)


class SchedulerLockLost(CalendarServiceError):
    """The scheduler's lock went away (its database connection died): exit, to be restarted."""


def prepare(context: click.Context, *, base_url: str | None = None) -> tuple[sessionmaker[Session], Settings]:
    """Check the folders, migrate, load the dataset into an empty store and render the feeds once.

    ``base_url``, when given, replaces CALENDAR_BASE_URL in the settings returned.
    """
    from calendar_service.db import transaction
    from calendar_service.ingest.dataset import dataset_paths
    from calendar_service.notices.issue import announce_unannounced
    from calendar_service.publish.build import build_feeds
    from calendar_service.publish.files import check_feeds_dir
    from calendar_service.store.queries import count_events
    from calendar_service.store.writer import mark_changed

    settings = settings_from(context)
    if base_url is not None:
        settings = dataclasses.replace(settings, base_url=base_url)
    data_dir = settings.data_dir
    if not data_dir.is_dir():
        raise ConfigurationError(f"the data folder {data_dir.resolve()} does not exist (CALENDAR_DATA_DIR)")
    check_feeds_dir(settings.feeds_dir)
    factory = open_store(context)
    with transaction(factory) as session:
        empty = count_events(session) == 0
    if empty:
        paths, missing = dataset_paths(data_dir, settings.dataset)
        for entry in missing:
            log.warning("the dataset entry %r (CALENDAR_DATASET) names no file in %s", entry, data_dir)
        if paths:
            _load_into_empty_store(factory, paths)
        else:
            log.warning("the store is empty and there is no dataset in %s", data_dir)
    with transaction(factory) as session:
        if announce_unannounced(session):
            mark_changed(session, clock.now())
    build_feeds(factory, settings, now=clock.now())
    return factory, settings


def _load_into_empty_store(factory: sessionmaker[Session], paths: list[Path]) -> None:
    # Two processes started together on a fresh database both find it empty; the one that loses
    # the race fails on the unique keys or on SQLite's lock, and finds the dataset loaded.
    from sqlalchemy.exc import IntegrityError

    from calendar_service.db import transaction
    from calendar_service.ingest.dataset import load_datasets
    from calendar_service.store.queries import count_events

    dataset = ", ".join(str(path) for path in paths)
    try:
        result = load_datasets(factory, paths, now=clock.now())
    except (ConfigurationError, InvalidInput, IntegrityError):
        with transaction(factory) as session:
            if count_events(session) == 0:
                raise
        log.info("another process loaded %s meanwhile", dataset)
        return
    log.info("loaded %s into the empty store: %s", dataset, result.summary())


def _say(message: str) -> None:
    click.echo(message)


def _stop_on_sigterm() -> None:
    def stop(_signum: int, _frame: types.FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _request_stop_on_sigterm(leader: SchedulerLeader) -> None:
    # A handler runs between two bytecodes of the main thread, perhaps while it holds a lock the
    # stop needs (the lock's own guard, a database connection mid-query): raising there can leave
    # the process unable to finish. A thread of its own asks for the stop and waits its turn.
    def stop(_signum: int, _frame: types.FrameType | None) -> None:
        threading.Thread(target=leader.request_stop, name="sigterm", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Request threads.")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="Write one line per request to standard output (combined log format).")
@click.pass_context
@service_command
def serve_command(context: click.Context, host: str, port: int, threads: int, access_log: bool) -> None:
    """Serve the feeds and the API, with the scheduler running in the same process.

    Without CALENDAR_BASE_URL the feeds link to the address the server listens on.
    """
    from waitress.server import create_server

    from calendar_service import create_app
    from calendar_service.cli.listen import AccessLog, bind, link_base_url
    from calendar_service.scheduler.runner import SchedulerLeader

    settings_from(context)  # logging is configured before the first line is logged
    listener = bind(host, port)
    port = listener.getsockname()[1]  # the one the system chose for --port 0
    try:
        base_url, note = link_base_url(os.environ.get("CALENDAR_BASE_URL"), host, port)
        if note:
            log.warning("%s", note)
        factory, settings = prepare(context, base_url=base_url)
        app = create_app(settings)
        if access_log:
            # Flask's documented way to wrap the app in WSGI middleware; mypy refuses assigning a method.
            app.wsgi_app = AccessLog(app.wsgi_app, _access_logger())  # type: ignore[method-assign]
        leader = SchedulerLeader(factory, settings, on_standby=_say, on_lead=_say)
        server = create_server(app, sockets=[listener], threads=threads, ident="calendar-service")
    except BaseException:
        listener.close()
        raise
    address = f"http://{host}:{port}"
    click.echo(f"calendar-service {address}/  calendar: webcal://{host}:{port}/calendar.ics"
               f"  feed: {address}/feed.atom  links: {base_url}/")
    _stop_on_sigterm()
    leader.start_background()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        leader.stop()
        server.close()


def _access_logger() -> logging.Logger:
    # Standard output, message only, like gunicorn's `--access-logfile -`; the service's own log
    # lines stay on standard error.
    logger = logging.getLogger("calendar_service.access")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    return logger


@click.command("scheduler")
@click.pass_context
@service_command
def scheduler_command(context: click.Context) -> None:
    """Run the scheduler alone, in the foreground (the Procfile's clock process)."""
    from calendar_service.scheduler.runner import SchedulerLeader

    factory, settings = prepare(context)
    leader = SchedulerLeader(factory, settings, on_standby=_say, on_lead=_say)
    _request_stop_on_sigterm(leader)
    click.echo(f"calendar-service scheduler (pid {os.getpid()}); stop it with Ctrl-C")
    try:
        leader.run_blocking()
    except KeyboardInterrupt:
        pass
    finally:
        leader.stop()
    if leader.lost_lock:
        raise SchedulerLockLost("the scheduler lost its lock and stopped; restart it to stand by again")

