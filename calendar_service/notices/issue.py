"""Issue the notices that follow from writing events: *announced* and *changed*.

Called by :mod:`calendar_service.store.writer` inside the transaction that writes the event, so an
event and the notice about it are committed together or not at all (and a later outbox can be
filled in the same transaction). A notice's text is composed once, here, and kept as issued:
feeds render the stored text and never re-derive it, so an entry does not change when the event
changes again later (that later change gets a notice of its own).

Which updates are news: a change of dates or precision, of a known place (city or country; a
place filled in where none was known is not a move) or of status.
Anything else (a typo fixed in a summary, a body added) bumps the event's sequence but issues
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendar_service.dates import Precision
from calendar_service.models import Event, Notice, NoticeKind
from calendar_service.wording import en, ru
from calendar_service.wording.common import plain, sentence
from calendar_service.wording.names import NO_NAMES, RussianNames

__all__ = ["EventSnapshot", "announce_unannounced", "issue_announced", "issue_changed", "snapshot"]

#: status -> (English, Russian) headline word of a status change.
_STATUS_WORDS = {
    "cancelled": ("Cancelled", "Отменено"),
    "postponed": ("Postponed", "Отложено"),
    "held": ("Held", "Состоялось"),
    "planned": ("Planned", "Запланировано"),
}


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


#: Length of the notices' title columns.
MAX_NOTICE_TITLE = 1000


def _fit(title: str) -> str:
    # Each field was checked alone; the composed title is made plain, so no two fields form a tag.
    # A 500-character event title plus two long places can outgrow the column; cut, and say so.
    title = plain(title)
    return title if len(title) <= MAX_NOTICE_TITLE else title[: MAX_NOTICE_TITLE - 1].rstrip() + "…"


def _join(*parts: str) -> str:
    return plain(" ".join(part.strip() for part in parts if part and part.strip()))


def issue_announced(session: Session, event: Event, *, now: dt.datetime, names: RussianNames = NO_NAMES) -> Notice:
    """Add the *announced* notice of a newly stored ``event`` (event sequence 0)."""
    dates, place = en.describe_dates(event), en.describe_location(event)
    where = f", {place}" if place else ""
    dates_ru, place_ru = ru.describe_dates(event), ru.describe_location(event, names)
    where_ru = f", {place_ru}" if place_ru else ""
    notice = Notice(
        event=event, kind=NoticeKind.ANNOUNCED.value, occurrence_year=0, lead_days=0, event_sequence=0,
        title=_fit(f"{event.title.strip()} ({dates}{where})"),
        summary=_join(sentence(f"{dates}{where}"), event.summary),
        title_ru=_fit(f"{ru.title(event)} ({dates_ru}{where_ru})"),
        summary_ru=_join(sentence(f"{dates_ru}{where_ru}"), event.summary_ru or ""),
        details=_facts(event), issued_dt=now, updated_dt=now,
    )
    session.add(notice)
    return notice


def _headline(before: EventSnapshot, after: EventSnapshot) -> tuple[str, str]:
    dates_changed = (before.start, before.end, before.precision) != (after.start, after.end, after.precision)
    if after.status != before.status and after.status in {"cancelled", "postponed"}:
        return _STATUS_WORDS[after.status]
    if dates_changed:
        narrowed = (Precision(after.precision) is not Precision(before.precision)
                    and before.start <= after.start and after.end <= before.end)
        return ("Date set", "Дата уточнена") if narrowed else ("Rescheduled", "Перенесено")
    if (before.city, before.country) != (after.city, after.country):
        return "Moved", "Изменено место"
    if after.status == "planned" and before.status in {"cancelled", "postponed"}:
        return "Reinstated", "Возобновлено"
    return _STATUS_WORDS[after.status]


def issue_changed(session: Session, event: Event, before: EventSnapshot, *, now: dt.datetime,
                  names: RussianNames = NO_NAMES) -> Notice | None:
    """Add the *changed* notice for an update of ``event`` from ``before``, if the update is news.

    Returns:
        The notice, or None when neither dates, precision, place nor status changed.
    """
    after = snapshot(event, names)
    changes: list[dict[str, str]] = []
    if (before.start, before.end, before.precision) != (after.start, after.end, after.precision):
        changes.append({"field": "dates", "now": after.dates, "was": before.dates,
                        "now_ru": after.dates_ru, "was_ru": before.dates_ru})
    # A place that was not known and now is (or a city added to a known country) is filled in,
    # not moved: only a known part of the place that changes or goes is news.
    if any(was is not None and was != now for was, now in ((before.city, after.city), (before.country, after.country))):
        changes.append({"field": "place", "now": after.place or "not known", "was": before.place or "not known",
                        "now_ru": after.place_ru or "не известно", "was_ru": before.place_ru or "не известно"})
    if before.status != after.status:
        changes.append({"field": "status", "now": after.status, "was": before.status})
    if not changes:
        return None
    word, word_ru = _headline(before, after)
    main = changes[0]
    if main["field"] == "status":
        tail = f" ({after.dates})"
    elif main["field"] == "dates":
        tail = f", now {after.dates}, was {before.dates}"
    else:
        tail = f", now in {main['now']}, was {main['was']}"
    lines = [f"{'Dates' if c['field'] == 'dates' else c['field'].capitalize()}: now {c['now']}, was {c['was']}."
             for c in changes]
    notice = Notice(
        event=event, kind=NoticeKind.CHANGED.value, occurrence_year=0, lead_days=0,
        event_sequence=event.sequence,
        title=_fit(f"{word}: {event.title.strip()}{tail}"),
        summary=_join(*lines),
        details={**_facts(event), "changes": changes}, issued_dt=now, updated_dt=now,
    )
    if main["field"] == "dates":
        tail_ru = f", теперь {after.dates_ru}, ранее {before.dates_ru}"
    elif main["field"] == "place":
        tail_ru = f", теперь {main['now_ru']}, ранее {main['was_ru']}"
    else:
        tail_ru = f" ({after.dates_ru})"
    notice.title_ru = _fit(f"{word_ru}: {ru.title(event)}{tail_ru}")
    lines_ru = []
    for change in changes:
        if change["field"] == "dates":
            lines_ru.append(sentence(f"Даты: теперь {change['now_ru']}, ранее {change['was_ru']}"))
        elif change["field"] == "place":
            lines_ru.append(sentence(f"Место: теперь {change['now_ru']}, ранее {change['was_ru']}"))
        else:
            lines_ru.append(f"Статус: теперь {ru.STATUSES[change['now']]}, ранее {ru.STATUSES[change['was']]}.")
    notice.summary_ru = _join(*lines_ru)
    session.add(notice)
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
        issue_announced(session, event, now=event.created_dt)
    return len(unannounced)
