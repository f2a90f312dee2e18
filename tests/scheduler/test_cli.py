"""``calendar-service anniversaries`` and ``calendar-service run-job``."""

from __future__ import annotations

import datetime as dt

import time_machine
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.cli import main
from calendar_service.models import JobRun, Notice

ANNIVERSARY_NOTICE = Notice.kind.in_(("anniversary_ahead", "anniversary_today"))  # not announced/changed


def test_anniversaries_lists_date_ordinals_and_jubilees(loaded: Flask, runner: CliRunner) -> None:
    result = runner.invoke(main, ["anniversaries", "--today", "2025-05-01", "--days", "1000"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2025-05-15  33rd anniversary   33-я годовщина")
    assert "jubilee" not in lines[0]
    assert lines[0].endswith("Signing of the Collective Security Treaty (1992-05-15)")
    assert lines[2].startswith("2027-05-15  35th anniversary   35-я годовщина   jubilee")


def test_anniversaries_counts_from_today_in_the_service_time_zone(loaded: Flask, runner: CliRunner) -> None:
    # 14 May 22:30 UTC is already 15 May in Moscow.
    with time_machine.travel(dt.datetime(2025, 5, 14, 22, 30, tzinfo=dt.UTC), tick=False):
        result = runner.invoke(main, ["anniversaries", "--days", "0"])
    assert result.output.startswith("2025-05-15  33rd anniversary")
    empty = runner.invoke(main, ["anniversaries", "--today", "2025-05-16", "--days", "30"])
    assert empty.output == "no anniversaries between 2025-05-16 and 2025-06-15\n"


def test_anniversaries_refuses_a_bad_date(loaded: Flask, runner: CliRunner) -> None:
    result = runner.invoke(main, ["anniversaries", "--today", "2025-02-30"])
    assert result.exit_code == 2
    assert "'2025-02-30' is not a date of the form YYYY-MM-DD" in result.output


def test_run_job_anniversaries_issues_a_days_notices_once(
    loaded: Flask, factory: sessionmaker[Session], runner: CliRunner
) -> None:
    first = runner.invoke(main, ["run-job", "anniversaries", "--today", "2025-05-08"])
    assert first.exit_code == 0, first.output
    assert first.output == ("anniversaries: swept 2025-05-08: issued 1 of 1 due notice\n"
                            "  2025-05-08: issued 1 notice\n")
    again = runner.invoke(main, ["run-job", "anniversaries", "--today", "2025-05-08"])
    assert again.output == "anniversaries: swept 2025-05-08: issued 0 of 1 due notice\n"
    with db.transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Notice).where(ANNIVERSARY_NOTICE)) == 1
        row = session.get(JobRun, "anniversaries")
        assert row is not None
        assert row.run_count == 2


def test_run_job_regenerate(loaded: Flask, runner: CliRunner) -> None:
    result = runner.invoke(main, ["run-job", "regenerate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("regenerate: rendered store revision ")


def test_run_job_refuses_an_unknown_job(loaded: Flask, runner: CliRunner) -> None:
    result = runner.invoke(main, ["run-job", "reindex"])
    assert result.exit_code == 2
    assert "'reindex' is not one of" in result.output


def test_run_job_refuses_a_day_that_has_not_come(loaded: Flask, runner: CliRunner) -> None:
    with time_machine.travel(dt.datetime(2025, 5, 7, 21, 30, tzinfo=dt.UTC), tick=False):  # 8 May in Moscow
        today = runner.invoke(main, ["run-job", "anniversaries", "--today", "2025-05-08"])
        future = runner.invoke(main, ["run-job", "anniversaries", "--today", "2025-05-09"])
    assert today.exit_code == 0, today.output
    assert future.exit_code == 1
    assert "Error: 2025-05-09 has not come yet in Europe/Moscow; its notices are issued on the day" in future.output
