"""The anniversary sweep issues every notice once: across days, restarts, double runs, concurrent
runs, downtime and a crash between issuing and committing. Time moves with time-machine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.config import Settings, load_settings
from calendar_service.ingest.dataset import load_dataset, read_dataset
from calendar_service.models import JobRun, Notice
from calendar_service.notices import sweep as notices
from calendar_service.notices.sweep import due_day
from calendar_service.scheduler.jobs import run_job
from calendar_service.store.writer import upsert_records
from tests.conftest import DATASET, NOW

ANNIVERSARY_NOTICE = Notice.kind.in_(("anniversary_ahead", "anniversary_today"))  # not announced/changed

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def moscow(day: int, hour: int = 6, minute: int = 0, month: int = 5, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


@pytest.fixture
def make_store(make_settings: Callable[..., dict[str, Any]]) -> Callable[..., tuple[sessionmaker[Session], Settings]]:
    """Return a factory of (session factory, settings) for the test's database with the dataset loaded.

    Each call opens a new engine, as a restarted process would.
    """
    loaded: list[bool] = []

    def make(**overrides: Any) -> tuple[sessionmaker[Session], Settings]:
        settings = load_settings(make_settings(**overrides), environ={})
        factory = db.make_session_factory(settings.database_url)
        db.migrate(factory)
        if not loaded:
            load_dataset(factory, DATASET, now=NOW)
            loaded.append(True)
        return factory, settings

    return make


def issued(factory: sessionmaker[Session]) -> list[tuple[str, int, int, dt.datetime]]:
    with db.transaction(factory) as session:
        rows = session.scalars(select(Notice).where(ANNIVERSARY_NOTICE).order_by(Notice.id)).all()
        return [(row.kind, row.occurrence_year, row.lead_days, row.issued_dt) for row in rows]


def watermark(factory: sessionmaker[Session]) -> dt.date | None:
    with db.transaction(factory) as session:
        row = session.get(JobRun, "anniversaries")
        return None if row is None else row.watermark_date


def sweep_at(when: dt.datetime, factory: sessionmaker[Session], settings: Settings, **kwargs: Any) -> Any:
    with time_machine.travel(when, tick=False):
        return run_job(factory, settings, "anniversaries", **kwargs)


def test_due_day_turns_at_daily_at_in_the_service_time_zone() -> None:
    assert due_day(moscow(8, 5, 59), zoneinfo.ZoneInfo("Europe/Moscow"), dt.time(6, 0)) == dt.date(2025, 5, 7)
    assert due_day(moscow(8, 6, 0), zoneinfo.ZoneInfo("Europe/Moscow"), dt.time(6, 0)) == dt.date(2025, 5, 8)
    # 8 May 23:30 in Moscow is still 8 May 20:30 UTC; 9 May 00:30 in Moscow is 8 May in UTC.
    assert due_day(moscow(9, 0, 30), zoneinfo.ZoneInfo("Europe/Moscow"), dt.time(0, 0)) == dt.date(2025, 5, 9)
    assert due_day(moscow(9, 0, 30), zoneinfo.ZoneInfo("UTC"), dt.time(0, 0)) == dt.date(2025, 5, 8)


@pytest.mark.slow
def test_the_notices_for_15_may_are_issued_on_8_and_15_may_once_across_restarts_and_double_runs(
    make_store: Callable[..., tuple[sessionmaker[Session], dict[str, Any]]],
) -> None:
    for day in range(1, 21):
        for when in (moscow(day, 6, 0), moscow(day, 6, 0), moscow(day, 13, 30)):
            factory, settings = make_store()  # a restarted process each time
            sweep_at(when, factory, settings)
            factory.kw["bind"].dispose()
    factory, _ = make_store()
    assert issued(factory) == [
        ("anniversary_ahead", 2025, 7, moscow(8).astimezone(dt.UTC)),
        ("anniversary_today", 2025, 0, moscow(15).astimezone(dt.UTC)),
    ]
    assert watermark(factory) == dt.date(2025, 5, 20)


def test_notices_are_stored_with_their_text(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    sweep_at(moscow(8), factory, settings)
    with db.transaction(factory) as session:
        notice = session.scalars(select(Notice).where(ANNIVERSARY_NOTICE)).one()
        assert notice.kind == "anniversary_ahead"
        assert notice.event.key == "news:anniversary:1992-05-15"
        assert (notice.occurrence_year, notice.lead_days, notice.event_sequence) == (2025, 7, 0)
        assert notice.title == ("In 7 days: 33rd anniversary of the signing of the Collective Security Treaty "
                                "(15 May 1992)")
        assert notice.title_ru.startswith("Через 7 дней: 33-я годовщина подписания Договора")
        assert notice.summary.startswith("Thursday, 15 May 2025, marks the 33rd anniversary")
        assert notice.summary_ru.startswith("15 мая 2025 г. (четверг) — 33-я годовщина")
        assert notice.details["ordinal"] == "33rd"
        assert notice.details["ordinal_ru"] == "33-я"
        assert notice.details["event_uid"] == notice.event.uid
        assert notice.issued_dt == notice.updated_dt == moscow(8).astimezone(dt.UTC)


def test_a_day_is_not_swept_before_daily_at(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    sweep_at(moscow(7, 12), factory, settings)
    sweep_at(moscow(8, 5, 59), factory, settings)
    assert issued(factory) == []
    assert watermark(factory) == dt.date(2025, 5, 7)
    sweep_at(moscow(8, 6, 0), factory, settings)
    assert [kind for kind, *_ in issued(factory)] == ["anniversary_ahead"]


def test_daily_at_and_time_zone_are_settings(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store(DAILY_AT="09:30", TIMEZONE="Asia/Almaty")
    almaty = zoneinfo.ZoneInfo("Asia/Almaty")
    sweep_at(dt.datetime(2025, 5, 7, 12, tzinfo=almaty), factory, settings)
    sweep_at(dt.datetime(2025, 5, 8, 9, 29, tzinfo=almaty), factory, settings)
    assert issued(factory) == []
    sweep_at(dt.datetime(2025, 5, 8, 9, 30, tzinfo=almaty), factory, settings)
    assert len(issued(factory)) == 1


def test_a_service_down_at_six_issues_the_days_notices_when_it_comes_back(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    sweep_at(moscow(14, 6), factory, settings)
    sweep_at(moscow(15, 9), factory, settings)  # down from before 06:00 to 09:00
    assert issued(factory) == [("anniversary_today", 2025, 0, moscow(15, 9).astimezone(dt.UTC))]


def test_three_days_down_issues_each_days_notices_once_in_order(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store(ANNIVERSARY_LEADS="7,1")
    for day in range(1, 13):
        sweep_at(moscow(day), factory, settings)
    assert [(kind, lead) for kind, _, lead, _ in issued(factory)] == [("anniversary_ahead", 7)]
    # Down on 13, 14 and 15 May; back on 15 May at 10:00.
    result = sweep_at(moscow(15, 10), factory, settings)
    assert [day.day for day in result.days] == [dt.date(2025, 5, 13), dt.date(2025, 5, 14), dt.date(2025, 5, 15)]
    assert [len(day.issued) for day in result.days] == [0, 1, 1]
    assert [(kind, lead) for kind, _, lead, _ in issued(factory)] == [
        ("anniversary_ahead", 7), ("anniversary_ahead", 1), ("anniversary_today", 0),
    ]
    again = sweep_at(moscow(15, 11), factory, settings)
    assert again.days == ()
    assert len(issued(factory)) == 3


def test_catch_up_is_bounded_by_catch_up_days(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store(CATCH_UP_DAYS="3")
    sweep_at(moscow(1), factory, settings)
    result = sweep_at(moscow(16, 7), factory, settings)
    assert [day.day for day in result.days] == [dt.date(2025, 5, 14), dt.date(2025, 5, 15), dt.date(2025, 5, 16)]
    assert result.skipped == 12
    assert [kind for kind, *_ in issued(factory)] == ["anniversary_today"]


def test_the_first_sweep_ever_starts_at_the_due_day(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    result = sweep_at(moscow(20), factory, settings)
    assert [day.day for day in result.days] == [dt.date(2025, 5, 20)]
    assert issued(factory) == []


def test_run_job_today_sweeps_that_day_even_if_done_and_never_twice(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    sweep_at(moscow(20), factory, settings)
    first = sweep_at(moscow(20, 7), factory, settings, today=dt.date(2025, 5, 8))
    second = sweep_at(moscow(20, 8), factory, settings, today=dt.date(2025, 5, 8))
    assert [len(day.issued) for day in first.days] == [1]
    assert [(len(day.issued), day.due) for day in second.days] == [(0, 1)]
    assert len(issued(factory)) == 1
    assert watermark(factory) == dt.date(2025, 5, 20)  # an operator's re-run never moves it back


def test_a_crash_between_issuing_and_committing_stores_nothing_and_the_next_run_issues_once(
    make_store: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    factory, settings = make_store()
    sweep_at(moscow(7), factory, settings)

    def crash(row: JobRun, day: dt.date) -> None:
        with db.transaction(factory) as other:  # the notice is in the open transaction only
            assert other.scalars(select(Notice).where(ANNIVERSARY_NOTICE)).all() == []
        raise RuntimeError("killed after the insert, before the commit")

    with monkeypatch.context() as patch:
        patch.setattr(notices, "advance_watermark", crash)
        with pytest.raises(RuntimeError, match="before the commit"):
            sweep_at(moscow(8), factory, settings)
    assert issued(factory) == []
    assert watermark(factory) == dt.date(2025, 5, 7)
    with db.transaction(factory) as session:
        run = session.get(JobRun, "anniversaries")
        assert run is not None
        assert run.last_result == "failed"
        assert run.last_error == "RuntimeError: killed after the insert, before the commit"

    sweep_at(moscow(8, 6, 5), factory, settings)
    sweep_at(moscow(8, 6, 10), factory, settings)
    assert issued(factory) == [("anniversary_ahead", 2025, 7, moscow(8, 6, 5).astimezone(dt.UTC))]


def test_concurrent_sweeps_in_separate_connections_issue_each_notice_once(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store(ANNIVERSARY_LEADS="30,7,1", CATCH_UP_DAYS="60")
    sweep_at(moscow(1, 7, month=4), factory, settings)
    stores = [make_store(ANNIVERSARY_LEADS="30,7,1", CATCH_UP_DAYS="60") for _ in range(4)]
    start = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def run(store: tuple[sessionmaker[Session], dict[str, Any]]) -> None:
        try:
            start.wait()
            notices.sweep_anniversaries(store[0], store[1], now=moscow(16, 7).astimezone(dt.UTC))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [(kind, lead) for kind, _, lead, _ in issued(factory)] == [
        ("anniversary_ahead", 30), ("anniversary_ahead", 7), ("anniversary_ahead", 1), ("anniversary_today", 0),
    ]


def test_a_notice_issued_by_another_process_meanwhile_is_not_issued_again(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    sweep_at(moscow(7), factory, settings)
    with db.transaction(factory) as session:  # another process issued it and committed, before our read
        events = notices._commemorated(session)
        rows = notices.draft_anniversary_notices(events, dt.date(2025, 5, 8), (7,))
        assert len(notices.issue_notices(session, rows, now=moscow(8).astimezone(dt.UTC))) == 1
    result = sweep_at(moscow(8, 6, 1), factory, settings)
    assert [(len(day.issued), day.due) for day in result.days] == [(0, 1)]
    assert len(issued(factory)) == 1


def test_jubilee_anniversaries_are_flagged(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store()
    sweep_at(moscow(15, 6, year=2027), factory, settings)
    with db.transaction(factory) as session:
        notice = session.scalars(select(Notice).where(ANNIVERSARY_NOTICE)).one()
        assert notice.title == ("Today marks the 35th anniversary (jubilee) of the signing of the Collective "
                                "Security Treaty (15 May 1992)")
        assert notice.details["jubilee"] is True
        assert notice.details["number"] == 35


def test_upcoming_anniversaries_are_listed_in_date_order(make_store: Callable[..., Any]) -> None:
    factory, _ = make_store()
    with db.transaction(factory) as session:
        found = notices.list_anniversaries(session, dt.date(2025, 1, 1), dt.date(2027, 12, 31))
        assert [(a.day, a.number, a.is_jubilee, e.key) for a, e in found] == [
            (dt.date(2025, 5, 15), 33, False, "news:anniversary:1992-05-15"),
            (dt.date(2026, 5, 15), 34, False, "news:anniversary:1992-05-15"),
            (dt.date(2027, 5, 15), 35, True, "news:anniversary:1992-05-15"),
        ]


def test_deliveries_are_filled_in_the_transaction_that_issues_the_notices(make_store: Callable[..., Any]) -> None:
    factory, settings = make_store(ANNIVERSARY_LEADS="7,1")
    sweep_at(moscow(13), factory, settings)
    filled: list[tuple[int, str]] = []

    def fill_outbox(session: Session, ids: Any) -> None:
        for notice in session.scalars(select(Notice).where(Notice.id.in_(ids)).order_by(Notice.id)):
            filled.append((notice.id, notice.kind))  # the notices are visible in this transaction
        if len(filled) > 1:
            raise RuntimeError("the mail relay refused the outbox row")

    now = moscow(15, 7).astimezone(dt.UTC)
    with pytest.raises(RuntimeError, match="mail relay"):
        notices.sweep_anniversaries(factory, settings, now=now, on_issued=fill_outbox)
    # 14 May was committed with its delivery; 15 May rolled back with its own.
    assert [(kind, lead) for kind, _, lead, _ in issued(factory)] == [("anniversary_ahead", 1)]
    assert watermark(factory) == dt.date(2025, 5, 14)
    assert [kind for _, kind in filled] == ["anniversary_ahead", "anniversary_today"]


def test_an_event_of_29_february_is_commemorated_on_28_february_in_common_years(
    make_store: Callable[..., Any],
) -> None:
    factory, settings = make_store()
    treaty = next(r for r in read_dataset(DATASET) if r.key == "news:anniversary:1992-05-15")
    leap = dataclasses.replace(treaty, key="leap-day-founding", uid=None, title="Founding of the Leap Day Council",
                               title_ru="Основание Совета високосного дня", start=dt.date(2000, 2, 29),
                               end=dt.date(2000, 2, 29))
    with db.transaction(factory) as session:
        upsert_records(session, [leap], now=NOW)
    sweep_at(moscow(20, month=2), factory, settings)
    sweep_at(moscow(28, month=2), factory, settings)
    with db.transaction(factory) as session:
        found = session.scalars(select(Notice).where(ANNIVERSARY_NOTICE).order_by(Notice.id)).all()
        assert [(n.kind, n.details["anniversary_date"], n.details["due_date"]) for n in found] == [
            ("anniversary_ahead", "2025-02-28", "2025-02-21"),
            ("anniversary_today", "2025-02-28", "2025-02-28"),
        ]
        assert found[1].title == ("Today marks the 25th anniversary (jubilee) of the founding of the Leap Day "
                                  "Council (29 February 2000)")
        assert found[1].title_ru == ("Сегодня 25-я годовщина (юбилей) основания Совета високосного дня "
                                     "(29 февраля 2000 г.)")
