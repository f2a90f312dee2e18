"""On PostgreSQL: the schema, the sweep under concurrency, and the advisory scheduler lock."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.config import Settings, load_settings
from calendar_service.ingest.dataset import load_dataset
from calendar_service.locks import ADVISORY_KEYS, AdvisoryLock, database_lock
from calendar_service.models import Notice
from calendar_service.notices import sweep as notices
from calendar_service.scheduler.runner import SchedulerLeader
from tests.conftest import DATASET, NOW
from tests.pg import Engines

ANNIVERSARY_NOTICE = Notice.kind.in_(("anniversary_ahead", "anniversary_today"))  # not announced/changed

pytestmark = pytest.mark.postgresql

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
#: The connections holding an advisory lock in this test's database (the server may hold others').
LOCK_HOLDERS = ("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")


@pytest.fixture
def make_store(
    migrated_postgres_url: str, pg_engines: Engines
) -> Callable[..., tuple[sessionmaker[Session], Settings]]:
    """A factory of (session factory, settings) on the test's migrated database; connections closed after."""

    def make(**overrides: str) -> tuple[sessionmaker[Session], Settings]:
        settings = load_settings({"DATABASE_URL": migrated_postgres_url, **overrides}, environ={})
        factory = pg_engines.session_factory(migrated_postgres_url)
        assert not db.migrate(factory)  # already at the newest schema: a copy of the session's template
        return factory, settings

    return make


def _wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll ``condition`` (state the server or a timer thread changes, with no event to await)."""
    pause = threading.Event()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        pause.wait(0.05)
    raise AssertionError(f"timed out waiting for {what}")


MakeStore = Callable[..., tuple[sessionmaker[Session], Settings]]


def test_concurrent_sweeps_issue_each_notice_once(make_store: MakeStore) -> None:
    factory, settings = make_store(ANNIVERSARY_LEADS="7,1")
    load_dataset(factory, DATASET, now=NOW)
    notices.sweep_anniversaries(factory, settings, now=dt.datetime(2025, 5, 1, 7, tzinfo=MOSCOW))
    stores = [make_store(ANNIVERSARY_LEADS="7,1") for _ in range(4)]
    start = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def run(factory: sessionmaker[Session], settings: Settings) -> None:
        try:
            start.wait()
            notices.sweep_anniversaries(factory, settings, now=dt.datetime(2025, 5, 16, 7, tzinfo=MOSCOW))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=store) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with db.transaction(factory) as session:
        query = select(Notice.kind, Notice.lead_days).where(ANNIVERSARY_NOTICE).order_by(Notice.id)
        kinds = session.execute(query).all()
    assert [tuple(row) for row in kinds] == [("anniversary_ahead", 7), ("anniversary_ahead", 1),
                                             ("anniversary_today", 0)]


def test_a_crash_before_the_commit_stores_nothing(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> None:
    factory, settings = make_store()
    load_dataset(factory, DATASET, now=NOW)
    notices.sweep_anniversaries(factory, settings, now=dt.datetime(2025, 5, 7, 7, tzinfo=MOSCOW))

    def crash(*_args: object) -> None:
        raise RuntimeError("killed before the commit")

    with monkeypatch.context() as patch:
        patch.setattr(notices, "advance_watermark", crash)
        with pytest.raises(RuntimeError):
            notices.sweep_anniversaries(factory, settings, now=dt.datetime(2025, 5, 8, 7, tzinfo=MOSCOW))
    with db.transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Notice).where(ANNIVERSARY_NOTICE)) == 0
    result = notices.sweep_anniversaries(factory, settings, now=dt.datetime(2025, 5, 8, 8, tzinfo=MOSCOW))
    assert result.issued == 1


def test_the_advisory_lock_has_one_holder_and_dies_with_its_connection(pg_engine: Callable[[], Engine]) -> None:
    engines = [pg_engine() for _ in range(3)]
    first = database_lock(engines[0], "scheduler")
    second = database_lock(engines[1], "scheduler")
    assert isinstance(first, AdvisoryLock)
    assert first.acquire()
    assert first.acquire()  # re-entrant for its holder
    assert not second.acquire()
    first.release()
    assert second.acquire()
    assert not first.acquire()

    # The holder's connection dies (its process was killed, the network went): the server lets go.
    with engines[2].connect() as admin:
        pids = admin.execute(text(LOCK_HOLDERS), {"key": ADVISORY_KEYS["scheduler"]}).scalars().all()
        assert len(pids) == 1
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})
        admin.commit()
    assert not second.is_held()
    _wait_until(first.acquire, "the lock to be free after its holder's connection died")
    assert first.is_held()
    first.release()
    second.release()


def test_an_advisory_lock_waits_for_its_holder_at_most_the_timeout(pg_engine: Callable[[], Engine]) -> None:
    holder, waiter = database_lock(pg_engine(), "migrate"), database_lock(pg_engine(), "migrate")
    assert holder.acquire()
    assert not waiter.acquire(timeout=0.2)  # the server gave up waiting (lock_timeout)
    assert not waiter.is_held()
    holder.release()
    assert waiter.acquire(timeout=5)
    assert not holder.acquire()
    waiter.release()


def test_a_background_scheduler_that_loses_its_lock_stands_by_again(
    make_store: MakeStore, migrated_postgres_url: str, pg_engines: Engines
) -> None:
    factory, settings = make_store(LOCK_POLL_SECONDS="1")
    load_dataset(factory, DATASET, now=NOW)
    said: list[str] = []
    leader = SchedulerLeader(factory, settings, on_standby=said.append, on_lead=said.append)
    admin = pg_engines.engine(migrated_postgres_url)
    leader.start_background()
    try:
        assert leader.scheduler is not None
        first = leader.scheduler
        with admin.connect() as connection:
            connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM ({LOCK_HOLDERS}) AS holders"),
                               {"key": ADVISORY_KEYS["scheduler"]})
            connection.commit()
        _wait_until(lambda: leader.lost_lock, "the lock watch to notice")
        # Nobody else holds the lock, so the standby takes it again with a new scheduler.
        _wait_until(lambda: leader.scheduler is not None and leader.scheduler.running, "the lock to be taken again")
        assert leader.scheduler is not first
        assert not first.running
        assert [message.split(":")[0] for message in said] == [
            "holding the scheduler lock (PostgreSQL advisory lock 0x63616c73)", "standby",
            "holding the scheduler lock (PostgreSQL advisory lock 0x63616c73)",
        ]
    finally:
        leader.stop()
