"""``anniversaries`` (what is coming) and ``run-job`` (one scheduled job, once, now)."""

from __future__ import annotations

import datetime as dt

import click

from calendar_service import clock
from calendar_service.cli import service_command, settings_from
from calendar_service.cli.store import open_store
from calendar_service.scheduler import ANNIVERSARY_JOB, DELIVER_JOB, FETCH_JOB, JOB_NAMES

__all__ = ["anniversaries_command", "run_job_command"]


class _Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date of the form YYYY-MM-DD", param, ctx)


DAY = _Day()


@click.command("anniversaries")
@click.option("--today", type=DAY, help="Count from this day instead of today (in CALENDAR_TIMEZONE).")
@click.option("--days", default=365, show_default=True, type=click.IntRange(0, 36600),
              help="How many days ahead to look.")
@click.pass_context
@service_command
def anniversaries_command(context: click.Context, today: dt.date | None, days: int) -> None:
    """List the upcoming anniversaries: date, ordinal (English and Russian), jubilee mark."""
    from calendar_service.db import transaction
    from calendar_service.notices.sweep import list_anniversaries

    settings = settings_from(context)
    first = today or clock.today(settings.timezone)
    last = first + dt.timedelta(days=days)
    with transaction(open_store(context)) as session:
        found = list_anniversaries(session, first, last)
        lines = [
            f"{anniversary.day}  {anniversary.ordinal_en + ' anniversary':<18} "
            f"{anniversary.ordinal_ru + ' годовщина':<15}{'  jubilee' if anniversary.is_jubilee else ' ' * 9}  "
            f"{event.title} ({event.start_date})"
            for anniversary, event in found
        ]
    if not lines:
        click.echo(f"no anniversaries between {first} and {last}")
    for line in lines:
        click.echo(line)


@click.command("run-job")
@click.argument("job", type=click.Choice(sorted(JOB_NAMES)))
@click.option("--today", type=DAY,
              help="Run as the scheduler would on this day (anniversaries: sweep up to and including it).")
@click.pass_context
@service_command
def run_job_command(context: click.Context, job: str, today: dt.date | None) -> None:
    """Run one scheduled job once, now, recorded like a scheduled run."""
    from calendar_service.scheduler.jobs import describe_build, run_job

    settings = settings_from(context)
    factory = open_store(context)
    result = run_job(factory, settings, job, today=today)
    if job == ANNIVERSARY_JOB:
        click.echo(f"{job}: {result.summary()}")
        for day in result.days:
            if day.issued:
                click.echo(f"  {day.day}: issued {len(day.issued)} notice{'s' if len(day.issued) != 1 else ''}")
        if result.issued:
            # No scheduler may be polling for the change: publish the notices now.
            run_job(factory, settings, "regenerate-on-change")
    elif job == FETCH_JOB:
        click.echo(f"{job}: {result.summary()}")
        for source in result.sources:
            click.echo(f"  {source.summary()}")
        if any(source.created for source in result.sources):
            run_job(factory, settings, "regenerate-on-change")
    elif job == DELIVER_JOB:
        click.echo(f"{job}: {result.summary()}")
    else:
        click.echo(f"{job}: {describe_build(result)}")

