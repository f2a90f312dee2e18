"""Issue the notices that follow from writing events: *announced* and *changed*.

Called by :mod:`calendar_service.store.writer` inside the transaction that writes the event, so an
event, the notice about it and the notice's deliveries to subscribers (the outbox,
:mod:`calendar_service.delivery.outbox`) are committed together or not at all. This module decides
what is news; :mod:`calendar_service.wording.notices` words it. A notice's text is composed once,
as it is issued, and kept: feeds render the stored text and never re-derive it, so an entry does
not change when the event changes again later (that later change gets a notice of its own).

Which updates are news: a change of dates or precision, of a known place (city or country; a
place filled in where none was known is not a move) or of status.
Anything else (a typo fixed in a summary, a body added) bumps the event's sequence but issues
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendar_service.dates import Precision
from calendar_service.delivery.outbox import queue_notice_deliveries
from calendar_service.models import Event, Notice, NoticeKind
from calendar_service.wording import en, ru
from calendar_service.wording.names import NO_NAMES, RussianNames
from calendar_service.wording.notices import Change, NoticeText, announced_text, changed_text

__all__ = ["EventSnapshot", "announce_unannounced", "issue_announced", "issue_changed", "snapshot"]

@dataclass(frozen=True)
class EventSnapshot:
    """The newsworthy facts of an event at one moment, compared before and after an update."""

    start: dt.date
    end: dt.date
    precision: str
    dates: str
    dates_ru: str
    city: str | None
    country: str | None
    place: str
    place_ru: str
    status: str


def snapshot(event: Event, names: RussianNames = NO_NAMES) -> EventSnapshot:
    """Take the newsworthy facts of ``event`` as they are now."""
    return EventSnapshot(event.start_date, event.end_date, event.precision, en.describe_dates(event),
                         ru.describe_dates(event), event.city, event.country, en.describe_location(event),
                         ru.describe_location(event, names), event.status)


def _facts(event: Event) -> dict[str, object]:
    return {
        "dates": en.describe_dates(event),
        "place": en.describe_location(event),
        "status": event.status,
        "category": event.category,
        "bodies": list(event.bodies),
        "countries": list(event.countries),
        "source_url": event.source_url,
    }


def _notice(event: Event, kind: NoticeKind, text: NoticeText, *, sequence: int, now: dt.datetime) -> Notice:
    return Notice(event=event, kind=kind.value, occurrence_year=0, lead_days=0, event_sequence=sequence,
                  title=text.title, summary=text.summary, title_ru=text.title_ru, summary_ru=text.summary_ru,
                  details=text.details, issued_dt=now, updated_dt=now)


def issue_announced(session: Session, events: Sequence[Event], *, now: dt.datetime,
                    names: RussianNames = NO_NAMES) -> list[Notice]:
    """Add the *announced* notice of each newly stored event of ``events`` (event sequence 0), in order.

    Their deliveries are queued together: one look at the subscriptions for the whole batch.
    """
    notices = []
    for event in events:
        text = announced_text(
            title=event.title, title_ru=ru.title(event), summary=event.summary, summary_ru=event.summary_ru or "",
            dates=en.describe_dates(event), dates_ru=ru.describe_dates(event),
            place=en.describe_location(event), place_ru=ru.describe_location(event, names), details=_facts(event),
        )
        notice = _notice(event, NoticeKind.ANNOUNCED, text, sequence=0, now=now)
        session.add(notice)
        notices.append(notice)
    queue_notice_deliveries(session, notices, now=now)
    return notices


def _headline(before: EventSnapshot, after: EventSnapshot) -> str:
    """Which change leads the notice: a key of :data:`calendar_service.wording.notices.HEADLINES`."""
    dates_changed = (before.start, before.end, before.precision) != (after.start, after.end, after.precision)
    if after.status != before.status and after.status in {"cancelled", "postponed"}:
        return after.status
    if dates_changed:
        narrowed = (Precision(after.precision) is not Precision(before.precision)
                    and before.start <= after.start and after.end <= before.end)
        return "date_set" if narrowed else "rescheduled"
    if (before.city, before.country) != (after.city, after.country):
        return "moved"
    if after.status == "planned" and before.status in {"cancelled", "postponed"}:
        return "reinstated"
    return after.status


def _changes(before: EventSnapshot, after: EventSnapshot) -> list[Change]:
    changes: list[Change] = []
    if (before.start, before.end, before.precision) != (after.start, after.end, after.precision):
        changes.append(Change("dates", before.dates, after.dates, before.dates_ru, after.dates_ru))
    # A place that was not known and now is (or a city added to a known country) is filled in,
    # not moved: only a known part of the place that changes or goes is news.
    if any(was is not None and was != now for was, now in ((before.city, after.city), (before.country, after.country))):
        changes.append(Change("place", before.place or "not known", after.place or "not known",
                              before.place_ru or "не известно", after.place_ru or "не известно"))
    if before.status != after.status:
        changes.append(Change("status", before.status, after.status))
    return changes


def issue_changed(session: Session, event: Event, before: EventSnapshot, *, now: dt.datetime,
                  names: RussianNames = NO_NAMES) -> Notice | None:
    """Add the *changed* notice for an update of ``event`` from ``before``, if the update is news.

    Returns:
        The notice, or None when neither dates, precision, place nor status changed.
    """
    after = snapshot(event, names)
    changes = _changes(before, after)
    if not changes:
        return None
    text = changed_text(_headline(before, after), changes, title=event.title, title_ru=ru.title(event),
                        dates=after.dates, dates_ru=after.dates_ru, details=_facts(event))
    notice = _notice(event, NoticeKind.CHANGED, text, sequence=event.sequence, now=now)
    session.add(notice)
    queue_notice_deliveries(session, [notice], now=now)
    return notice


def announce_unannounced(session: Session) -> int:
    """Announce every event that has no notice at all (a store written before notices existed).

    The notice is dated when the event was first stored (``created_dt``), not "now", so the
    backfill is deterministic and sorts where the announcement belongs; running it again finds
    nothing to do.

    Returns:
        How many events were announced.
    """
    unannounced = session.scalars(
        select(Event).where(~select(Notice.id).where(Notice.event_id == Event.id).exists()).order_by(Event.id)
    ).all()
    for event in unannounced:
        issue_announced(session, [event], now=event.created_dt)
    return len(unannounced)
