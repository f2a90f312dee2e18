"""The anniversary sweep: issue every notice due on a day, exactly once, catching up after downtime.

A sweep is idempotent: "select what is due, insert what was not issued yet, advance the
watermark, commit". Each notice is keyed by (event, kind, occurrence year, lead, event sequence)
with a unique constraint, and inserted with ``ON CONFLICT DO NOTHING``, so running the sweep
twice, in two processes at once, or again after a crash never issues a notice twice. Each day is
swept in one transaction that also advances the watermark (the last completed day, kept in
``job_runs`` by :mod:`calendar_service.job_runs`): a crash before the commit leaves neither
notices nor watermark, and the next run sweeps that day again. A run after downtime sweeps every
missed day, oldest first.

The insert returns the ids of the notices it issued, so deliveries (an outbox) can be filled in
the same transaction that issues them.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.anniversaries import Anniversary, occurrences
from calendar_service.config import Settings
from calendar_service.dates import Precision
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.job_runs import advance_watermark, claim_job_row, ensure_job_row
from calendar_service.models import Event, Notice, NoticeKind
from calendar_service.scheduler import ANNIVERSARY_JOB
from calendar_service.wording.notices import NoticeText, anniversary_ahead_text, anniversary_today_text

__all__ = [
    "ANNIVERSARY_JOB",
    "DaySweep",
    "OnIssued",
    "SweepResult",
    "draft_anniversary_notices",
    "due_day",
    "issue_notices",
    "list_anniversaries",
    "sweep_anniversaries",
]

log = logging.getLogger(__name__)

_KEY = ("event_id", "kind", "occurrence_year", "lead_days", "event_sequence")


@dataclass(frozen=True)
class DaySweep:
    """One day swept: the notices it issued (ids) and how many were due."""

    day: dt.date
    issued: tuple[int, ...]
    due: int


@dataclass(frozen=True)
class SweepResult:
    """What one run of the sweep did, oldest day first."""

    target: dt.date
    days: tuple[DaySweep, ...]
    skipped: int = 0  #: missed days older than CATCH_UP_DAYS that were not swept

    @property
    def issued(self) -> int:
        return sum(len(day.issued) for day in self.days)

    def summary(self) -> str:
        if not self.days:
            return f"nothing to sweep: every day up to {self.target} is done"
        span = str(self.days[0].day) if len(self.days) == 1 else f"{self.days[0].day}..{self.days[-1].day}"
        due = sum(day.due for day in self.days)
        text = f"swept {span}: issued {self.issued} of {due} due notice{'s' if due != 1 else ''}"
        return text + (f"; {self.skipped} older missed days skipped" if self.skipped else "")


def due_day(now: dt.datetime, timezone: zoneinfo.ZoneInfo, daily_at: dt.time) -> dt.date:
    """Return the last day whose sweep is due at ``now``: today from DAILY_AT on, else yesterday."""
    local = now.astimezone(timezone)
    if (local.hour, local.minute) >= (daily_at.hour, daily_at.minute):
        return local.date()
    return local.date() - dt.timedelta(days=1)


def _commemorated(session: Session) -> Sequence[Event]:
    return session.scalars(
        select(Event)
        .where(Event.is_anniversary.is_(True), Event.precision == Precision.DAY.value, Event.status != "cancelled")
        .order_by(Event.start_date, Event.uid)
    ).all()


def list_anniversaries(session: Session, first: dt.date, last: dt.date) -> list[tuple[Anniversary, Event]]:
    """Return the anniversaries of commemorated events falling between two days, in date order."""
    found = [(anniversary, event) for event in _commemorated(session)
             for anniversary in occurrences(event.start_date, first, last)]
    return sorted(found, key=lambda pair: (pair[0].day, pair[1].uid))


def draft_anniversary_notices(events: Iterable[Event], day: dt.date, leads: Sequence[int]) -> list[dict[str, Any]]:
    """Return the rows of every anniversary notice due on ``day``: the longest lead first, today last."""
    rows: list[dict[str, Any]] = []
    events = list(events)
    for lead in (*sorted(set(leads), reverse=True), 0):
        target = day + dt.timedelta(days=lead)
        for event in events:
            for anniversary in occurrences(event.start_date, target, target):
                text: NoticeText
                if lead:
                    text = anniversary_ahead_text(anniversary, lead, title=event.title, title_ru=event.title_ru,
                                                  event_uid=event.uid)
                else:
                    text = anniversary_today_text(anniversary, title=event.title, title_ru=event.title_ru,
                                                  event_uid=event.uid)
                rows.append({
                    "event_id": event.id,
                    "kind": (NoticeKind.ANNIVERSARY_AHEAD if lead else NoticeKind.ANNIVERSARY_TODAY).value,
                    "occurrence_year": anniversary.day.year,
                    "lead_days": lead,
                    "event_sequence": 0,
                    "title": text.title,
                    "title_ru": text.title_ru,
                    "summary": text.summary,
                    "summary_ru": text.summary_ru,
                    "details": text.details,
                })
    return rows


def issue_notices(session: Session, rows: Sequence[Mapping[str, Any]], *, now: dt.datetime) -> list[int]:
    """Insert the notices not issued yet, inside the caller's transaction; return the new ids.

    A notice already issued (by an earlier run or by another process right now) is left as it
    was: the unique key decides, at the database, never a prior read.
    """
    if not rows:
        return []
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    values = [{**row, "issued_dt": stamp, "updated_dt": stamp} for row in rows]
    dialect = session.get_bind().dialect.name
    if dialect in {"sqlite", "postgresql"}:
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(Notice).values(values).on_conflict_do_nothing(index_elements=list(_KEY))
        return list(session.scalars(statement.returning(Notice.id)).all())
    issued: list[int] = []
    for row in values:  # other databases: one savepoint per notice
        try:
            with session.begin_nested():
                notice = Notice(**row)
                session.add(notice)
            issued.append(notice.id)
        except IntegrityError:
            continue
    return issued


def _next_day(watermark: dt.date | None, target: dt.date, *, forced: bool, catch_up_days: int) -> dt.date | None:
    if watermark is None:
        return target
    if watermark < target:
        return max(watermark + dt.timedelta(days=1), target - dt.timedelta(days=catch_up_days - 1))
    return target if forced else None


#: Called inside the transaction that issues notices, with their ids: where deliveries (an outbox)
#: are filled, so a notice and its deliveries are committed together or not at all.
OnIssued = Callable[[Session, Sequence[int]], None]


def sweep_anniversaries(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: dt.datetime,
    today: dt.date | None = None,
    on_issued: OnIssued | None = None,
) -> SweepResult:
    """Issue the anniversary notices of every day not swept yet, up to the due day, oldest first.

    Args:
        today: sweep up to this day, and this day itself even if it was swept before (operators'
            ``run-job --today``); by default the due day from ``now``, DAILY_AT and TIMEZONE.
        on_issued: called in each day's transaction with the ids of the notices it issued.

    Raises:
        InvalidInput: ``today`` has not come yet: notices are never issued ahead of their day.
    """
    forced = today is not None
    if today is not None and today > now.astimezone(settings.timezone).date():
        raise InvalidInput(f"{today} has not come yet in {settings.timezone.key}; its notices are issued on the day")
    target = today if today is not None else due_day(now, settings.timezone, settings.daily_at)
    leads = settings.anniversary_leads
    ensure_job_row(factory, ANNIVERSARY_JOB)
    swept: list[DaySweep] = []
    skipped = 0
    while True:
        with transaction(factory) as session:
            row = claim_job_row(session, ANNIVERSARY_JOB)
            day = _next_day(row.watermark_date, target, forced=forced, catch_up_days=settings.catch_up_days)
            if day is None:
                break
            if not swept and row.watermark_date is not None and row.watermark_date < day - dt.timedelta(days=1):
                skipped = (day - row.watermark_date).days - 1
                log.warning("anniversaries: %d missed days before %s are older than CATCH_UP_DAYS and not swept",
                            skipped, day)
            rows = draft_anniversary_notices(_commemorated(session), day, leads)
            issued = issue_notices(session, rows, now=now)
            if issued and on_issued is not None:
                on_issued(session, issued)
            advance_watermark(row, day)
        swept.append(DaySweep(day=day, issued=tuple(issued), due=len(rows)))
        if issued:
            log.info("anniversaries: %s: issued %d notices (%d were due)", day, len(issued), len(rows))
        if day >= target:
            break
    return SweepResult(target=target, days=tuple(swept), skipped=skipped)
